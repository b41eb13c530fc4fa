/**
 * The failover rule under a simulated network: 3–5 peers, each running the app's own election
 * (startExecutorElection), liveness (heartbeats, acknowledgements) and executor loop (startExecutor) over a real
 * Y.Doc and a real y-protocols Awareness, on a simulated clock (Vitest's fake timers: Date and timers), exchanging
 * document and presence updates through a network with random delays (first in, first out per pair, as WebRTC data
 * channels are), random partitions and heals, a signaling witness some peers reach and others not, main-thread
 * stalls, and at most one crash. Peers queue runs at random.
 *
 * Invariant (safety): no run ever starts executing twice, on any peer, ever.
 * Liveness: once the network has healed for good, every queued run ends (run, interrupted or visibly cancelled).
 *
 * Seeded: a failure prints the seed and the event trace. `SIM_SEEDS=2000 npx vitest run …` tries more seeds;
 * `SIM_SEED=123` replays one.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { EXECUTOR, LOCAL, kernelMap, cellOrder, readTenure, takeOverSession, createNotebookDoc, liveRuns, readKernel, requestRun, type Actor } from '../../src/model';
import type { Presence } from '../../src/sync/awareness';
import type { ExecutorElection } from '../../src/sync/handover';
import type { Liveness, HeardSource } from '../../src/sync/liveness';
import { FENCE_MS } from '../../src/sync/failover';
import { startSimPeer } from './sync-sim-peer';
import { rng as prng } from './helpers/random';

const NET = Symbol('sim-net');

interface SimPeer {
  i: number;
  client: number;
  doc: Y.Doc;
  awareness: Awareness;
  presence: Presence;
  liveness: Liveness;
  election: ExecutorElection;
  /** Mesh group: peers of one group reach each other over WebRTC. */
  group: number;
  /** Reaches the signaling server (the witness). */
  witness: boolean;
  crashed: boolean;
  /** Main thread frozen until then: no ticks, deliveries wait. */
  stalledUntil: number;
  heardViaWitness: Map<number, number>;
  echoAt: number | null;
  echoSince: number | null;
}

class Sim {
  readonly peers: SimPeer[] = [];
  readonly trace: string[] = [];
  /** run id → peers that started executing it. */
  readonly executions = new Map<string, number[]>();
  readonly requested = new Set<string>();
  /** Delivery time of the last message per ordered pair: FIFO like a data channel. */
  private readonly lastDelivery = new Map<string, number>();
  private readonly t0 = Date.now();

  constructor(
    readonly rnd: () => number,
    n: number,
  ) {
    const seedDoc = createNotebookDoc({ cells: Array.from({ length: 6 }, (_, k) => ({ source: `cell ${k}` })) });
    // P1 created the notebook and ran it alone before sharing it: the room starts with P1's session recorded.
    takeOverSession(seedDoc, 'creator', { client: 1, name: 'P1' }, EXECUTOR, { members: [1] });
    for (let i = 0; i < n; i++) this.addPeer(i, seedDoc);
    // Everyone joins the room at once: they meet (exchange document and presence) as on connect.
    this.regroup(
      this.peers.map(() => 0),
      this.peers.map(() => true),
    );
  }

  now(): number {
    return Date.now() - this.t0;
  }

  log(s: string): void {
    this.trace.push(`${String(this.now()).padStart(6)} ${s}`);
  }

