/**
 * The scale simulation's workload (sync-scale-net.ts): N peers join a room holding a 6-cell notebook, then random
 * peers type one character at a time into random cells, optionally while links drop and the room splits in two and
 * heals. Measured: messages and bytes per edit, and for each edit the simulated time until every peer holds it.
 * The unit test (sync-scale-sim.test.ts) asserts on it; tests/bench/room-sim.mjs prints it.
 */
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { LOCAL, cellOrder, cellSource, createNotebookDoc, getCell } from '../../src/model';
import { ScaleNet, SimClock, emptyTally, type Link, type Tally, type Topology } from './sync-scale-net';
import { rng } from './helpers/random';

export interface WorkloadOptions {
  topology: Topology;
  n: number;
  seed: number;
  edits: number;
  /** Time between two edits (by random peers), ms. */
  editEveryMs?: number;
  /** Share of the time each link is down (drops at random, back after 1–3 s). */
  linkDown?: number;
  /** Splits the room in two (`share` of the peers on the side without the relay) from `at` for `ms`. */
  partition?: { at: number; ms: number; share: number };
}

export interface WorkloadResult {
  topology: Topology;
  n: number;
  edits: number;
  /** Messages and bytes sent during the edits (reconnect exchanges included), from the first edit to quiet. */
  tally: Tally;
  /** Per edit: simulated ms from the edit until every peer held it (Infinity: never). */
  convergeMs: number[];
  /** After the last heal and quiet: every state vector and every cell text identical. */
  converged: boolean;
  /** Messages one presence change costs (with every link up). */
  awarenessPerChange: number;
  /** Number of link drops during the edits. */
  drops: number;
}

/** Mean downtime of a dropped link (defaultReconnect: 1–3 s). */
const MEAN_DOWN_MS = 2000;

/** Builds the room: every peer starts from the same notebook (it was shared before) and publishes a presence. */
export function buildRoom(topology: Topology, n: number, seed: number, clock = new SimClock()): ScaleNet {
  const rnd = rng(seed);
  const net = new ScaleNet({ topology, rnd, clock });
  const seedDoc = createNotebookDoc({ cells: Array.from({ length: 6 }, (_, k) => ({ source: `cell ${k}` })) });
  const state = Y.encodeStateAsUpdate(seedDoc);
  for (let i = 0; i < n; i++) {
    const doc = new Y.Doc();
    doc.clientID = i + 1;
    Y.applyUpdate(doc, state);
    const p = net.join(doc, new Awareness(doc));
    p.awareness.setLocalState({ user: { name: `P${i + 1}` }, cell: null });
  }
  seedDoc.destroy();
  return net;
}

/** One keystroke: a character typed at a random place of a random cell. */
export function typeOne(doc: Y.Doc, rnd: () => number): void {
  const cells = cellOrder(doc);
  const text = cellSource(getCell(doc, cells[Math.floor(rnd() * cells.length)]!)!)!;
  doc.transact(() => text.insert(Math.floor(rnd() * (text.length + 1)), 'abcdefghij'[Math.floor(rnd() * 10)]!), LOCAL);
}

/** Identical state vectors and cell texts everywhere. */
export function roomConverged(net: ScaleNet): boolean {
  const ref = net.peers[0]!.doc;
  const sv = Y.encodeStateVector(ref).join(',');
  const texts = cellTexts(ref);
  return net.peers.every((p) => Y.encodeStateVector(p.doc).join(',') === sv && cellTexts(p.doc) === texts);
}

export function cellTexts(doc: Y.Doc): string {
  return cellOrder(doc)
    .map((id) => cellSource(getCell(doc, id)!)?.toString() ?? '')
    .join('\u0000');
}

export function runWorkload(o: WorkloadOptions): WorkloadResult {
  const net = buildRoom(o.topology, o.n, o.seed);
  const { clock } = net;
  const rnd = rng(o.seed ^ 0x9e3779b9);
  try {
    clock.settle();
    // One presence change with every link up: what each heartbeat or cursor move costs.
    const before = net.tally.awareness;
    net.peers[0]!.awareness.setLocalStateField('cell', 'x');
    clock.settle();
    const awarenessPerChange = net.tally.awareness - before;
    Object.assign(net.tally, emptyTally());

    const t0 = clock.now();
    const every = o.editEveryMs ?? 100;
    const end = t0 + o.edits * every;
    let drops = 0;
    if (o.linkDown) {
      // Each link drops at a rate that keeps it down `linkDown` of the time: rate · down / (1 + rate · down).
      const rate = o.linkDown / (1 - o.linkDown) / MEAN_DOWN_MS;
      const scheduleDrop = (l: Link): void => {
        clock.at(-Math.log(1 - rnd()) / rate, () => {
          if (clock.now() >= end) return;
          if (l.open) {
            drops++;
            net.drop(l);
          }
          scheduleDrop(l);
        });
      };
      for (const l of net.links()) scheduleDrop(l);
    }
    if (o.partition) {
      const { at, ms, share } = o.partition;
      clock.at(at, () => net.partition(net.peers.map(() => (rnd() < share ? 1 : 0))));
      clock.at(at + ms, () => net.heal());
    }

    // Each edit: when every peer holds it.
    const pending: Array<{ k: number; client: number; clock: number; at: number; missing: Set<number> }> = [];
    const convergeMs = new Array<number>(o.edits).fill(Infinity);
    const check = (peer: number, doc: Y.Doc): void => {
      for (let j = pending.length - 1; j >= 0; j--) {
        const e = pending[j]!;
        if (!e.missing.has(peer) || Y.getState(doc.store, e.client) < e.clock) continue;
        e.missing.delete(peer);
        if (e.missing.size === 0) {
          convergeMs[e.k] = clock.now() - e.at;
          pending.splice(j, 1);
        }
      }
    };
    for (const p of net.peers) p.doc.on('afterTransaction', () => check(p.i, p.doc));
    for (let k = 0; k < o.edits; k++) {
      clock.at(k * every, () => {
        const p = net.peers[Math.floor(rnd() * net.peers.length)]!;
        const missing = new Set(net.peers.map((q) => q.i));
        missing.delete(p.i);
        typeOne(p.doc, rnd);
        pending.push({ k, client: p.doc.clientID, clock: Y.getState(p.doc.store, p.doc.clientID), at: clock.now(), missing });
      });
    }
    clock.settle();
    return {
      topology: o.topology,
      n: o.n,
      edits: o.edits,
      tally: { ...net.tally },
      convergeMs,
      converged: roomConverged(net),
      awarenessPerChange,
      drops,
    };
  } finally {
    net.destroy();
  }
}

/** The q-quantile (0–1) of `xs`, nearest rank. */
export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
