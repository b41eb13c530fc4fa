/**
 * The signaling server as a witness (see ./failover.ts): every peer also sends its heartbeat through the room's
 * signaling servers, which relay it to every subscriber of the topic, the sender included. A peer hears the witness
 * when its own heartbeat comes back, and hears through it the peers whose WebRTC connection is down but who still
 * reach the server, so two sides that both reach the witness never both think the other is gone.
 *
 * The heartbeats go to a topic of their own beside y-webrtc's (y-webrtc decrypts every message of its topic and
 * would choke on ours), encrypted and authenticated with the room key, numbered so a replay is ignored.
 */
import type { WebrtcProvider } from 'y-webrtc';
import { fromBase64, toBase64 } from 'lib0/buffer';
import type { HeardSource } from './liveness';
import { FENCE_MS } from './failover';

/** The part of lib0's WebsocketClient (y-webrtc's signaling connection) this module uses. */
interface SignalingConn {
  connected: boolean;
  send(message: unknown): void;
  on(name: 'message', f: (m: unknown) => void): void;
  on(name: 'connect', f: () => void): void;
  off(name: 'message', f: (m: unknown) => void): void;
  off(name: 'connect', f: () => void): void;
}

/** Heartbeats through a y-webrtc provider's signaling connections. */
export class SignalingWitness implements HeardSource {
  private readonly topic: string;
  private readonly conns: SignalingConn[];
  private readonly heardAt = new Map<number, number>();
  /** Highest heartbeat number seen per peer: an older one is a replay. */
  private readonly seq = new Map<number, number>();
  private echoAt: number | null = null;
  private echoFrom: number | null = null;
  private key: CryptoKey | null = null;
  private n = 0;
  private destroyed = false;
  private readonly onConnect = (): void => this.subscribe();
  private readonly onMessage = (m: unknown): void => void this.receive(m);

  constructor(
    provider: WebrtcProvider,
    private readonly clientId: number,
    private readonly now: () => number = Date.now,
  ) {
    this.topic = `${provider.roomName}/witness`;
    // y-webrtc types these as any[]; they are lib0 WebsocketClients.
    this.conns = provider.signalingConns as SignalingConn[];
    void provider.key.then((key) => {
      this.key = key;
    });
    for (const c of this.conns) {
      c.on('connect', this.onConnect);
      c.on('message', this.onMessage);
    }
    this.subscribe();
  }

  private subscribe(): void {
    for (const c of this.conns) if (c.connected) c.send({ type: 'subscribe', topics: [this.topic] });
  }

  heard(): ReadonlyMap<number, number> {
    return this.heardAt;
  }

  echo(): number | null {
    return this.echoAt;
  }

  echoSince(): number | null {
    return this.echoFrom;
  }

  beat(): void {
    if (this.destroyed || !this.conns.some((c) => c.connected)) return;
    void this.seal({ c: this.clientId, n: ++this.n }).then((data) => {
      if (data === null || this.destroyed) return;
      for (const c of this.conns) if (c.connected) c.send({ type: 'publish', topic: this.topic, data });
    });
  }

  private async seal(msg: { c: number; n: number }): Promise<string | null> {
    const key = this.key;
    if (!key) return null;
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, new TextEncoder().encode(JSON.stringify(msg))));
    const out = new Uint8Array(iv.length + cipher.length);
    out.set(iv);
    out.set(cipher, iv.length);
    return toBase64(out);
  }

  private async receive(m: unknown): Promise<void> {
    const msg = m as { type?: unknown; topic?: unknown; data?: unknown } | null;
    if (this.destroyed || !this.key || msg?.type !== 'publish' || msg.topic !== this.topic || typeof msg.data !== 'string') return;
    let body: { c?: unknown; n?: unknown };
    try {
      const bytes = fromBase64(msg.data);
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.slice(0, 12) }, this.key, bytes.slice(12));
      body = JSON.parse(new TextDecoder().decode(plain)) as { c?: unknown; n?: unknown };
    } catch {
      return; // not from someone with the room secret
    }
    const { c, n } = body;
    if (!Number.isInteger(c) || !Number.isInteger(n)) return;
    const client = c as number;
    if ((this.seq.get(client) ?? 0) >= (n as number)) return;
    this.seq.set(client, n as number);
    if (client === this.clientId) {
      const now = this.now();
      if (this.echoAt === null || now - this.echoAt > FENCE_MS) this.echoFrom = now;
      this.echoAt = now;
    }
    else this.heardAt.set(client, this.now());
  }

  destroy(): void {
    this.destroyed = true;
    for (const c of this.conns) {
      c.off('connect', this.onConnect);
      c.off('message', this.onMessage);
      if (c.connected) c.send({ type: 'unsubscribe', topics: [this.topic] });
    }
  }
}
