/**
 * A room of many peers over a simulated network, for the scale simulation (sync-scale-sim.test.ts) and its bench
 * (tests/bench/room-sim.mjs). Every peer has a real Y.Doc and a real y-protocols Awareness; what travels between them
 * are the real y-protocols messages (their bytes are counted), with a seeded one-way latency per message, first in
 * first out per link (data channels and WebSockets are ordered), over one of two topologies:
 *
 * - **mesh**: what y-webrtc 10.3 does (node_modules/y-webrtc/src/y-webrtc.js). A peer connects to an announcing
 *   newcomer only while it holds fewer than its `maxConns` connections (20 + a random 0–14 by default), and accepts
 *   every connection offered, so past ~20 peers the mesh is not full. On connect each side sends sync step 1 and
 *   every awareness state it knows; a step 1 is answered with step 2. Every Y.Doc `update` and every Awareness
 *   `update` event, whatever its origin, is sent to every connection: a peer that receives a new update passes it
 *   on to all its connections (back to the sender too). So one edit costs one message per connection end (Σ
 *   degrees: N·(N−1) in a full mesh), and a message already known is dropped by Yjs (no event, no re-send).
 * - **relay**: a star through a blind relay (the server forwards ciphertext it cannot read, so it neither applies
 *   nor answers anything): a peer sends each of its own document and presence changes up once, the relay sends it
 *   down to every other connected peer. Received changes are not sent on (unlike y-websocket's client, which re-sends
 *   remote presence: harmless with y-websocket's server, which drops the stale copy, but N² through a blind relay).
 *   On (re)connect a peer broadcasts sync step 1 and its presence; every peer answers it, addressed, with step 2,
 *   its own step 1 and its presence, and gets step 2 back: a y-protocols handshake with each peer, through the relay.
 *   Each relayed message carries {@link SEAL_BYTES} of encryption overhead.
 *
 * Loss: WebRTC data channels and WebSockets are reliable, so nothing is silently lost; a link (a mesh connection, a
 * peer's relay socket) drops instead, losing what was in flight on it, and comes back after a delay with the connect
 * exchange above. Partitions: peers are split into groups; a mesh link between groups drops, and in the relay, peers
 * outside the relay's group (0) lose their socket. Healing restores the links that were cut (it does not model
 * y-webrtc forming new connections meanwhile).
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';

/** y-webrtc's message types on a data channel (y-websocket uses the same numbers). */
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
/** AES-GCM's 12-byte IV and 16-byte tag on each relayed message. */
export const SEAL_BYTES = 28;
/** The transaction origin of everything a peer receives. */
export const NET = Symbol('scale-net');

/** A queue of events on a simulated clock: run by hand (`runUntil`), or driven by (fake) timers (`driveByTimers`). */
export class SimClock {
  private t = 0;
  private seq = 0;
  private readonly heap: Array<{ at: number; seq: number; fn: () => void }> = [];
  private timer: { at: number; id: ReturnType<typeof setTimeout> } | null = null;
  private timerBase: number | null = null;

  now(): number {
    return this.timerBase === null ? this.t : Date.now() - this.timerBase;
  }

  /** From now on the clock follows Date.now() and events run from setTimeout (under vi.useFakeTimers). */
  driveByTimers(): void {
    this.timerBase = Date.now() - this.t;
    this.arm();
  }

