/**
 * Liveness: this peer says "still here" every HEARTBEAT_MS and keeps track of when it last heard each other peer,
 * which is what the failover rule (./failover.ts) decides from. A crashed browser sends no goodbye; without this,
 * the others would notice only at y-protocols' 30 s awareness timeout.
 */
import * as Y from 'yjs';
import { kernelMap, runsMap } from '../model';
import type { Presence } from './awareness';
import { HEARTBEAT_MS, type Hearing } from './failover';

/** Something that also hears peers (the signaling witness, ./witness.ts). */
export interface HeardSource {
  /** When each peer was last heard through it (this peer's clock, ms). */
  heard(): ReadonlyMap<number, number>;
  /** When this peer's own heartbeat last came back through it, or null. */
  echo(): number | null;
  /** Since when its heartbeats have come back without a break (see Hearing.witnessSince), or null. */
  echoSince(): number | null;
  /** Sends this peer's heartbeat through it. */
  beat(): void;
}

/** A peer's heartbeat field (see Presence.setBeat), validated: it comes from another browser. */
function readBeat(state: unknown): { n: number; echo: Map<number, number> } | null {
  const beat = (state as { beat?: unknown } | null)?.beat as { n?: unknown; echo?: unknown } | undefined;
  if (!beat || !Number.isInteger(beat.n) || !Array.isArray(beat.echo)) return null;
  const echo = new Map<number, number>();
  for (const e of beat.echo.slice(0, 256)) {
    if (Array.isArray(e) && Number.isInteger(e[0]) && Number.isInteger(e[1])) echo.set(e[0] as number, e[1] as number);
  }
  return { n: beat.n as number, echo };
}

/** Calls `fn` every `ms`; returns a stop function. */
export type Ticker = (ms: number, fn: () => void) => () => void;

/**
 * A ticker that background tabs do not slow down: Chromium throttles a hidden page's timers to once a second, and
 * after five minutes to once a minute, but not a dedicated worker's. Falls back to setInterval where workers are
 * unavailable (Node tests); the thresholds tolerate once-a-second ticks (see failover.ts).
 */
export const workerTicker: Ticker = (ms, fn) => {
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined' || typeof URL.createObjectURL !== 'function') {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  }
  let worker: Worker | null = null;
  let url: string | null = null;
  try {
    url = URL.createObjectURL(new Blob([`setInterval(() => postMessage(0), ${Math.max(1, Math.round(ms))});`], { type: 'text/javascript' }));
    worker = new Worker(url);
    worker.onmessage = () => fn();
  } catch {
    // A policy that forbids blob: workers: the main thread's timer still works, throttled when hidden.
    if (url) URL.revokeObjectURL(url);
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  }
  return () => {
    worker?.terminate();
    if (url) URL.revokeObjectURL(url);
  };
};

export interface LivenessOptions {
  /** The clock (tests). */
  now?: () => number;
  ticker?: Ticker;
  witness?: HeardSource | null;
  /** The executor whose changes this peer acknowledges holding (see PeerPresence.seen). */
  executor: () => number | null;
}

