/**
 * Election, handover and the kernel's executor loop together, over a simulated room: the way the app wires
 * them (see the integration notes in src/sync/handover.ts). Kernels are fakes that record what they ran.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LOCAL, cellOrder, createNotebookDoc, getCell, liveRuns, readKernel, readLastRun, requestRun, currentHandover } from '../../src/model';
import { startExecutor } from '../../src/kernel/executor';
import type { Kernel, KernelStatusInfo, RunHandlers } from '../../src/kernel/types';
import type { RunResult } from '../../src/kernel/protocol';
import { Presence } from '../../src/sync/awareness';
import { startExecutorElection, type ExecutorElection } from '../../src/sync/handover';
import { FakeGate, memoryStore, SimNet, type SimPeer } from './sync-net';

/** Every run any fake kernel started, in order: [peer, source]. */
let executed: Array<[string, string]> = [];
/** Runs whose source starts with "block" wait here until the test releases them. */
let blocked: Array<() => void> = [];

class FakeKernel implements Kernel {
  private status: KernelStatusInfo;
  private listeners = new Set<(s: KernelStatusInfo) => void>();
  private count = 0;
  disposed = false;
  constructor(readonly owner: string, sessionId: string) {
    this.status = { status: 'idle', isolated: true, sessionId };
  }
  getStatus() {
    return this.status;
  }
  onStatus(cb: (s: KernelStatusInfo) => void) {
    this.listeners.add(cb);
    return () => void this.listeners.delete(cb);
  }
  private set(s: Partial<KernelStatusInfo>) {
    this.status = { ...this.status, ...s };
    for (const l of this.listeners) l(this.status);
  }
  async run(code: string, _h: RunHandlers): Promise<RunResult> {
    executed.push([this.owner, code]);
    this.set({ status: 'busy' });
    if (code.startsWith('block')) await new Promise<void>((r) => blocked.push(r));
    this.set({ status: 'idle' });
    return { status: 'ok', executionCount: ++this.count };
  }
  async interrupt() {}
  async restart() {}
  async complete(_c: string, cursor: number) {
    return { matches: [], from: cursor, to: cursor };
  }
  async inspect() {
    return null;
  }
  dispose() {
    this.disposed = true;
  }
}

interface Browser {
  peer: SimPeer;
  presence: Presence;
  election: ExecutorElection;
  kernels: FakeKernel[];
  gate?: FakeGate;
}

describe('executor failover with the executor loop', () => {
  let net: SimNet;
  afterEach(() => {
    net?.destroy();
    executed = [];
    blocked = [];
  });

  /** Wires one browser the way the app does: presence → election → (on election) kernel + executor loop. */
  function browser(name: string, client: number, joinedAt: number, doc?: Y.Doc): Browser {
    const peer = net.peer(name, client, doc);
    const presence = new Presence(peer.doc, {
      awareness: peer.awareness,
      store: memoryStore({ 'anode.user': JSON.stringify({ name, color: '#224466' }) }),
      now: () => joinedAt,
    });
    const kernels: FakeKernel[] = [];
    // A browser opening a link has a room, which holds takeovers until it has heard from the others.
    const gate = doc ? undefined : new FakeGate();
    const b = { peer, presence, kernels, ...(gate ? { gate } : {}) };
    const election = startExecutorElection({
      doc: peer.doc,
      presence,
      ...(gate ? { room: gate } : {}),
      onElected: ({ me, sessionId, mayExecute, onRoleChange }) => {
        const kernel = new FakeKernel(name, `${name}-${sessionId}`);
        kernels.push(kernel);
        presence.setKernel('ready');
        const stop = startExecutor(peer.doc, kernel, me, {
          isExecutor: mayExecute,
          onExecutorChange: (recheck) => onRoleChange(recheck),
          flushMs: 0,
        });
        return () => {
          stop();
          kernel.dispose();
          presence.setKernel('none');
        };
      },
    });
    return Object.assign(b, { election });
  }

  /** Lets the executor loops' async steps run and the network deliver, until both are quiet. */
  async function quiesce(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      net.flush();
      await new Promise((r) => setTimeout(r, 0));
    }
    net.flush();
  }

  it('B runs a cell and sees the output from executor A; A closes mid-run; B takes the rest of the queue, each run once', async () => {
    net = new SimNet();
    const a = browser('Ada', 30, 100, createNotebookDoc({ cells: [{ source: 'block: x = 1' }, { source: 'print(2)' }, { source: 'print(3)' }] }));
    const b = browser('Bob', 10, 200);
    const c = browser('Cy', 20, 300);
    for (const t of [a, b, c]) net.connect(t.peer);
    await quiesce();
    for (const t of [b, c]) t.gate!.set({ settled: true });
    // Only Ada's election acted (Bob and Cy had no notebook yet when they started).
    expect([a, b, c].map((t) => t.kernels.length)).toEqual([1, 0, 0]);

    const ids = cellOrder(b.peer.doc);
    const bob = { client: 10, name: 'Bob' };
    const runs = ids.map((id) => requestRun(b.peer.doc, id, bob, LOCAL)!);
    await quiesce();
    // Ada's kernel is running the first cell (blocked); the other two wait.
    expect(executed).toEqual([['Ada', 'block: x = 1']]);
    expect(liveRuns(c.peer.doc).map((r) => r.state)).toEqual(['running', 'queued', 'queued']);

    // Ada closes her tab while the cell runs.
    a.presence.destroy();
    net.disconnect(a.peer, true);
    await quiesce();

    expect(b.kernels).toHaveLength(1);
    expect(c.kernels).toHaveLength(0);
    expect(executed).toEqual([
      ['Ada', 'block: x = 1'],
      ['Bob', 'print(2)'],
      ['Bob', 'print(3)'],
    ]);
    for (const t of [b, c]) {
      const doc = t.peer.doc;
      expect(liveRuns(doc)).toEqual([]);
      expect(ids.map((id) => readLastRun(getCell(doc, id)!)?.state)).toEqual(['interrupted', 'done', 'done']);
      expect(readLastRun(getCell(doc, ids[1]!)!)?.executor).toEqual(bob);
      expect(readKernel(doc)?.executor).toEqual(bob);
      expect(currentHandover(doc)).toMatchObject({ from: { client: 30, name: 'Ada' }, to: bob, interrupted: [runs[0]] });
    }

    // Ada's kernel finishing afterwards changes nothing anywhere (she is gone; her loop was stopped).
    blocked.forEach((r) => r());
    await quiesce();
    expect(executed).toHaveLength(3);
  });

  it('an executor that opts out stops taking runs; the next peer takes the queue', async () => {
    net = new SimNet();
    const a = browser('Ada', 30, 100, createNotebookDoc({ cells: [{ source: 'block: 1' }, { source: 'print(2)' }] }));
    const b = browser('Bob', 10, 200);
    net.connect(a.peer);
    net.connect(b.peer);
    await quiesce();
    b.gate!.set({ settled: true });
    const ids = cellOrder(a.peer.doc);
    const ada = { client: 30, name: 'Ada' };
    for (const id of ids) requestRun(a.peer.doc, id, ada, LOCAL);
    await quiesce();
    a.presence.setOffersExecution(false);
    await quiesce();
    expect(a.kernels[0]!.disposed).toBe(true);
    blocked.forEach((r) => r());
    await quiesce();
    expect(executed).toEqual([
      ['Ada', 'block: 1'],
      ['Bob', 'print(2)'],
    ]);
    expect(ids.map((id) => readLastRun(getCell(a.peer.doc, id)!)?.state)).toEqual(['interrupted', 'done']);
  });
});