  at(delayMs: number, fn: () => void): void {
    const e = { at: this.now() + Math.max(0, delayMs), seq: this.seq++, fn };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (!before(h[i]!, h[up]!)) break;
      [h[i], h[up]] = [h[up]!, h[i]!];
      i = up;
    }
    if (this.timerBase !== null) this.arm();
  }

  private pop(): { at: number; fn: () => void } {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }

  /** Runs every event due by `t` (events they schedule too), leaving the clock at `t`. */
  runUntil(t: number): void {
    while (this.heap.length && this.heap[0]!.at <= t) {
      const e = this.pop();
      this.t = e.at;
      e.fn();
    }
    this.t = Math.max(this.t, t);
  }

  /** Runs until nothing is queued (or `limitMs` of simulated time passed); returns the time. */
  settle(limitMs = 600_000): number {
    const end = this.t + limitMs;
    while (this.heap.length && this.heap[0]!.at <= end) {
      const e = this.pop();
      this.t = e.at;
      e.fn();
    }
    return this.t;
  }

  get pending(): number {
    return this.heap.length;
  }

  private arm(): void {
    const next = this.heap[0];
    if (!next) return;
    if (this.timer && this.timer.at <= next.at) return;
    if (this.timer) clearTimeout(this.timer.id);
    const id = setTimeout(() => {
      this.timer = null;
      const now = this.now();
      while (this.heap.length && this.heap[0]!.at <= now) this.pop().fn();
      this.arm();
    }, next.at - this.now());
    this.timer = { at: next.at, id };
  }
}

