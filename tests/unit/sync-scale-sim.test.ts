/**
 * Rooms at classroom scale, simulated (issue #17): up to 120 in-process peers, each with a real Y.Doc and a real
 * y-protocols Awareness, over a simulated network with seeded per-message latency, link drops and a partition that
 * heals (sync-scale-net.ts: y-webrtc's flooding mesh, or a star through a blind relay).
 *
 * - Message counts per edit, mesh vs relay, N = 2…120 (printed): in y-webrtc's mesh every peer passes a new update
 *   on to each of its connections, so an edit costs Σ degrees (N·(N−1) while the mesh is full, i.e. N ≤ 20 with
 *   y-webrtc's maxConns of 20–34), of which the editor sends its own degree; through the relay, 1 up and N−1 down.
 * - Convergence: after drops and a partition, every document holds the same state vector and the same cell texts.
 * - One executor at a time: every peer runs the app's presence, liveness and executor loop, and the peers offering
 *   to execute (the session's members) run the election (sync-sim-peer.ts); the room splits 3:5 with the recorded
 *   executor on the small side, which holds a minority of the members, while peers type and queue runs on both
 *   sides. Asserted at every 25 ms of simulated time: at most one peer in the whole room may claim a run (its
 *   `mayExecute`: acting, recorded, and a quorum heard within FENCE_MS), so at most one in any connected part; no
 *   run ever starts executing twice. The part holding a majority of the members gets an executor; after the heal
 *   exactly one peer acts, every elector elects it, every document records it, every queued run has ended and the
 *   documents have converged. CI runs 40 peers (see ELECTION below for 120).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness';
import { EXECUTOR, LOCAL, cellOrder, createNotebookDoc, liveRuns, readTenure, requestRun, takeOverSession } from '../../src/model';
import { FENCE_MS, hasQuorum } from '../../src/sync/failover';
import { recordedExecutor } from '../../src/sync/election';
import { NET, ScaleNet, SimClock, type ScalePeer, type Topology } from './sync-scale-net';
import { buildRoom, cellTexts, roomConverged, runWorkload, typeOne } from './sync-scale-workload';
import { startSimPeer, type SimElectionPeer } from './sync-sim-peer';
import type { ExecutorElection } from '../../src/sync/handover';
import { rng } from './helpers/random';

const SIZES = [2, 8, 20, 40, 120];

describe('rooms at scale: messages per edit', () => {
  it('mesh sends Σ degrees per edit (N·(N−1) while full), the relay 1 up + N−1 down; printed for N = 2…120', () => {
    const rows: string[] = [];
    for (const n of SIZES) {
      const counts: Record<string, number> = {};
      for (const topology of ['mesh', 'relay'] as const) {
        const net = buildRoom(topology, n, n);
        try {
          net.clock.settle();
          const editor = net.peers[n - 1]!;
          const before = { ...net.tally };
          const sentByEditor = countSends(net, editor, () => {
            typeOne(editor.doc, rng(n));
            net.clock.settle();
          });
          const doc = net.tally.doc - before.doc;
          expect(net.tally.handshake - before.handshake).toBe(0);
          if (topology === 'mesh') {
            expect(doc).toBe(net.degreeSum());
            expect(sentByEditor).toBe(editor.conns.size);
            if (n <= 20) expect(doc).toBe(n * (n - 1));
            else expect(doc).toBeLessThan(n * (n - 1));
          } else {
            expect(doc).toBe(1 + (n - 1));
            expect(sentByEditor).toBe(1);
          }
          expect(roomConverged(net)).toBe(true);
          counts[topology] = doc;
        } finally {
          net.destroy();
        }
      }
      rows.push(`N=${String(n).padStart(3)}  mesh ${String(counts.mesh).padStart(5)}  relay ${String(counts.relay).padStart(4)}  (${(counts.mesh! / counts.relay!).toFixed(1)}×)`);
    }
    console.log(`messages per edit (one keystroke, every link up)\n${rows.join('\n')}`);
  });
});

/** How many messages `p` itself sends while `fn` runs (its document's updates go out through its update handler). */
function countSends(net: ScaleNet, p: ScalePeer, fn: () => void): number {
  let n = 0;
  const onUpdate = (_u: Uint8Array, origin: unknown): void => {
    if (origin !== NET) n += net.topology === 'mesh' ? [...p.conns.values()].filter((l) => l.open).length : 1;
  };
  p.doc.on('update', onUpdate);
  fn();
  p.doc.off('update', onUpdate);
  return n;
}