  private addPeer(i: number, seedDoc: Y.Doc): void {
    const doc = new Y.Doc();
    doc.clientID = i + 1;
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(seedDoc), NET);
    const awareness = new Awareness(doc);
    const p = { i, client: i + 1, doc, awareness, group: -1 - i, witness: true, crashed: false, stalledUntil: 0, heardViaWitness: new Map(), echoAt: null, echoSince: null } as unknown as SimPeer;
    const witness: HeardSource = {
      heard: () => p.heardViaWitness,
      echo: () => p.echoAt,
      echoSince: () => p.echoSince,
      beat: () => this.beatViaWitness(p),
    };
    // Before anything writes: every change of this peer must reach the others.
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin !== NET && !p.crashed) this.broadcast(p, (to) => Y.applyUpdate(to.doc, update, NET));
    });
    awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === NET || p.crashed) return;
      const data = encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]);
      const dbg = process.env.SIM_DEBUG_AW === String(p.client);
      if (dbg) this.log(`P${p.client} aw send ${awareness.meta.get(p.client)?.clock}`);
      this.broadcast(p, (to) => {
        if (dbg) this.log(`P${to.client} aw recv from P${p.client} clock ${awareness.meta.get(p.client)?.clock} had ${to.awareness.meta.get(p.client)?.clock}`);
        applyAwarenessUpdate(to.awareness, data, NET);
      });
    });
    const sim = startSimPeer({
      doc,
      awareness,
      name: `P${i + 1}`,
      rnd: this.rnd,
      witness,
      // The worker's ticks are skipped while the main thread is stalled.
      paused: () => p.crashed || Date.now() < p.stalledUntil,
      onTakeover: (t) =>
        this.log(`P${p.client} takes over${t.note ? ` from ${t.note.from?.name ?? '-'} (${t.note.reason}${t.note.orphan ? ', orphan' : ''})` : ' (resumes)'} ${process.env.SIM_DEBUG ? JSON.stringify({ kernel: kernelMap(doc).toJSON(), heard: [...p.liveness.hearing().heard].map(([c, at]) => [c, Date.now() - at]), witness: p.echoAt === null ? null : Date.now() - p.echoAt }) : ''}`),
      execute: async (run) => {
        const who = this.executions.get(run.id) ?? [];
        who.push(p.client);
        this.executions.set(run.id, who);
        this.log(`P${p.client} EXECUTES ${run.id}${who.length > 1 ? ` (AGAIN: ${who.join(',')})` : ''}${process.env.SIM_DEBUG ? ' ' + JSON.stringify({ tenure: readTenure(doc), heard: [...p.liveness.hearing().heard].map(([c, at]) => [c, Date.now() - at]), mesh: [...p.liveness.hearing().mesh].map(([c, at]) => [c, Date.now() - at]), witness: p.echoAt === null ? null : Date.now() - p.echoAt, acks: [...p.liveness.acks(p.client)] }) : ''}`);
        await new Promise((r) => setTimeout(r, 50 + Math.floor(this.rnd() * 1500)));
      },
    });
    p.presence = sim.presence;
    p.liveness = sim.liveness;
    p.election = sim.election!;
    this.peers.push(p);
  }

  connected(a: SimPeer, b: SimPeer): boolean {
    return !a.crashed && !b.crashed && a.group === b.group;
  }

  private delay(): number {
    return 2 + Math.floor(this.rnd() * (this.rnd() < 0.1 ? 400 : 80));
  }

  /** Sends from `from` to every peer it reaches now; each message is dropped if the pair is cut before delivery. */
  private broadcast(from: SimPeer, deliver: (to: SimPeer) => void): void {
    for (const to of this.peers) if (to !== from && this.connected(from, to)) this.send(from, to, deliver);
  }

  private send(from: SimPeer, to: SimPeer, deliver: (to: SimPeer) => void): void {
    const key = `${from.client}>${to.client}`;
    const at = Math.max(this.now() + this.delay(), this.lastDelivery.get(key) ?? 0);
    this.lastDelivery.set(key, at);
    const attempt = (): void => {
      if (!this.connected(from, to)) return;
      if (Date.now() < to.stalledUntil) {
        setTimeout(attempt, to.stalledUntil - Date.now());
        return;
      }
      deliver(to);
    };
    setTimeout(attempt, at - this.now());
  }

  private beatViaWitness(p: SimPeer): void {
    if (!p.witness || p.crashed) return;
    for (const to of this.peers) {
      if (to.crashed || !to.witness) continue;
      setTimeout(() => {
        if (!p.witness || !to.witness || to.crashed) return;
        if (to === p) {
          if (to.echoAt === null || Date.now() - to.echoAt > FENCE_MS) to.echoSince = Date.now();
          to.echoAt = Date.now();
        }
        else to.heardViaWitness.set(p.client, Date.now());
      }, this.delay() + 5);
    }
  }

  /** New mesh groups (and witness reach); pairs that meet again exchange document and presence, as y-webrtc does on connect. */
  regroup(groups: number[], witness: boolean[]): void {
    const before = this.peers.map((p) => p.group);
    this.peers.forEach((p, k) => {
      p.group = groups[k]!;
      p.witness = witness[k]!;
    });
    this.log(`network: groups ${groups.join('')} witness ${witness.map((w) => (w ? 'w' : '-')).join('')}`);
    for (const a of this.peers) {
      for (const b of this.peers) {
        if (a === b || !this.connected(a, b) || before[a.i] === before[b.i]) continue;
        const sv = Y.encodeStateVector(b.doc);
        this.send(a, b, (to) => Y.applyUpdate(to.doc, Y.encodeStateAsUpdate(a.doc, sv), NET));
        const states = encodeAwarenessUpdate(a.awareness, [...a.awareness.getStates().keys()]);
        this.send(a, b, (to) => applyAwarenessUpdate(to.awareness, states, NET));
      }
    }
  }

  crash(p: SimPeer): void {
    this.log(`P${p.client} CRASHES`);
    // Nothing of it runs any more: no ticks, no loop, no messages (its presence stays with the others until timeout).
    p.crashed = true;
    p.election.destroy();
    p.liveness.destroy();
  }

  request(p: SimPeer): void {
    const cells = cellOrder(p.doc);
    const cellId = cells[Math.floor(this.rnd() * cells.length)]!;
    const me: Actor = { client: p.client, name: `P${p.client}` };
    const id = requestRun(p.doc, cellId, me, LOCAL);
    if (id && !this.requested.has(id)) {
      this.requested.add(id);
      this.log(`P${p.client} queues ${id}`);
    }
  }

  alive(): SimPeer[] {
    return this.peers.filter((p) => !p.crashed);
  }

  destroy(): void {
    for (const p of this.peers) {
      if (!p.crashed) {
        p.election.destroy();
        p.liveness.destroy();
      }
      p.awareness.destroy();
      p.doc.destroy();
    }
  }
}