function before(a: { at: number; seq: number }, b: { at: number; seq: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export type Topology = 'mesh' | 'relay';

/** Messages and bytes sent, by what they carry. */
export interface Tally {
  doc: number;
  docBytes: number;
  awareness: number;
  awarenessBytes: number;
  /** Connect exchanges: sync steps 1 and 2, presence dumps. */
  handshake: number;
  handshakeBytes: number;
}

export function emptyTally(): Tally {
  return { doc: 0, docBytes: 0, awareness: 0, awarenessBytes: 0, handshake: 0, handshakeBytes: 0 };
}

type Kind = 'doc' | 'awareness' | 'handshake';

/** What an awareness message says of each client (id, clock, removed): enough to tell a copy already held. */
type AwarenessEntries = Array<[number, number, boolean]>;

interface Message {
  kind: Kind;
  data: Uint8Array;
  entries?: AwarenessEntries;
  /** A relay newcomer's presence: every peer answers it (see the relay above). */
  hello?: boolean;
}

export interface ScalePeer {
  i: number;
  doc: Y.Doc;
  awareness: Awareness;
  group: number;
  /** y-webrtc's maxConns for this peer (mesh). */
  maxConns: number;
  /** Mesh connections by the other end. */
  conns: Map<ScalePeer, Link>;
  /** Relay socket (relay). */
  socket: Link;
}

/** A mesh connection, or a peer's socket to the relay: up while `open`; each drop starts a new epoch. */
export interface Link {
  /** Its ends: two peers, or a peer and the relay (null). */
  ends: [ScalePeer, ScalePeer | null];
  open: boolean;
  epoch: number;
  /** Last delivery time per direction (FIFO). */
  last: [number, number];
  /** Cut by a partition (restored by heal), as opposed to a drop (comes back by itself). */
  cut: boolean;
}

export interface ScaleNetOptions {
  topology: Topology;
  rnd: () => number;
  clock: SimClock;
  /** One-way delay of a message on a link (a mesh connection, or one leg to or from the relay), ms. */
  latency?: (rnd: () => number) => number;
  /** How long a dropped link takes to come back, ms. */
  reconnect?: (rnd: () => number) => number;
  /** y-webrtc's maxConns per peer; default its own: 20 + floor(random · 15). */
  maxConns?: (rnd: () => number) => number;
}

/** Default latency: 15 ms plus an exponential tail of mean 25 ms, capped at 400 ms (a campus Wi-Fi, roughly). */
export function defaultLatency(rnd: () => number): number {
  return Math.min(400, 15 + 25 * -Math.log(1 - rnd()));
}

/** Default time for a dropped link to come back: 1–3 s (ICE noticing, re-announce, a new connection). */
export function defaultReconnect(rnd: () => number): number {
  return 1000 + 2000 * rnd();
}

export class ScaleNet {
  readonly peers: ScalePeer[] = [];
  readonly tally: Tally = emptyTally();
  readonly topology: Topology;
  readonly clock: SimClock;
  private readonly rnd: () => number;
  private readonly latency: (rnd: () => number) => number;
  private readonly reconnectDelay: (rnd: () => number) => number;
  private readonly maxConns: (rnd: () => number) => number;
  private readonly encoded = new Map<string, Uint8Array>();

  constructor(opts: ScaleNetOptions) {
    this.topology = opts.topology;
    this.rnd = opts.rnd;
    this.clock = opts.clock;
    this.latency = opts.latency ?? defaultLatency;
    this.reconnectDelay = opts.reconnect ?? defaultReconnect;
    this.maxConns = opts.maxConns ?? ((r) => 20 + Math.floor(r() * 15));
  }

  /**
   * Adds a peer (with `doc`, default a new one) and joins it to the room: in the mesh, every peer with room for one
   * more connection connects to it; in the relay, its socket opens. The connect exchange is queued.
   */
  join(doc: Y.Doc = new Y.Doc(), awareness: Awareness = new Awareness(doc)): ScalePeer {
    const p: ScalePeer = {
      i: this.peers.length,
      doc,
      awareness,
      group: 0,
      maxConns: this.maxConns(this.rnd),
      conns: new Map(),
    } as ScalePeer;
    // The socket's end is the peer itself.
    p.socket = newLink(p, null);
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (this.topology === 'relay' && origin === NET) return;
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, MESSAGE_SYNC);
      syncProtocol.writeUpdate(e, update);
      this.broadcast(p, { kind: 'doc', data: encoding.toUint8Array(e) });
    });
    awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (this.topology === 'relay' && origin === NET) return;
      const changed = [...added, ...updated, ...removed];
      this.broadcast(p, { kind: 'awareness', ...this.awarenessMessage(awareness, changed) });
    });
    if (this.topology === 'mesh') {
      // y-webrtc: the newcomer announces; a peer below its maxConns answers with an offer, which is always accepted.
      for (const o of this.peers) if (o.conns.size < o.maxConns) this.connectPair(o, p);
    }
    this.peers.push(p);
    if (this.topology === 'relay') this.openSocket(p);
    return p;
  }

  /** The peers `p` can reach now (directly or through others), itself included. */
  component(p: ScalePeer): Set<ScalePeer> {
    const seen = new Set([p]);
    if (this.topology === 'relay') {
      if (!p.socket.open) return seen;
      for (const o of this.peers) if (o.socket.open) seen.add(o);
      return seen;
    }
    const todo = [p];
    while (todo.length) {
      const a = todo.pop()!;
      for (const [b, l] of a.conns) {
        if (l.open && !seen.has(b)) {
          seen.add(b);
          todo.push(b);
        }
      }
    }
    return seen;
  }

  /** Every link of the room: mesh connections (each once), or relay sockets. */
  links(): Link[] {
    if (this.topology === 'relay') return this.peers.map((p) => p.socket);
    const out = new Set<Link>();
    for (const p of this.peers) for (const l of p.conns.values()) out.add(l);
    return [...out];
  }

  /** Sum of the open connections' ends (mesh) or open sockets (relay). */
  degreeSum(): number {
    if (this.topology === 'relay') return this.peers.filter((p) => p.socket.open).length;
    let n = 0;
    for (const p of this.peers) for (const l of p.conns.values()) if (l.open) n++;
    return n;
  }

  /** Drops a link now (in-flight messages on it are lost); it comes back after the reconnect delay. */
  drop(link: Link): void {
    if (!link.open) return;
    link.open = false;
    link.epoch++;
    const epoch = link.epoch;
    this.clock.at(this.reconnectDelay(this.rnd), () => {
      if (link.epoch === epoch && !link.cut) this.reopen(link);
    });
  }

  /** Splits the room: `groups[i]` is peer i's group. Links across groups are cut until `heal`. */
  partition(groups: number[]): void {
    this.peers.forEach((p, k) => (p.group = groups[k]!));
    for (const p of this.peers) {
      if (this.topology === 'relay') {
        if (p.group !== 0) this.cut(p.socket);
        continue;
      }
      for (const [o, l] of p.conns) if (o.group !== p.group) this.cut(l);
    }
  }

  /** Ends the partition: every cut link comes back after its reconnect delay, with the connect exchange. */
  heal(): void {
    for (const p of this.peers) p.group = 0;
    for (const l of this.links()) {
      if (!l.cut) continue;
      l.cut = false;
      const epoch = l.epoch;
      this.clock.at(this.reconnectDelay(this.rnd), () => {
        if (l.epoch === epoch && !l.open) this.reopen(l);
      });
    }
  }

  private cut(l: Link): void {
    if (l.open) {
      l.open = false;
      l.epoch++;
    }
    l.cut = true;
  }

  private reopen(l: Link): void {
    const [a, b] = l.ends;
    if (b === null) return this.openSocket(a);
    l.open = true;
    this.greet(a, b, l);
    this.greet(b, a, l);
  }

  private connectPair(a: ScalePeer, b: ScalePeer): void {
    const l = newLink(a, b);
    a.conns.set(b, l);
    b.conns.set(a, l);
    this.reopen(l);
  }

  /** y-webrtc's 'connect' handler on `from`'s side: sync step 1, then every awareness state it knows. */
  private greet(from: ScalePeer, to: ScalePeer, l: Link): void {
    this.sendMesh(from, to, l, syncStep1(from.doc));
    if (from.awareness.getStates().size > 0) {
      this.sendMesh(from, to, l, { kind: 'handshake', ...this.awarenessMessage(from.awareness, [...from.awareness.getStates().keys()]) });
    }
  }

  private openSocket(p: ScalePeer): void {
    p.socket.open = true;
    const own = this.awarenessMessage(p.awareness, [p.awareness.clientID]);
    this.sendRelay(p, null, syncStep1(p.doc));
    this.sendRelay(p, null, { kind: 'handshake', hello: true, ...own });
  }

  private broadcast(from: ScalePeer, m: Message): void {
    if (this.topology === 'relay') {
      this.sendRelay(from, null, m);
      return;
    }
    for (const [to, l] of from.conns) if (l.open) this.sendMesh(from, to, l, m);
  }

  private count(m: Message, extra = 0): void {
    const bytes = m.data.length + extra;
    if (m.kind === 'doc') {
      this.tally.doc++;
      this.tally.docBytes += bytes;
    } else if (m.kind === 'awareness') {
      this.tally.awareness++;
      this.tally.awarenessBytes += bytes;
    } else {
      this.tally.handshake++;
      this.tally.handshakeBytes += bytes;
    }
  }

  /**
   * Schedules one message on a link, first in first out per direction; lost if the link drops meanwhile. A presence
   * message the receiver already holds now would change nothing when it arrives (clocks only grow): it takes its
   * place in the link's order but is not scheduled, which keeps a flooding mesh of 120 simulable.
   */
  private deliverOn(l: Link, dir: 0 | 1, to: ScalePeer | null, m: Message, fn: () => void): void {
    const at = Math.max(this.clock.now() + this.latency(this.rnd), l.last[dir]);
    l.last[dir] = at;
    if (to && m.kind === 'awareness' && holdsAll(to.awareness, m.entries!)) return;
    const epoch = l.epoch;
    this.clock.at(at - this.clock.now(), () => {
      if (l.open && l.epoch === epoch) fn();
    });
  }

  private sendMesh(from: ScalePeer, to: ScalePeer, l: Link, m: Message): void {
    this.count(m);
    this.deliverOn(l, from.i < to.i ? 0 : 1, to, m, () => {
      const reply = this.receive(to, m);
      if (reply) this.sendMesh(to, from, l, reply);
    });
  }

  /** Up to the relay, then down to `to` (null: every other peer with an open socket). */
  private sendRelay(from: ScalePeer, to: ScalePeer | null, m: Message): void {
    if (!from.socket.open) return;
    this.count(m, SEAL_BYTES);
    this.deliverOn(from.socket, 0, null, m, () => {
      for (const o of to ? [to] : this.peers) {
        if (o === from || !o.socket.open) continue;
        this.count(m, SEAL_BYTES);
        this.deliverOn(o.socket, 1, o, m, () => this.receiveRelayed(o, from, m));
      }
    });
  }

  private receiveRelayed(p: ScalePeer, from: ScalePeer, m: Message): void {
    const reply = this.receive(p, m);
    if (reply) this.sendRelay(p, from, reply);
    // A newcomer's presence: answer with ours and ask for its changes (its step 2 comes back addressed).
    if (m.hello) {
      this.sendRelay(p, from, syncStep1(p.doc));
      this.sendRelay(p, from, { kind: 'handshake', ...this.awarenessMessage(p.awareness, [p.awareness.clientID]) });
    }
  }

  /** y-webrtc's readMessage: applies a message; returns the answer to a sync step 1. */
  private receive(p: ScalePeer, m: Message): Message | null {
    const decoder = decoding.createDecoder(m.data);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_AWARENESS) {
      // A copy already held changes nothing in y-protocols (no event, no re-send): skip decoding it.
      if (m.entries && holdsAll(p.awareness, m.entries)) return null;
      applyAwarenessUpdate(p.awareness, decoding.readVarUint8Array(decoder), NET);
      return null;
    }
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    const step = syncProtocol.readSyncMessage(decoder, encoder, p.doc, NET);
    if (step !== syncProtocol.messageYjsSyncStep1) return null;
    // In the relay, an answer after a handshake; in the mesh as well (y-webrtc answers every step 1).
    return { kind: 'handshake', data: encoding.toUint8Array(encoder) };
  }

  /**
   * y-webrtc's awareness message for `clients`. A flood re-encodes the same client's state at the same clock on
   * every peer, which y-protocols guarantees is the same state: the bytes are made once.
   */
  private awarenessMessage(awareness: Awareness, clients: number[]): { data: Uint8Array; entries: AwarenessEntries } {
    const entries: AwarenessEntries = clients.map((c) => [c, awareness.meta.get(c)?.clock ?? 0, !awareness.states.has(c)]);
    const key = entries.length === 1 ? entries[0]!.join(':') : null;
    const cached = key === null ? undefined : this.encoded.get(key);
    if (cached) return { data: cached, entries };
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, MESSAGE_AWARENESS);
    encoding.writeVarUint8Array(e, encodeAwarenessUpdate(awareness, clients));
    const data = encoding.toUint8Array(e);
    if (key !== null) {
      if (this.encoded.size > 20_000) this.encoded.clear();
      this.encoded.set(key, data);
    }
    return { data, entries };
  }

  destroy(): void {
    for (const p of this.peers) {
      p.awareness.destroy();
      p.doc.destroy();
    }
  }
}

function newLink(a: ScalePeer, b: ScalePeer | null): Link {
  return { ends: [a, b], open: false, epoch: 0, last: [0, 0], cut: false };
}

function syncStep1(doc: Y.Doc): Message {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(e, doc);
  return { kind: 'handshake', data: encoding.toUint8Array(e) };
}

/** Whether applying every entry would change nothing (y-protocols' own test in applyAwarenessUpdate). */
function holdsAll(a: Awareness, entries: AwarenessEntries): boolean {
  for (const [client, clock, gone] of entries) {
    const cur = a.meta.get(client)?.clock ?? 0;
    if (cur < clock || (cur === clock && gone && a.states.has(client))) return false;
  }
  return true;
}