describe('rooms at scale: convergence', () => {
  for (const topology of ['mesh', 'relay'] as const) {
    it(`${topology}: 120 peers typing through link drops (5% down) and a partition converge after the heal`, () => {
      const r = runWorkload({ topology, n: 120, seed: 17, edits: 30, editEveryMs: 150, linkDown: 0.05, partition: { at: 1000, ms: 2500, share: 0.4 } });
      expect(r.drops).toBeGreaterThan(0);
      expect(r.converged).toBe(true);
      // Every edit reached every peer (the tracking itself would say Infinity otherwise).
      expect(r.convergeMs.every(Number.isFinite)).toBe(true);
    });
  }
});

interface Member {
  net: ScalePeer;
  sim: SimElectionPeer;
}

/**
 * `n` peers, `electors` of them offering to execute, run the election over `topology`; P1 is the recorded executor (it
 * created and ran the notebook before the class joined) and the electors are the session's members. Throws on the
 * first broken invariant; `log` keeps the events.
 */
async function executorThroughPartition(topology: Topology, seed: number, n: number, electors: number, log: string[]): Promise<void> {
  const rnd = rng(seed);
  const clock = new SimClock();
  const net = new ScaleNet({ topology, rnd, clock });
  clock.driveByTimers();
  const t0 = Date.now();
  const now = (): number => Date.now() - t0;
  const seedDoc = createNotebookDoc({ cells: Array.from({ length: 6 }, (_, k) => ({ source: `cell ${k}` })) });
  // The peers offering to run code: spread over the room, P1 first.
  const offers = (i: number): boolean => i % Math.floor(n / electors) === 0 && i / Math.floor(n / electors) < electors;
  const ids = Array.from({ length: n }, (_, i) => i + 1).filter((c) => offers(c - 1));
  takeOverSession(seedDoc, 'creator', { client: 1, name: 'P1' }, EXECUTOR, { members: ids });
  const state = Y.encodeStateAsUpdate(seedDoc);
  seedDoc.destroy();
  const executions = new Map<string, number[]>();
  const members: Member[] = [];
  for (let i = 0; i < n; i++) {
    const doc = new Y.Doc();
    doc.clientID = i + 1;
    Y.applyUpdate(doc, state, NET);
    const awareness = new Awareness(doc);
    const peer = net.join(doc, awareness);
    const sim = startSimPeer({
      doc,
      awareness,
      name: `P${i + 1}`,
      rnd,
      offersExecution: offers(i),
      onTakeover: (t) => log.push(`${now()} P${i + 1} takes over${t.note ? ` from ${t.note.from?.name ?? '-'} (${t.note.reason})` : ' (resumes)'}`),
      execute: async (run) => {
        const who = executions.get(run.id) ?? [];
        who.push(i + 1);
        executions.set(run.id, who);
        log.push(`${now()} P${i + 1} executes ${run.id}`);
        await new Promise((r) => setTimeout(r, 50 + Math.floor(rnd() * 400)));
      },
    });
    members.push({ net: peer, sim });
  }
  const claimers = (): Member[] => members.filter((m) => m.sim.election?.mayExecute());
  const queue = (m: Member): void => {
    const cells = cellOrder(m.net.doc);
    const id = requestRun(m.net.doc, cells[Math.floor(rnd() * cells.length)]!, { client: m.net.doc.clientID, name: `P${m.net.doc.clientID}` }, LOCAL);
    log.push(`${now()} P${m.net.doc.clientID} queues ${id}`);
  };
  /**
   * Steps in which some peer could claim a run, per phase, and steps in which the recorded executor was acting but
   * had no quorum heard within FENCE_MS (it fences itself: runs wait).
   */
  const claimable = { steps: 0, of: 0, noQuorum: 0 };
  /** Advances `ms` in steps of 25, checking the invariants; `each` runs after every step. */
  const advance = async (ms: number, each?: () => void): Promise<void> => {
    for (let t = 0; t < ms; t += 25) {
      await vi.advanceTimersByTimeAsync(25);
      const c = claimers();
      if (c.length > 1) throw new Error(`at ${now()} ms ${c.length} peers may claim runs: ${c.map((m) => `P${m.net.doc.clientID}`).join(', ')}`);
      for (const [run, who] of executions) if (who.length > 1) throw new Error(`run ${run} executed by ${who.join(' and ')}`);
      claimable.of++;
      if (c.length) claimable.steps++;
      else if (noFreshQuorum(members)) claimable.noQuorum++;
      each?.();
    }
  };
  const share = (): string => {
    const pct = (x: number): string => `${Math.round((100 * x) / Math.max(1, claimable.of))}%`;
    const s = `${pct(claimable.steps)} of the steps (fenced, no fresh quorum: ${pct(claimable.noQuorum)})`;
    claimable.steps = claimable.of = claimable.noQuorum = 0;
    return s;
  };
  const actingIds = (): number[] => members.filter((m) => m.sim.election?.role().acting).map((m) => m.net.doc.clientID);
  try {
    // Everyone joins at once and settles; P1 resumes its session and runs what is queued.
    await advance(2000);
    expect(actingIds()).toEqual([1]);
    for (const e of electionsOf(members)) expect(e.role().executor).toBe(1);
    queue(members[7]!);
    share();
    const sent = net.tally.awareness;
    await advance(1500);
    const perSec = Math.round(((net.tally.awareness - sent) * 1000) / 1500);
    const stateBytes = encodeAwarenessUpdate(members[0]!.net.awareness, [1]).length;
    log.push(`${now()} joined: P1 could claim a run in ${share()}; presence ${perSec} messages/s room-wide, a peer's state ${stateBytes} bytes`);

    // The room splits 3:5 with P1 on the small side, which holds a minority of the members (electors are spread).
    const small = Math.floor((n * 3) / 8);
    net.partition(members.map((_, i) => (i < small ? 1 : 0)));
    const parts = components(net);
    const memberCount = (c: Set<ScalePeer>): number => [...c].filter((p) => ids.includes(p.doc.clientID)).length;
    const majority = parts.find((c) => 2 * memberCount(c) > ids.length) ?? null;
    const alone = parts.filter((c) => c.size === 1).length;
    const described = parts.filter((c) => c.size > 1).map((c) => `${c.size} (${memberCount(c)} members)`);
    log.push(`${now()} partition ${small}/${n - small}: connected parts of ${[...described, ...(alone ? [`${alone} peers alone`] : [])].join(', ')}`);
    let tookOver: number | null = null;
    let k = 0;
    await advance(6000, () => {
      if (++k % 8 === 0) typeOne(members[Math.floor(rnd() * n)]!.net.doc, rnd);
      if (k === 20 || k === 140) {
        queue(members[1]!);
        queue(members[n - 2]!);
      }
      if (tookOver === null && actingIds().some((c) => c !== 1)) tookOver = now();
    });
    if (majority) {
      // The part with a majority of the members takes over (after TAKEOVER_MS of silence from P1).
      expect(tookOver, 'the majority part never got an executor').not.toBeNull();
      const taker = members.find((m) => m.net.doc.clientID !== 1 && m.sim.election?.role().acting)!;
      expect(majority.has(taker.net)).toBe(true);
      log.push(`${now()} split: P${taker.net.doc.clientID} took over at ${tookOver} ms; some peer could claim in ${share()}`);
    }

    net.heal();
    log.push(`${now()} heal`);
    queue(members[3]!);
    queue(members[n - 5]!);
    await advance(6000);
    for (let j = 0; j < 400 && members.some((m) => liveRuns(m.net.doc).length > 0); j++) await advance(25);

    // Exactly one executor: it alone acts, every elector elects it, every document records it.
    const acting = actingIds();
    expect(acting.length, `acting: ${acting.join(', ')}`).toBe(1);
    const exec = acting[0]!;
    expect(claimers().every((m) => m.net.doc.clientID === exec)).toBe(true);
    for (const e of electionsOf(members)) expect(e.role().executor).toBe(exec);
    for (const m of members) {
      expect(recordedExecutor(m.net.doc)).toBe(exec);
      expect(liveRuns(m.net.doc)).toEqual([]);
    }
    expect(roomConverged(net)).toBe(true);
    expect(executions.size).toBeGreaterThanOrEqual(5);
    log.push(`${now()} healed: executor P${exec} could claim in ${share()}; ${executions.size} runs executed once each`);
  } finally {
    for (const m of members) m.sim.destroy();
    net.destroy();
  }
}