/** Heartbeats, acknowledgements and what this peer has heard, for one notebook's presence. */
export class Liveness {
  private readonly now: () => number;
  private readonly stopTicker: () => void;
  private readonly listeners = new Set<() => void>();
  private witness: HeardSource | null;
  private ackQueued = false;
  private destroyed = false;
  private readonly onDocUpdate = (): void => this.ackSoon();
  /**
   * When each other peer's presence last arrived (its heartbeat, or any change), on this peer's clock. Optimistic: a
   * peer reconnecting sends every state it knows, old ones included. Good enough to say a peer is not silent.
   */
  private readonly heardAt = new Map<number, number>();
  /**
   * When this peer sent the heartbeat that each other peer's latest state echoes: the state was made after that, so
   * the peer was alive and connected to this one since (conservative). What quorums count.
   */
  private readonly freshAt = new Map<number, number>();
  /** When the last tick ran, and until when this peer is catching up after its own main thread stalled. */
  private lastTick: number | null = null;
  private recoverUntil = 0;
  /** This peer's heartbeat count, and when each recent one was sent. */
  private beat = 0;
  private readonly sentAt = new Map<number, number>();
  /** The last heartbeat number received from each peer (echoed back in this peer's next heartbeat). */
  private readonly lastBeat = new Map<number, number>();
  /**
   * Every presence message that advances a peer's clock is an 'update' (a heartbeat changes a counter). Noted here
   * rather than read from y-protocols' `meta.lastUpdated`, so that the clock is this module's (tests simulate it).
   */
  private readonly onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === 'local') return;
    const now = this.now();
    const self = this.presence.clientId;
    for (const c of [...added, ...updated]) {
      if (c === self) continue;
      this.heardAt.set(c, now);
      const beat = readBeat(this.presence.awareness.getStates().get(c));
      if (!beat) continue;
      if (beat.n > (this.lastBeat.get(c) ?? -1)) this.lastBeat.set(c, beat.n);
      const mine = beat.echo.get(self);
      const sent = mine === undefined ? undefined : this.sentAt.get(mine);
      if (sent !== undefined && sent > (this.freshAt.get(c) ?? -Infinity)) this.freshAt.set(c, sent);
    }
    for (const c of removed) {
      this.heardAt.delete(c);
      this.freshAt.delete(c);
      this.lastBeat.delete(c);
    }
  };

  constructor(
    private readonly doc: Y.Doc,
    private readonly presence: Presence,
    private readonly opts: LivenessOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.witness = opts.witness ?? null;
    // Peers already present were just heard (their presence arrived before this started).
    const start = this.now();
    presence.awareness.getStates().forEach((_s, c) => c !== presence.clientId && this.heardAt.set(c, start));
    presence.awareness.on('update', this.onAwarenessUpdate);
    // Claims and takeovers are acknowledged at once (the executor waits for it); everything else (outputs
    // streaming into cells) only with the next heartbeat, so peers do not answer every output chunk.
    runsMap(doc).observeDeep(this.onDocUpdate);
    kernelMap(doc).observe(this.onDocUpdate);
    this.ack();
    this.stopTicker = (opts.ticker ?? workerTicker)(HEARTBEAT_MS, () => this.tick());
  }

  /** Uses (or stops using, null) a signaling witness: set when the notebook joins or leaves a room. */
  setWitness(witness: HeardSource | null): void {
    this.witness = witness;
  }

  /**
   * This page was frozen (its ticks came late) within the last two heartbeats: what it has not heard yet may still be
   * waiting in its queue. No takeover is decided meanwhile (src/sync/handover.ts).
   */
  recovering(): boolean {
    return this.now() < this.recoverUntil;
  }

  /** What this peer has heard, now. */
  hearing(): Hearing {
    const now = this.now();
    const self = this.presence.clientId;
    const mesh = new Map<number, number>();
    const heard = new Map<number, number>();
    this.presence.awareness.getStates().forEach((_s, client) => {
      if (client === self) return;
      const at = this.heardAt.get(client);
      if (at !== undefined) heard.set(client, at);
      const fresh = this.freshAt.get(client);
      if (fresh !== undefined) mesh.set(client, fresh);
    });
    this.witness?.heard().forEach((at, client) => {
      if (client !== self && at > (heard.get(client) ?? -Infinity)) heard.set(client, at);
    });
    return { now, self, heard, mesh, witness: this.witness?.echo() ?? null, witnessSince: this.witness?.echoSince() ?? null };
  }

  /** The `seen` each peer publishes about `executor` (peers that speak of another executor are left out). */
  acks(executor: number): Map<number, number> {
    const out = new Map<number, number>();
    this.presence.peers().forEach((p, client) => {
      if (p.seen && p.seen.of === executor) out.set(client, p.seen.clock);
    });
    return out;
  }

  /** How many of `client`'s changes this peer's document holds (its Yjs clock of that client). */
  held(client: number): number {
    return Y.getState(this.doc.store, client);
  }

  /** Calls `fn` on every tick (a silent peer fires no event: decisions that depend on silence re-run here). */
  onTick(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  /** Re-publishes the acknowledgement now (after a claim, or when the recorded executor changes). */
  ack(): void {
    const executor = this.opts.executor();
    if (executor !== null && !this.destroyed) this.presence.setSeen(executor, this.held(executor));
  }

  private ackSoon(): void {
    // Many updates arrive in a burst (a sync step, streamed outputs): acknowledge once after them.
    if (this.ackQueued) return;
    this.ackQueued = true;
    queueMicrotask(() => {
      this.ackQueued = false;
      this.ack();
    });
  }

  /** One heartbeat: "still here" to the room and through the witness, then re-evaluate. */
  tick(): void {
    if (this.destroyed) return;
    const now = this.now();
    // A late tick means this page was frozen: the messages that arrived meanwhile may not be processed yet, so for a
    // moment silence proves nothing (see `recovering`).
    if (this.lastTick !== null && now - this.lastTick > 2 * HEARTBEAT_MS) this.recoverUntil = now + 2 * HEARTBEAT_MS;
    this.lastTick = now;
    this.ack();
    // Alone (a notebook not shared, or nobody else here yet): nobody to tell, and every beat would re-render presence.
    if (this.presence.awareness.getStates().size < 2 && !this.witness) {
      for (const fn of [...this.listeners]) fn();
      return;
    }
    this.beat++;
    this.sentAt.set(this.beat, this.now());
    // Echoes are answered within a heartbeat or two: older numbers are not needed.
    this.sentAt.delete(this.beat - 64);
    this.presence.setBeat(this.beat, [...this.lastBeat]);
    this.witness?.beat();
    for (const fn of [...this.listeners]) fn();
  }

  destroy(): void {
    this.destroyed = true;
    this.stopTicker();
    this.presence.awareness.off('update', this.onAwarenessUpdate);
    runsMap(this.doc).unobserveDeep(this.onDocUpdate);
    kernelMap(this.doc).unobserve(this.onDocUpdate);
    this.listeners.clear();
  }
}
