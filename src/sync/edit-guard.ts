/**
 * Enforces a room's edit capability on this peer: every WebRTC connection proves (or fails to prove) that the
 * other side holds the edit key (./edit-auth.ts), and until it has, and for good if it cannot, its document writes
 * are not applied here (./edit-filter.ts). Editors and viewers run the same guard, so a tampered viewer can fool
 * neither the editors nor the other viewers.
 *
 * Where: simple-peer's `_onChannelMessage`, the one door every data channel message goes through before
 * y-webrtc's `readPeerMessage` (the same door ./peer-frames.ts uses). Each connection is hooked when y-webrtc
 * creates it (its 'peers' event is emitted synchronously then), before its channel can deliver anything.
 *
 * Not guarded: y-webrtc's BroadcastChannel between tabs of this browser (same user, same device: they could open
 * the edit link in the other tab anyway), and messages of Anode's own frames (file bytes, variable slices), which
 * only answer questions and never write the document.
 */
import type { WebrtcProvider } from 'y-webrtc';
import { decodeFrame, encodeFrame, type Magic } from './peer-frames';
import { newNonce, proveEdit, sdpFingerprint, verifyEdit, type CapabilityKeys, type Transcript } from './edit-auth';
import { judge, type Trust } from './edit-filter';

const MAGIC: Magic = [0x41, 0x45, 0x44, 0x54]; // "AEDT"
/** Messages held per connection while its proof is on its way (a tampered peer never sending one holds no more). */
const MAX_HELD = 2000;
/** How long a rotating editor waits for the other editors to confirm they have the new secrets before it leaves. */
const ROTATE_ACK_MS = 3000;

/** New secrets of the room (link rotation), as they travel between proven editors only. */
export interface Rotation {
  secret: string;
  cap: string;
}

/** The parts of simple-peer and y-webrtc's WebrtcConn the guard touches (y-webrtc types them as any). */
interface PeerLike {
  destroyed: boolean;
  send(data: Uint8Array): void;
  on(event: 'connect', f: () => void): void;
  _onChannelMessage(event: { data: unknown }): void;
  _pc?: RTCPeerConnection;
}
interface ConnLike {
  remotePeerId: string;
  connected: boolean;
  peer: PeerLike;
}

interface Link {
  trust: Trust;
  nonce: string;
  helloSent: boolean;
  /** The other side's hello, once received. */
  remote: { nonce: string; client: number } | null;
  held: unknown[];
  pass: (event: { data: unknown }) => void;
}

function asBytes(data: unknown): Uint8Array | null {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : null;
}

export class EditGuard {
  private readonly links = new WeakMap<PeerLike, Link>();
  private readonly listeners = new Set<() => void>();
  private readonly rotationListeners = new Set<(r: Rotation) => void>();
  private readonly acks = new Map<string, () => void>();
  private readonly onPeers = (): void => this.hookAll();

  constructor(
    private readonly provider: WebrtcProvider,
    private readonly topic: string,
    private readonly keys: CapabilityKeys,
    private readonly client: number,
  ) {
    provider.on('peers', this.onPeers);
    this.hookAll();
  }

  /** Whether this peer holds the edit key (its writes reach the others). */
  get canEdit(): boolean {
    return this.keys.sign !== null;
  }

  /** What each connected peer proved, by y-webrtc peer id. */
  trusts(): Map<string, Trust> {
    const out = new Map<string, Trust>();
    this.conns().forEach((c) => {
      const link = this.links.get(c.peer);
      if (link && c.connected) out.set(c.remotePeerId, link.trust);
    });
    return out;
  }

  /** Calls `fn` when a connection's verdict is in. Returns an unsubscribe. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Calls `fn` with new secrets a proven editor sends (it rotated the links). Returns an unsubscribe. */
  onRotation(fn: (r: Rotation) => void): () => void {
    this.rotationListeners.add(fn);
    return () => this.rotationListeners.delete(fn);
  }

  /**
   * Sends new secrets to every connection that proved edit rights (never to a viewer, an unproven peer, or the
   * document) and resolves once each has confirmed, or after {@link ROTATE_ACK_MS}.
   */
  async sendRotation(rotation: Rotation): Promise<void> {
    const waits: Array<Promise<void>> = [];
    this.conns().forEach((conn) => {
      if (this.links.get(conn.peer)?.trust !== 'editor' || !conn.connected) return;
      const id = newNonce();
      waits.push(
        new Promise<void>((resolve) => {
          const timer = setTimeout(done, ROTATE_ACK_MS);
          const acks = this.acks;
          function done(): void {
            clearTimeout(timer);
            acks.delete(id);
            resolve();
          }
          this.acks.set(id, done);
        }),
      );
      this.send(conn.peer, { t: 'rotate', id, ...rotation });
    });
    await Promise.all(waits);
  }

  destroy(): void {
    this.provider.off('peers', this.onPeers);
    this.listeners.clear();
    this.rotationListeners.clear();
  }