async function simulate(seed: number): Promise<void> {
  const rnd = prng(seed);
  const n = 3 + Math.floor(rnd() * 3);
  const sim = new Sim(rnd, n);
  const fail = (what: string): never => {
    const trace = sim.trace.slice(-250).join('\n');
    throw new Error(`seed ${seed} (${n} peers): ${what}\n--- last events ---\n${trace}\n(replay: SIM_SEED=${seed})`);
  };
  try {
    let crashed = false;
    const chaosUntil = 20_000 + Math.floor(rnd() * 20_000);
    let nextNet = 1000 + rnd() * 3000;
    while (sim.now() < chaosUntil) {
      await vi.advanceTimersByTimeAsync(50);
      const t = sim.now();
      const alive = sim.alive();
      if (rnd() < 0.06 && alive.length) sim.request(alive[Math.floor(rnd() * alive.length)]!);
      if (rnd() < 0.004 && alive.length) {
        const p = alive[Math.floor(rnd() * alive.length)]!;
        p.stalledUntil = Date.now() + 200 + Math.floor(rnd() * 1200);
        sim.log(`P${p.client} stalls until ${p.stalledUntil - Date.now() + t}`);
      }
      if (!crashed && rnd() < 0.002 && alive.length > 2) {
        crashed = true;
        // Usually the executor: the case that matters.
        const exec = alive.find((p) => p.election.role().acting) ?? alive[0]!;
        sim.crash(rnd() < 0.7 ? exec : alive[Math.floor(rnd() * alive.length)]!);
      }
      if (t >= nextNet) {
        nextNet = t + 500 + rnd() * 4000;
        const parts = rnd() < 0.35 ? 1 : 2 + Math.floor(rnd() * 2);
        sim.regroup(
          sim.peers.map(() => Math.floor(rnd() * parts)),
          sim.peers.map(() => rnd() < 0.6),
        );
      }
      for (const [run, who] of sim.executions) if (who.length > 1) fail(`run ${run} executed by ${who.join(' and ')}`);
    }
    // Heal for good; queue a few more; everything must end.
    sim.regroup(
      sim.peers.map(() => 0),
      sim.peers.map(() => true),
    );
    for (let k = 0; k < 3; k++) {
      const alive = sim.alive();
      sim.request(alive[k % alive.length]!);
    }
    for (let k = 0; k < 1200 && sim.alive().some((p) => liveRuns(p.doc).length > 0); k++) await vi.advanceTimersByTimeAsync(50);
    for (const [run, who] of sim.executions) if (who.length > 1) fail(`run ${run} executed by ${who.join(' and ')}`);
    for (const p of sim.alive()) {
      const left = liveRuns(p.doc);
      if (left.length) {
        const roles = sim.alive().map((q) => {
          const h = q.liveness.hearing();
          const ago = (m: ReadonlyMap<number, number>) => [...m].map(([c, at]) => [c, h.now - at]);
          return `P${q.client}: ${JSON.stringify({ ...q.election.role(), executorPeer: undefined, tenure: readTenure(q.doc), heard: ago(h.heard), mesh: ago(h.mesh), witness: h.witness === null ? null : h.now - h.witness, acks: [...q.liveness.acks(q.client)] })}`;
        });
        fail(`60 s after the last heal P${p.client} still has ${left.map((r) => `${r.id}:${r.state}`).join(', ')} (kernel ${JSON.stringify(readKernel(p.doc)?.executor)})\n${roles.join('\n')}`);
      }
    }
  } finally {
    sim.destroy();
  }
}

const SEEDS = process.env.SIM_SEED ? [Number(process.env.SIM_SEED)] : Array.from({ length: Number(process.env.SIM_SEEDS ?? 200) }, (_, k) => k + 1);
const BATCH = 20;

describe('failover under a simulated network (seeded)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  for (let b = 0; b < SEEDS.length; b += BATCH) {
    const seeds = SEEDS.slice(b, b + BATCH);
    it(`never executes a run twice and finishes every run after the heal: seeds ${seeds[0]}–${seeds.at(-1)}`, async () => {
      for (const seed of seeds) {
        vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
        vi.setSystemTime(1_800_000_000_000);
        // Ids (runs, sessions) come from Math.random: seeded too, so a seed replays exactly.
        const random = vi.spyOn(Math, 'random').mockImplementation(prng(seed ^ 0x5eed));
        try {
          await simulate(seed);
        } finally {
          random.mockRestore();
          vi.useRealTimers();
        }
      }
    }, 300_000);
  }
});
