/**
 * Keeps a y-webrtc room connected through network loss. y-webrtc alone does not heal: it announces a peer to the
 * room only when a signaling socket (re)connects or one of its WebRTC connections closes, and it ignores an
 * announce from a peer it still holds a connection to. So after a cut, announcements sent while offline are lost,
 * a socket the browser kept open never reconnects, and a connection whose other end is gone (ICE has not noticed
 * yet) blocks the new one: two sides that both edited stayed apart until a reload. This module:
 * - reconnects signaling when the browser comes back online (the old socket may be dead without knowing it), and
 *   drops the connections it was still negotiating (their messages were lost);
 * - sends every WebRTC peer a sync step 1 every {@link PING_MS}: the answer proves the connection alive, and is
 *   also anti-entropy (any update a peer missed is sent back in the answer);
 * - drops a connection that has answered nothing for {@link STALE_MS}, or never connected within
 *   {@link CONNECT_MS} (y-webrtc then forgets it and announces);
 * - while a peer it lost has not come back, announces this peer again with a backoff (1 s doubling to
 *   {@link ANNOUNCE_MAX_MS}), for {@link LOST_FOR_MS}.
 */
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';

export const PING_MS = 2000;
export const STALE_MS = 7000;
/** Longer than a connection takes on a real network (relayed by TURN too), but not a wait a user gives up on. */
export const CONNECT_MS = 10_000;
export const ANNOUNCE_MAX_MS = 8000;
export const LOST_FOR_MS = 5 * 60_000;
/** y-webrtc's message type of a Yjs sync message on a data channel. */
const MESSAGE_SYNC = 0;

/** The parts of y-webrtc's WebrtcConn this module reads (y-webrtc types them loosely). */
interface PeerLike {
  on(event: 'data', f: () => void): void;
  send(data: Uint8Array): void;
  destroy(): void;
}
interface WebrtcConnLike {
  remotePeerId: string;
  connected: boolean;
  closed: boolean;
  peer: PeerLike;
}
/** The parts of lib0's WebsocketClient (y-webrtc's SignalingConn). */
interface SignalingLike {
  connected: boolean;
  ws: { close(): void } | null;
  emit(name: 'connect', args: []): void;
}
/** The parts of y-webrtc's WebrtcProvider. */
export interface ProviderLike {
  doc: Y.Doc;
  signalingConns: unknown[];
  room: { webrtcConns: Map<string, unknown> } | null;
  on(name: 'peers', f: (e: { added: string[]; removed: string[] }) => void): void;
  off(name: 'peers', f: (e: { added: string[]; removed: string[] }) => void): void;
}

/** What the healer tells the room's status. */
export interface HealState {
  /** Peers lost without saying goodbye that have not come back yet (within {@link LOST_FOR_MS}). */
  lost: number;
  /** Connections that never opened within {@link CONNECT_MS} since the room was joined. */
  failed: number;
}

/**
 * Starts healing `provider`'s room; returns a stop function and a reader of its state. `events` is where the
 * browser's `online` event fires (the window; absent in workers and Node).
 */
export function startHealer(
  provider: ProviderLike,
  onChange: () => void,
  events: Pick<EventTarget, 'addEventListener' | 'removeEventListener'> | undefined = 'addEventListener' in globalThis ? globalThis : undefined,
): { stop(): void; state(): HealState } {
  /** When each connection last delivered anything, by connection. */
  const heard = new WeakMap<WebrtcConnLike, number>();
  /** Since when each connection exists, for those not connected yet. */
  const born = new WeakMap<WebrtcConnLike, number>();
  /** Peers whose connection closed, with when; a peer leaves when a connection to it is open again. */
  const lost = new Map<string, number>();
  let announceTimer: ReturnType<typeof setTimeout> | null = null;
  let backoff = 1000;
  let stopped = false;
  let failed = 0;

  const conns = (): WebrtcConnLike[] => [...(provider.room?.webrtcConns.values() ?? [])] as WebrtcConnLike[];
  const signaling = (): SignalingLike[] => provider.signalingConns as SignalingLike[];

  function watch(conn: WebrtcConnLike, now: number): void {
    if (born.has(conn)) return;
    born.set(conn, now);
    heard.set(conn, now);
    conn.peer.on('data', () => heard.set(conn, Date.now()));
  }

  function ping(conn: WebrtcConnLike): void {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(encoder, provider.doc);
    try {
      conn.peer.send(encoding.toUint8Array(encoder));
    } catch {
      // A channel closing under us: the staleness check below drops it.
    }
  }

  function tick(): void {
    const now = Date.now();
    let changed = false;
    for (const conn of conns()) {
      watch(conn, now);
      if (conn.connected) {
        if (lost.delete(conn.remotePeerId)) changed = true;
        if (now - (heard.get(conn) ?? now) > STALE_MS) conn.peer.destroy();
        else ping(conn);
      } else if (!conn.closed && now - (born.get(conn) ?? now) > CONNECT_MS) {
        failed++;
        changed = true;
        conn.peer.destroy();
      }
    }
    for (const [peer, since] of lost) {
      if (now - since > LOST_FOR_MS) {
        lost.delete(peer);
        changed = true;
      }
    }
    if (changed) onChange();
  }

  function announce(): void {
    announceTimer = null;
    if (stopped || lost.size === 0) {
      backoff = 1000;
      return;
    }
    // lib0's 'connect' event is what makes y-webrtc subscribe and announce this peer in every room it has.
    for (const s of signaling()) if (s.connected) s.emit('connect', []);
    backoff = Math.min(backoff * 2, ANNOUNCE_MAX_MS);
    announceTimer = setTimeout(announce, backoff);
  }

  const onPeers = ({ added, removed }: { added: string[]; removed: string[] }): void => {
    const now = Date.now();
    for (const p of removed) lost.set(p, now);
    for (const p of added) if (conns().some((c) => c.remotePeerId === p && c.connected)) lost.delete(p);
    if (removed.length) {
      backoff = 1000;
      if (announceTimer !== null) clearTimeout(announceTimer);
      announceTimer = setTimeout(announce, backoff);
    }
    onChange();
  };

  const onOnline = (): void => {
    // The socket may have died with the network without lib0 noticing (it only pings every 15 s): a fresh one
    // announces this peer on connect.
    for (const s of signaling()) s.ws?.close();
    // Connections negotiated during the cut never finish: start over.
    for (const conn of conns()) if (!conn.connected && !conn.closed) conn.peer.destroy();
    backoff = 1000;
    if (announceTimer !== null) clearTimeout(announceTimer);
    announceTimer = setTimeout(announce, backoff);
  };

  provider.on('peers', onPeers);
  events?.addEventListener('online', onOnline);
  const interval = setInterval(tick, PING_MS);
  return {
    state: () => ({ lost: lost.size, failed }),
    stop() {
      stopped = true;
      clearInterval(interval);
      if (announceTimer !== null) clearTimeout(announceTimer);
      provider.off('peers', onPeers);
      events?.removeEventListener('online', onOnline);
    },
  };
}