  private conns(): Map<string, ConnLike> {
    // y-webrtc's room.webrtcConns: Map<peerId, WebrtcConn>, typed any.
    return (this.provider.room?.webrtcConns ?? new Map()) as Map<string, ConnLike>;
  }

  private hookAll(): void {
    this.conns().forEach((conn) => {
      if (conn.peer && !this.links.has(conn.peer)) this.hook(conn);
    });
  }

  private hook(conn: ConnLike): void {
    const peer = conn.peer;
    const link: Link = { trust: 'pending', nonce: newNonce(), helloSent: false, remote: null, held: [], pass: peer._onChannelMessage.bind(peer) };
    this.links.set(peer, link);
    peer._onChannelMessage = (event) => {
      const frame = decodeFrame(MAGIC, event.data);
      if (frame) return void this.onFrame(conn, link, frame.header);
      if (link.trust === 'pending') {
        // Questions are answered at once; the rest waits, in order, for the verdict.
        const verdict = this.judged(event.data, link);
        if (verdict === 'wait' || link.held.length) {
          if (link.held.length < MAX_HELD) link.held.push(event.data);
          return;
        }
        if (verdict !== 'drop') link.pass({ data: verdict });
        return;
      }
      const verdict = this.judged(event.data, link);
      if (verdict !== 'drop' && verdict !== 'wait') link.pass({ data: verdict });
    };
    if (conn.connected) this.hello(conn, link);
    else peer.on('connect', () => this.hello(conn, link));
  }

  /** Sends this side's hello once: on connect, or before answering the other's hello if that came first. */
  private hello(conn: ConnLike, link: Link): void {
    if (link.helloSent) return;
    link.helloSent = true;
    this.send(conn.peer, { t: 'hello', nonce: link.nonce, client: this.client });
  }

  private judged(data: unknown, link: Link): ReturnType<typeof judge> {
    const bytes = asBytes(data);
    if (!bytes) return 'drop'; // y-webrtc only sends binary messages
    return judge(bytes, link.trust, link.remote?.client ?? null);
  }

  private send(peer: PeerLike, header: unknown): void {
    try {
      if (!peer.destroyed) peer.send(encodeFrame(MAGIC, header));
    } catch {
      // The channel is closing: y-webrtc drops the connection.
    }
  }

  private transcript(conn: ConnLike, signer: 'me' | 'them', nonce: string, signerClient: number): Transcript {
    const pc = conn.peer._pc;
    const mine = sdpFingerprint(pc?.localDescription?.sdp);
    const theirs = sdpFingerprint(pc?.remoteDescription?.sdp);
    const myPeer = this.provider.room?.peerId ?? '';
    return signer === 'me'
      ? { room: this.topic, signerPeer: myPeer, verifierPeer: conn.remotePeerId, signerFingerprint: mine, verifierFingerprint: theirs, nonce, signerClient }
      : { room: this.topic, signerPeer: conn.remotePeerId, verifierPeer: myPeer, signerFingerprint: theirs, verifierFingerprint: mine, nonce, signerClient };
  }

  private async onFrame(conn: ConnLike, link: Link, header: unknown): Promise<void> {
    const h = header as { t?: unknown; nonce?: unknown; client?: unknown; proof?: unknown; id?: unknown; secret?: unknown; cap?: unknown };
    if (h.t === 'rotate' && link.trust === 'editor' && typeof h.secret === 'string' && typeof h.cap === 'string') {
      // Only an editor may move the room (the listeners check the secrets' shape): a viewer's "rotate" is ignored.
      this.send(conn.peer, { t: 'rotated', id: h.id });
      for (const fn of [...this.rotationListeners]) fn({ secret: h.secret, cap: h.cap });
      return;
    }
    if (h.t === 'rotated' && typeof h.id === 'string') {
      this.acks.get(h.id)?.();
      return;
    }
    if (h.t === 'hello' && link.remote === null && typeof h.nonce === 'string' && Number.isInteger(h.client) && (h.client as number) >= 0) {
      link.remote = { nonce: h.nonce, client: h.client as number };
      // The channel delivers before simple-peer's 'connect' (it waits for ICE statistics): a proof must never
      // overtake this side's hello, which it is bound to.
      this.hello(conn, link);
      const proof = await proveEdit(this.keys, this.transcript(conn, 'me', h.nonce, this.client));
      this.send(conn.peer, { t: 'proof', proof });
      return;
    }
    if (h.t === 'proof' && link.trust === 'pending') {
      // A proof before a hello proves nothing (there is no client id to bind it to).
      const remote = link.remote;
      const ok = remote !== null && (await verifyEdit(this.keys, this.transcript(conn, 'them', link.nonce, remote.client), h.proof));
      this.settle(link, ok ? 'editor' : 'viewer');
    }
  }

  private settle(link: Link, trust: Trust): void {
    link.trust = trust;
    const held = link.held;
    link.held = [];
    for (const data of held) {
      const verdict = this.judged(data, link);
      if (verdict !== 'drop' && verdict !== 'wait') link.pass({ data: verdict });
    }
    for (const fn of [...this.listeners]) fn();
  }
}
