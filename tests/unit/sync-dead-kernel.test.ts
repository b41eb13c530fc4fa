/**
 * A dead kernel does not block the room: another eligible peer takes the queue at once (the dead executor's
 * presence says `failed`), and a kernel that died on its own is started again after REVIVE_AFTER_MS, so a peer alone
 * runs its queue again too.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCAL, cellOrder, createNotebookDoc, describeHandover, liveRuns, readHandover, requestRun } from '../../src/model';
import { Presence } from '../../src/sync/awareness';
import { startExecutorElection, type ExecutorElection } from '../../src/sync/handover';
import { startExecutor, type CellHandler } from '../../src/kernel/executor';
import { REVIVE_AFTER_MS, REVIVE_MAX, reviveDeadKernel } from '../../src/kernel/revive';
import type { Kernel, KernelStatusInfo } from '../../src/kernel/types';
import { FakeGate, SimNet, memoryStore, type SimPeer } from './sync-net';

/** A kernel whose status the test sets; `restart` boots a new session at once. */
class StatusKernel implements Kernel {
  status: KernelStatusInfo = { status: 'idle', isolated: true, sessionId: 'k1' };
  restarts = 0;
  private readonly listeners = new Set<(s: KernelStatusInfo) => void>();
  getStatus() {
    return this.status;
  }
  onStatus(cb: (s: KernelStatusInfo) => void) {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }
  set(s: Partial<KernelStatusInfo>) {
    this.status = { ...this.status, ...s };
    for (const l of [...this.listeners]) l(this.status);
  }
  run = () => Promise.reject(new Error('the tests run cells with a handler'));
  async interrupt() {}
  async restart() {
    this.restarts++;
    this.set({ status: 'idle', sessionId: `k${this.restarts + 1}`, reason: undefined });
  }
  complete = async (_c: string, cursor: number) => ({ matches: [], from: cursor, to: cursor });
  inspect = async () => null;
  dispose() {}
}

describe('a dead kernel', () => {
  afterEach(() => vi.useRealTimers());

  it('is started again after REVIVE_AFTER_MS when it died on its own, at most REVIVE_MAX times', () => {
    vi.useFakeTimers();
    const k = new StatusKernel();
    const stop = reviveDeadKernel(k);
    for (let i = 0; i < REVIVE_MAX + 1; i++) {
      k.set({ status: 'dead', reason: 'The kernel worker failed: out of memory' });
      vi.advanceTimersByTime(REVIVE_AFTER_MS - 1);
      expect(k.status.status).toBe('dead');
      vi.advanceTimersByTime(1);
    }
    expect(k.restarts).toBe(REVIVE_MAX);
    expect(k.status.status).toBe('dead');
    stop();
  });

  it('is not restarted when it never booted (the client retries when the network is back)', () => {
    vi.useFakeTimers();
    const k = new StatusKernel();
    k.status = { status: 'starting', isolated: true, sessionId: 'k1' };
    const stop = reviveDeadKernel(k);
    k.set({ status: 'dead', reason: 'Python failed to start: offline' });
    vi.advanceTimersByTime(10 * REVIVE_AFTER_MS);
    expect(k.restarts).toBe(0);
    stop();
  });

  it('in a room, hands the queue to the next peer at once: nothing fails, every run executes once', () => {
    const net = new SimNet();
    const executed: Array<[string, string]> = [];
    const elections: ExecutorElection[] = [];
    const tab = (
      name: string,
      client: number,
      joinedAt: number,
      doc?: ReturnType<typeof createNotebookDoc>,
    ): { peer: SimPeer; kernel: StatusKernel; presence: Presence; gate: FakeGate | undefined } => {
      const peer = net.peer(name, client, doc);
      const presence = new Presence(peer.doc, { awareness: peer.awareness, store: memoryStore({ 'anode.user': JSON.stringify({ name, color: '#123456' }) }), now: () => joinedAt });
      const kernel = new StatusKernel();
      // As the notebook session does: the presence follows the kernel (src/ui/session.ts).
      const sync = () => presence.setKernel(kernel.status.status === 'dead' ? 'failed' : 'ready');
      sync();
      kernel.onStatus(sync);
      const code: CellHandler = async ({ run }) => {
        executed.push([run.id, name]);
        return { state: 'done', executionCount: 1 };
      };
      const gate = doc ? undefined : new FakeGate();
      elections.push(
        startExecutorElection({
          doc: peer.doc,
          presence,
          ...(gate ? { room: gate } : {}),
          onElected: (t) =>
            startExecutor(peer.doc, kernel, t.me, {
              isExecutor: t.mayExecute,
              onExecutorChange: (recheck) => t.onRoleChange(() => recheck()),
              handlers: { code },
            }),
        }),
      );
      return { peer, kernel, presence, gate };
    };
    const ada = tab('Ada', 1, 100, createNotebookDoc({ cells: [{ source: 'a' }, { source: 'b' }] }));
    const bob = tab('Bob', 2, 200);
    net.connect(ada.peer);
    net.connect(bob.peer);
    net.flush();
    // Bob's room has had its first exchange: he knows Ada executes.
    bob.gate?.set({ settled: true });
    expect(readHandover(bob.peer.doc)?.to.name).toBe('Ada');

    // Ada's kernel dies with runs queued (before her loop could take them).
    ada.kernel.set({ status: 'dead', reason: 'The kernel worker failed: out of memory' });
    net.flush();
    const [c1, c2] = cellOrder(bob.peer.doc);
    const r1 = requestRun(bob.peer.doc, c1!, { client: 2, name: 'Bob' }, LOCAL)!;
    const r2 = requestRun(bob.peer.doc, c2!, { client: 2, name: 'Bob' }, LOCAL)!;
    net.flush();
    return vi.waitFor(() => {
      net.flush();
      expect(executed).toEqual([
        [r1, 'Bob'],
        [r2, 'Bob'],
      ]);
      expect(liveRuns(ada.peer.doc)).toEqual([]);
      const note = readHandover(ada.peer.doc)!;
      expect(note).toMatchObject({ from: { name: 'Ada' }, to: { name: 'Bob' }, reason: 'kernel-died' });
      expect(describeHandover(note)).toContain('its Python kernel died');
    }).finally(() => {
      for (const e of elections) e.destroy();
      net.destroy();
    });
  });
});
