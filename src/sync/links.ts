/**
 * How each WebRTC peer of a room is reached: directly, relayed by a TURN server, still connecting, or failed. Read
 * from the connection's own statistics (the selected ICE candidate pair), so it says what the browser actually
 * does, for the connection panel ("relayed by TURN", "WebRTC blocked: no TURN configured").
 */

export type LinkKind = 'direct' | 'relayed' | 'connecting' | 'failed';

export interface PeerLink {
  /** y-webrtc's id of the peer (not its name: the room maps presence to people, not connections). */
  peerId: string;
  kind: LinkKind;
}

/** The part of simple-peer this module reads (its RTCPeerConnection is the private `_pc`). */
interface PeerLike {
  _pc?: RTCPeerConnection;
}
export interface ConnLike {
  remotePeerId: string;
  connected: boolean;
  closed: boolean;
  peer: PeerLike;
}

type Stat = { type: string; id: string; selectedCandidatePairId?: string; localCandidateId?: string; candidateType?: string; state?: string; nominated?: boolean };

/** The kind of the connection's selected candidate pair: a relay candidate on either side means TURN. */
export async function linkOf(conn: ConnLike): Promise<PeerLink> {
  const base = { peerId: conn.remotePeerId };
  if (conn.closed) return { ...base, kind: 'failed' };
  const pc = conn.peer._pc;
  if (!conn.connected || !pc) return { ...base, kind: pc?.iceConnectionState === 'failed' ? 'failed' : 'connecting' };
  const stats = new Map<string, Stat>();
  try {
    (await pc.getStats()).forEach((s: Stat) => stats.set(s.id, s));
  } catch {
    return { ...base, kind: 'direct' }; // connected, type unknown: not worth a false alarm
  }
  let pair: Stat | undefined;
  for (const s of stats.values()) if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId);
  pair ??= [...stats.values()].find((s) => s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated);
  const local = pair?.localCandidateId ? stats.get(pair.localCandidateId) : undefined;
  const remote = (pair as { remoteCandidateId?: string } | undefined)?.remoteCandidateId;
  const relayed = local?.candidateType === 'relay' || (remote ? stats.get(remote)?.candidateType === 'relay' : false);
  return { ...base, kind: relayed ? 'relayed' : 'direct' };
}

/** A sentence for the connection panel about links that do not work, or null when all do. */
export function linkProblem(links: PeerLink[], failedSinceStart: number, turnConfigured: boolean): string | null {
  const failing = failedSinceStart + links.filter((l) => l.kind === 'failed').length;
  if (!failing || links.some((l) => l.kind === 'direct' || l.kind === 'relayed')) return null;
  return turnConfigured
    ? 'WebRTC connections fail even through the TURN server: check its address and credentials in Settings.'
    : 'WebRTC connections fail (a strict NAT or a network that blocks WebRTC): no TURN server is configured. Add one in Settings.';
}