/** The recorded executor is acting somewhere but hears no quorum of the members within FENCE_MS. */
function noFreshQuorum(members: Member[]): boolean {
  return members.some((m) => {
    const role = m.sim.election?.role();
    if (!role?.acting || recordedExecutor(m.net.doc) !== m.net.doc.clientID) return false;
    const t = readTenure(m.net.doc);
    return !hasQuorum(m.sim.liveness.hearing(), { members: t.members, previous: t.previous }, FENCE_MS);
  });
}

function electionsOf(members: Member[]): ExecutorElection[] {
  return members.flatMap((m) => (m.sim.election ? [m.sim.election] : []));
}

/** The connected parts of the room, largest first. */
function components(net: ScaleNet): Array<Set<ScalePeer>> {
  const seen = new Set<ScalePeer>();
  const out: Array<Set<ScalePeer>> = [];
  for (const p of net.peers) {
    if (seen.has(p)) continue;
    const c = net.component(p);
    for (const q of c) seen.add(q);
    out.push(c);
  }
  return out.sort((a, b) => b.size - a.size);
}

/**
 * Every peer's election re-evaluates on every presence change it receives, and every peer beats twice a second, so
 * the work grows as N³ (about 60 s for 120 peers over the mesh, 30 s over the relay, here): CI runs 40 peers (8 of them
 * offering to execute); `SIM_PEERS=120 SIM_ELECTORS=12 SIM_TOPOLOGY=relay` runs the classroom (tests/bench/room-sim.mjs
 * does, and prints what it logs).
 */
const ELECTION = {
  topology: (process.env.SIM_TOPOLOGY ?? 'mesh') as Topology,
  peers: Number(process.env.SIM_PEERS ?? 40),
  electors: Number(process.env.SIM_ELECTORS ?? 8),
  seed: Number(process.env.SIM_SEED ?? 1),
};

describe('rooms at scale: one executor at a time', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const { topology, peers, electors, seed } = ELECTION;
  it(`${peers} peers over the ${topology} (${electors} offer to execute): never two may claim a run, the majority part takes over, one executor after the heal`, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(1_800_000_000_000);
    const random = vi.spyOn(Math, 'random').mockImplementation(rng(seed ^ 0x5eed));
    const log: string[] = [];
    try {
      await executorThroughPartition(topology, seed, peers, electors, log);
      console.log(log.join('\n'));
    } catch (err) {
      throw new Error(`${(err as Error).message}\n--- events ---\n${log.slice(-60).join('\n')}\n(replay: SIM_SEED=${seed})`, { cause: err });
    } finally {
      random.mockRestore();
    }
  }, 600_000);
});
