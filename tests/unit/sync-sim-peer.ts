/**
 * One simulated peer's executor machinery, as the app runs it: Presence, Liveness (heartbeats on a phase-shifted
 * ticker), the election with the failover rule (startExecutorElection) and the executor loop (startExecutor) whose
 * code handler stands in for Python. Shared by the failover simulation (sync-failover-sim.test.ts) and the scale
 * simulation (sync-scale-sim.test.ts), which bring their own networks.
 */
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { recordedExecutor } from '../../src/sync/election';
import { Presence } from '../../src/sync/awareness';
import { saveOffersExecution } from '../../src/sync/settings';
import { startExecutorElection, type ExecutorElection, type Takeover } from '../../src/sync/handover';
import { Liveness, type HeardSource } from '../../src/sync/liveness';
import { startExecutor, type CellHandler } from '../../src/kernel/executor';
import type { Kernel } from '../../src/kernel/types';
import type { RunRecord } from '../../src/model';
import { FakeGate, memoryStore } from './sync-net';

/** The kernel is never used: the simulation's code handler stands in for Python. */
const NO_KERNEL: Kernel = {
  getStatus: () => ({ status: 'idle', isolated: true, sessionId: 'sim' }),
  onStatus: () => () => undefined,
  run: () => Promise.reject(new Error('not in the simulation')),
  interrupt: async () => undefined,
  restart: async () => undefined,
  complete: async (_c, cursor) => ({ matches: [], from: cursor, to: cursor }),
  inspect: async () => null,
  dispose: () => undefined,
};

export interface SimPeerOptions {
  doc: Y.Doc;
  awareness: Awareness;
  name: string;
  rnd: () => number;
  witness?: HeardSource | null;
  /** Ticks are skipped while this is true (a crashed peer, a stalled main thread). */
  paused?: () => boolean;
  /** A run starts executing here; resolves when it is done. */
  execute: (run: RunRecord, takeover: Takeover) => Promise<void>;
  /** Told of every takeover (for the trace). */
  onTakeover?: (t: Takeover) => void;
  /**
   * The user's "Run code for others" (default true). A peer that does not offer can never be elected, and an election
   * that never acts writes nothing (it only computes a role for the UI), so such a peer runs presence and liveness
   * (heartbeats, acknowledgements) but no election: what the others see of it is the same, at a fraction of the cost.
   */
  offersExecution?: boolean;
}

export interface SimElectionPeer {
  presence: Presence;
  liveness: Liveness;
  /** Null when the peer does not offer to execute. */
  election: ExecutorElection | null;
  gate: FakeGate;
  destroy(): void;
}

/** Starts a peer's presence, liveness, election and executor loop over its document and awareness. */
export function startSimPeer(o: SimPeerOptions): SimElectionPeer {
  const { doc, awareness } = o;
  const store = memoryStore({ 'anode.user': JSON.stringify({ name: o.name, color: '#268bd2' }) });
  if (o.offersExecution === false) saveOffersExecution(false, store);
  const presence = new Presence(doc, { awareness, store });
  const phase = Math.floor(o.rnd() * 500);
  const liveness = new Liveness(doc, presence, {
    executor: () => recordedExecutor(doc),
    witness: o.witness ?? null,
    // The worker's ticks, skipped while paused (they would queue and run late as one).
    ticker: (ms, fn) => {
      let t: ReturnType<typeof setInterval> | null = null;
      const start = setTimeout(() => {
        t = setInterval(() => {
          if (!o.paused?.()) fn();
        }, ms);
      }, phase);
      return () => {
        clearTimeout(start);
        if (t) clearInterval(t);
      };
    },
  });
  // The room settles once the first exchange with the others is in (y-webrtc's sync on connect).
  const gate = new FakeGate();
  setTimeout(() => gate.set({ settled: true }), 300 + Math.floor(o.rnd() * 400));
  const election = o.offersExecution === false ? null : startExecutorElection({
    doc,
    presence,
    liveness,
    room: gate,
    onElected: (t) => {
      o.onTakeover?.(t);
      const code: CellHandler = async ({ run }) => {
        await o.execute(run, t);
        return { state: 'done', executionCount: 1 };
      };
      return startExecutor(doc, NO_KERNEL, t.me, {
        isExecutor: t.mayExecute,
        onExecutorChange: (recheck) => t.onRoleChange(() => recheck()),
        confirmClaim: t.confirmClaim,
        handlers: { code },
        flushMs: 10,
      });
    },
  });
  return {
    presence,
    liveness,
    election,
    gate,
    destroy() {
      election?.destroy();
      liveness.destroy();
    },
  };
}
