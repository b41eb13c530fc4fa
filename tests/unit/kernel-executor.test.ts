import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { deliverLocal, sealReply, SEALED_FIELD } from '../../src/kernel/secret-input';
import {
  LOCAL,
  cellOrder,
  createNotebookDoc,
  liveRuns,
  readKernel,
  readRun,
  replyInput,
  requestRun,
  snapshotCell,
  getCell,
  runsMap,
  setSource,
  readLastRun,
  type Actor,
} from '../../src/model';
import { startExecutor } from '../../src/kernel/executor';
import { KernelLostError, type Kernel, type KernelStatusInfo, type RunHandlers } from '../../src/kernel/types';
import type { KernelEvent, RunResult } from '../../src/kernel/protocol';

const ME: Actor = { client: 1, name: 'Ada' };

/** A scripted kernel: each code string maps to a script of events (and optional input) it plays back. */
class FakeKernel implements Kernel {
  status: KernelStatusInfo = { status: 'idle', isolated: true, sessionId: 's1' };
  listeners = new Set<(s: KernelStatusInfo) => void>();
  count = 0;
  ran: string[] = [];
  scripts: Record<string, (h: RunHandlers, k: FakeKernel) => Promise<RunResult['status']>> = {};
  pendingLoss: ((e: Error) => void) | null = null;

  getStatus() {
    return this.status;
  }
  onStatus(cb: (s: KernelStatusInfo) => void) {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
  set(s: Partial<KernelStatusInfo>) {
    this.status = { ...this.status, ...s };
    for (const l of this.listeners) l(this.status);
  }
  async run(code: string, h: RunHandlers): Promise<RunResult> {
    this.ran.push(code);
    this.set({ status: 'busy' });
    try {
      const script = this.scripts[code];
      const status = await new Promise<RunResult['status']>((resolve, reject) => {
        this.pendingLoss = reject;
        (script ? script(h, this) : Promise.resolve('ok' as const)).then(resolve, reject);
      });
      return { status, executionCount: ++this.count };
    } finally {
      this.set({ status: 'idle' });
    }
  }
  async interrupt() {}
  async restart() {
    this.pendingLoss?.(new KernelLostError('restarted', true));
    this.count = 0;
    this.set({ status: 'idle', sessionId: 's2' });
  }
  async complete(_c: string, cursor: number) {
    return { matches: [], from: cursor, to: cursor };
  }
  async inspect() {
    return null;
  }
  dispose() {}
}

function notebook(sources: Array<string | { type: 'code' | 'ai' | 'sql' | 'markdown'; source: string }>): {
  doc: Y.Doc;
  ids: string[];
} {
  const doc = createNotebookDoc({
    cells: sources.map((s) => (typeof s === 'string' ? { type: 'code' as const, source: s } : s)),
  });
  return { doc, ids: cellOrder(doc) };
}

/** Resolves once no run is live (the executor drained the queue). */
function drained(doc: Y.Doc): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (liveRuns(doc).length === 0) {
        doc.off('afterTransaction', check);
        resolve();
      }
    };
    doc.on('afterTransaction', check);
    check();
  });
}

/** Resolves once `ok()` holds after some transaction of `doc` (or at once). */
function until(doc: Y.Doc, ok: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!ok()) return;
      doc.off('afterTransaction', check);
      resolve();
    };
    doc.on('afterTransaction', check);
    check();
  });
}

const emit = (h: RunHandlers, ...events: KernelEvent[]) => h.onEvents(events);
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('executor', () => {
  it('runs queued cells in order and records outputs, counts and the session', async () => {
    const { doc, ids } = notebook(['a', 'b']);
    const k = new FakeKernel();
    k.scripts.a = async (h) => {
      emit(h, { type: 'stream', name: 'stdout', text: 'hello ' }, { type: 'stream', name: 'stdout', text: 'world\n' });
      emit(h, { type: 'execute_result', data: { 'text/plain': '2' }, metadata: {}, executionCount: 1 });
      return 'ok';
    };
    const stop = startExecutor(doc, k, ME, { flushMs: 5 });
    requestRun(doc, ids[0]!, ME, LOCAL);
    requestRun(doc, ids[1]!, ME, LOCAL);
    await drained(doc);
    stop();
    expect(k.ran).toEqual(['a', 'b']);
    const a = snapshotCell(doc, ids[0]!)!;
    expect(a.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'hello world\n' },
      { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '2' }, metadata: {} },
    ]);
    expect(a.executionCount).toBe(1);
    expect(snapshotCell(doc, ids[1]!)!.executionCount).toBe(2);
    expect(readLastRun(getCell(doc, ids[0]!)!)?.state).toBe('done');
    expect(readKernel(doc)).toMatchObject({ sessionId: 's1', status: 'idle', executionCount: 2, executor: ME });
  });

  it('coalesces a burst of stream chunks into one output written once', async () => {
    const { doc, ids } = notebook(['loop']);
    const k = new FakeKernel();
    k.scripts.loop = async (h) => {
      for (let i = 0; i < 1000; i++) emit(h, { type: 'stream', name: 'stdout', text: `${i}\n` });
      return 'ok';
    };
    let outputWrites = 0;
    getCell(doc, ids[0]!)!.get('outputs');
    doc.on('afterTransaction', (tr) => {
      if ([...tr.changed.keys()].some((t) => t === getCell(doc, ids[0]!)!.get('outputs'))) outputWrites++;
    });
    startExecutor(doc, k, ME, { flushMs: 5 });
    requestRun(doc, ids[0]!, ME, LOCAL);
    await drained(doc);
    const outs = snapshotCell(doc, ids[0]!)!.outputs;
    expect(outs).toHaveLength(1);
    expect(outs[0]).toMatchObject({ name: 'stdout' });
    expect((outs[0] as { text: string }).text.split('\n')).toHaveLength(1001);
    expect(outputWrites).toBeLessThanOrEqual(2);
  });

  it('keeps stdout and stderr apart and in order around rich outputs', async () => {
    const { doc, ids } = notebook(['mix']);
    const k = new FakeKernel();
    k.scripts.mix = async (h) => {
      emit(h, { type: 'stream', name: 'stdout', text: 'out\n' });
      emit(h, { type: 'stream', name: 'stderr', text: 'err\n' });
      emit(h, { type: 'display', data: { 'text/html': '<b>x</b>' }, metadata: {} });
      emit(h, { type: 'stream', name: 'stdout', text: 'after\n' });
      return 'ok';
    };
    startExecutor(doc, k, ME, { flushMs: 5 });
    requestRun(doc, ids[0]!, ME, LOCAL);
    await drained(doc);
    expect(snapshotCell(doc, ids[0]!)!.outputs.map((o) => o.output_type + ('name' in o ? `:${o.name}` : ''))).toEqual([
      'stream:stdout',
      'stream:stderr',
      'display_data',
      'stream:stdout',
    ]);
  });

  it('update_display replaces the output with that display id; clear_output(wait) clears at the next output', async () => {
    const { doc, ids } = notebook(['disp']);
    const k = new FakeKernel();
    k.scripts.disp = async (h) => {
      emit(h, { type: 'stream', name: 'stdout', text: 'frame 0\n' });
      emit(h, { type: 'display', data: { 'text/plain': 'v1' }, metadata: {}, displayId: 'd1' });
      emit(h, { type: 'update_display', data: { 'text/plain': 'v2' }, metadata: {}, displayId: 'd1' });
      emit(h, { type: 'clear_output', wait: true });
      await new Promise((r) => setTimeout(r, 30)); // past a flush (flushMs 5)
      // Nothing cleared yet: an animation never flashes empty.
      expect(snapshotCell(doc, ids[0]!)!.outputs).toHaveLength(2);
      emit(h, { type: 'stream', name: 'stdout', text: 'frame 1\n' });
      return 'ok';
    };
    startExecutor(doc, k, ME, { flushMs: 5 });
    requestRun(doc, ids[0]!, ME, LOCAL);
    await drained(doc);
    expect(snapshotCell(doc, ids[0]!)!.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'frame 1\n' }]);
  });

  it('%load puts the file into the running cell; set_next_input without replace adds a code cell below', async () => {
    const { doc, ids } = notebook(['%load a.py', 'after']);
    const k = new FakeKernel();
    k.scripts['%load a.py'] = async (h) => {
      emit(h, { type: 'set_next_input', text: '# %load a.py\nx = 1\n', replace: true });
      emit(h, { type: 'set_next_input', text: 'y = 2', replace: false });
      return 'ok';
    };
    startExecutor(doc, k, ME, { flushMs: 5 });
    requestRun(doc, ids[0]!, ME, LOCAL);
    await drained(doc);
    const order = cellOrder(doc);
    expect(order).toHaveLength(3);
    expect(snapshotCell(doc, order[0]!)!.source).toBe('# %load a.py\nx = 1\n');
    expect(snapshotCell(doc, order[1]!)).toMatchObject({ type: 'code', source: 'y = 2' });
    expect(order[2]).toBe(ids[1]);
  });

  it('runs the cell\'s source as the document holds it, not a run record\'s own copy (a peer can forge one)', async () => {
    const { doc, ids } = notebook(['print("shown")', 'x = 1']);
    const k = new FakeKernel();
    const forged = requestRun(doc, ids[0]!, ME, LOCAL)!;
    (runsMap(doc).get(forged) as Y.Map<unknown>).set('source', 'import os; steal()');
    // A queued cell edited before its turn runs as edited.
    requestRun(doc, ids[1]!, ME, LOCAL);
    setSource(doc, ids[1]!, 'x = 2', LOCAL);
    const asked: string[] = [];
    startExecutor(doc, k, ME, { mayRun: (run) => (asked.push(run.source), true) });
    await drained(doc);
    expect(k.ran).toEqual(['print("shown")', 'x = 2']);
    expect(asked).toEqual(['print("shown")', 'x = 2']);
  });

  it('update_display after the run changes the earlier output in place', async () => {
    const { doc, ids } = notebook(['show', 'upd']);
    const k = new FakeKernel();
    k.scripts.show = async (h) => {
      emit(h, { type: 'display', data: { 'text/plain': 'old' }, metadata: {}, displayId: 'x' });
      return 'ok';
    };
    k.scripts.upd = async (h) => {
      emit(h, { type: 'update_display', data: { 'text/plain': 'new' }, metadata: {}, displayId: 'x' });
      return 'ok';
    };
    startExecutor(doc, k, ME, { flushMs: 5 });
    requestRun(doc, ids[0]!, ME, LOCAL);
    requestRun(doc, ids[1]!, ME, LOCAL);
    await drained(doc);
    expect(snapshotCell(doc, ids[0]!)!.outputs[0]).toMatchObject({ data: { 'text/plain': 'new' } });
  });

  it('an error stops the queued runs after it (stop on error), which show as cancelled', async () => {
    const { doc, ids } = notebook(['boom', 'next']);
    const k = new FakeKernel();
    k.scripts.boom = async (h) => {
      emit(h, { type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero', traceback: ['tb'] });
      return 'error';
    };
    startExecutor(doc, k, ME, { flushMs: 5 });
    requestRun(doc, ids[0]!, ME, LOCAL);
    requestRun(doc, ids[1]!, ME, LOCAL);
    await drained(doc);
    expect(k.ran).toEqual(['boom']);
    expect(readLastRun(getCell(doc, ids[0]!)!)?.state).toBe('error');
    expect(readLastRun(getCell(doc, ids[1]!)!)?.state).toBe('cancelled');
    expect(snapshotCell(doc, ids[0]!)!.outputs[0]).toMatchObject({ ename: 'ZeroDivisionError' });
  });

  it('asks for input through the run record and hands the reply to the kernel', async () => {
    const { doc, ids } = notebook(['ask']);
    const k = new FakeKernel();
    let got: string | null = 'unset';
    k.scripts.ask = async (h) => {
      got = await h.onInput('Name? ', false, new AbortController().signal);
      emit(h, { type: 'stream', name: 'stdout', text: `Hi ${got}\n` });
      return 'ok';
    };
    startExecutor(doc, k, ME, { flushMs: 5 });
    const runId = requestRun(doc, ids[0]!, ME, LOCAL)!;
    await new Promise<void>((resolve) => {
      const check = () => readRun(doc, runId)?.inputRequest && (doc.off('afterTransaction', check), resolve());
      doc.on('afterTransaction', check);
      check();
    });
    expect(readRun(doc, runId)!.inputRequest).toEqual({ prompt: 'Name? ', password: false });
    replyInput(doc, runId, 'Ada', LOCAL);
    await drained(doc);
    expect(got).toBe('Ada');
    expect(snapshotCell(doc, ids[0]!)!.outputs[0]).toMatchObject({ text: 'Hi Ada\n' });
  });

  it('a getpass() answer never enters the document: typed in the executor\'s tab or sealed by a peer for this request only', async () => {
    const { doc, ids } = notebook(['ask']);
    const k = new FakeKernel();
    const answers: Array<string | null> = [];
    k.scripts.ask = async (h) => {
      answers.push(await h.onInput('Password: ', true, new AbortController().signal));
      answers.push(await h.onInput('Password again: ', true, new AbortController().signal));
      return 'ok';
    };
    const executorSide = new Awareness(doc);
    startExecutor(doc, k, ME, { flushMs: 5, awareness: executorSide });
    const runId = requestRun(doc, ids[0]!, ME, LOCAL)!;
    await until(doc, () => readRun(doc, runId)?.inputRequest?.prompt === 'Password: ');
    const first = readRun(doc, runId)!.inputRequest!;
    expect(first.key).toMatch(/^[A-Za-z0-9+/]+=*$/);
    // The document path is closed for passwords, and a peer's sealed answer for another request opens nothing.
    replyInput(doc, runId, 'typed-into-the-doc', LOCAL);
    const peer = new Awareness(new Y.Doc());
    // (Relabelled with this run's id: the run id is sealed in, so it still does not open.)
    peer.setLocalState({ [SEALED_FIELD]: { ...(await sealReply(first.key!, 'another-run', 'replayed')), runId } });
    executorSide.getStates().set(peer.clientID, peer.getLocalState()!);
    executorSide.emit('change', [{ added: [], updated: [peer.clientID], removed: [] }, 'remote']);
    // Typed in this tab (the executor's): handed over in memory.
    expect(deliverLocal(runId, 'tab-secret')).toBe(true);
    await until(doc, () => readRun(doc, runId)?.inputRequest?.prompt === 'Password again: ');
    const second = readRun(doc, runId)!.inputRequest!;
    expect(second.key).not.toBe(first.key);
    // From another peer: sealed for this request's key, carried by presence.
    peer.setLocalState({ [SEALED_FIELD]: await sealReply(second.key!, runId, 'peer-secret') });
    executorSide.getStates().set(peer.clientID, peer.getLocalState()!);
    executorSide.emit('change', [{ added: [], updated: [peer.clientID], removed: [] }, 'remote']);
    await drained(doc);
    expect(answers).toEqual(['tab-secret', 'peer-secret']);
    const stored = new TextDecoder().decode(Y.encodeStateAsUpdate(doc));
    for (const secret of ['tab-secret', 'peer-secret', 'typed-into-the-doc']) expect(stored).not.toContain(secret);
    executorSide.destroy();
    peer.destroy();
  });

  it('withdraws the input prompt when the kernel aborts the request', async () => {
    const { doc, ids } = notebook(['ask']);
    const k = new FakeKernel();
    const abort = new AbortController();
    k.scripts.ask = async (h) => {
      const runId = liveRuns(doc)[0]!.id;
      const p = h.onInput('Secret: ', true, abort.signal);
      await until(doc, () => readRun(doc, runId)?.inputRequest !== undefined);
      expect(readRun(doc, runId)!.inputRequest).toMatchObject({ prompt: 'Secret: ', password: true });
      abort.abort();
      expect(await p).toBeNull();
      expect(readRun(doc, runId)!.inputRequest).toBeUndefined();
      return 'interrupted';
    };
    startExecutor(doc, k, ME, { flushMs: 5 });
    requestRun(doc, ids[0]!, ME, LOCAL);
    await drained(doc);
    expect(readLastRun(getCell(doc, ids[0]!)!)?.state).toBe('interrupted');
  });

  it('a restart mid-run ends the run visibly and starts a new session in the document', async () => {
    const { doc, ids } = notebook(['hang']);
    const k = new FakeKernel();
    k.scripts.hang = () => new Promise(() => {});
    startExecutor(doc, k, ME, { flushMs: 5 });
    requestRun(doc, ids[0]!, ME, LOCAL);
    await tick();
    expect(readKernel(doc)?.status).toBe('busy');
    await k.restart();
    await drained(doc);
    expect(snapshotCell(doc, ids[0]!)!.outputs[0]).toMatchObject({ output_type: 'error', ename: 'KernelRestarted' });
    expect(readKernel(doc)).toMatchObject({ sessionId: 's2', executionCount: 0, status: 'idle' });
  });

  it('fails queued runs with the reason when the kernel is dead, instead of leaving them stuck', async () => {
    const { doc, ids } = notebook(['x']);
    const k = new FakeKernel();
    k.status = { status: 'dead', reason: 'Python failed to start: no wasm', isolated: false, sessionId: 's1' };
    startExecutor(doc, k, ME);
    requestRun(doc, ids[0]!, ME, LOCAL);
    await drained(doc);
    expect(k.ran).toEqual([]);
    expect(snapshotCell(doc, ids[0]!)!.outputs[0]).toMatchObject({ ename: 'KernelDead', evalue: 'Python failed to start: no wasm' });
  });

  it('waits while the kernel is starting, then runs', async () => {
    const { doc, ids } = notebook(['x']);
    const k = new FakeKernel();
    k.status = { status: 'starting', isolated: true, sessionId: 's1' };
    startExecutor(doc, k, ME);
    requestRun(doc, ids[0]!, ME, LOCAL);
    await tick();
    expect(liveRuns(doc)[0]?.state).toBe('queued');
    k.set({ status: 'idle' });
    await drained(doc);
    expect(k.ran).toEqual(['x']);
  });

  it('asks whether a run may execute here while Python starts; a refusal leaves it queued and takes nothing more', async () => {
    const { doc, ids } = notebook(['mine', 'theirs']);
    const k = new FakeKernel();
    k.status = { status: 'starting', isolated: true, sessionId: 's1' };
    const asked: string[] = [];
    let answer!: (ok: boolean) => void;
    const stop = startExecutor(doc, k, ME, {
      mayRun: (run) => {
        asked.push(run.source);
        if (run.source === 'mine') return true;
        return new Promise<boolean>((r) => (answer = r));
      },
    });
    requestRun(doc, ids[1]!, { client: 2, name: 'Bob' }, LOCAL);
    await tick();
    expect(asked).toEqual(['theirs']); // before the kernel is ready
    k.set({ status: 'idle' });
    answer(false);
    await tick();
    await tick();
    expect(k.ran).toEqual([]);
    expect(liveRuns(doc).map((r) => r.state)).toEqual(['queued']);
    stop();
  });

  it('runs a peer’s run once the user allowed it', async () => {
    const { doc, ids } = notebook(['theirs']);
    const k = new FakeKernel();
    let allowed = false;
    let answer!: (ok: boolean) => void;
    const question = new Promise<boolean>((r) => (answer = r));
    // As src/sync/consent.ts answers: a promise until decided, then at once.
    startExecutor(doc, k, ME, { mayRun: () => allowed || question });
    requestRun(doc, ids[0]!, { client: 2, name: 'Bob' }, LOCAL);
    await tick();
    expect(k.ran).toEqual([]);
    allowed = true;
    answer(true);
    await drained(doc);
    expect(k.ran).toEqual(['theirs']);
  });

  it('AI and SQL cells finish with a clear "not available yet" error', async () => {
    const { doc, ids } = notebook([
      { type: 'ai', source: 'plot it' },
      { type: 'sql', source: 'select 1' },
    ]);
    const k = new FakeKernel();
    startExecutor(doc, k, ME);
    requestRun(doc, ids[0]!, ME, LOCAL);
    requestRun(doc, ids[1]!, ME, LOCAL);
    await drained(doc);
    expect(k.ran).toEqual([]);
    expect(snapshotCell(doc, ids[0]!)!.outputs[0]).toMatchObject({ evalue: 'AI cells are not available yet' });
    expect(snapshotCell(doc, ids[1]!)!.outputs[0]).toMatchObject({ evalue: 'SQL cells are not available yet' });
  });

  it('a custom handler replaces a cell type (the hook the AI module will use)', async () => {
    const { doc, ids } = notebook([{ type: 'ai', source: 'hi' }]);
    const k = new FakeKernel();
    startExecutor(doc, k, ME, {
      handlers: {
        ai: async ({ writer, run }) => {
          writer.append({ output_type: 'display_data', data: { 'text/markdown': `echo ${run.source}` }, metadata: {} });
          return { state: 'done' };
        },
      },
    });
    requestRun(doc, ids[0]!, ME, LOCAL);
    await drained(doc);
    expect(snapshotCell(doc, ids[0]!)!.outputs[0]).toMatchObject({ data: { 'text/markdown': 'echo hi' } });
  });

  it('does nothing while another peer is the executor, and takes over when elected', async () => {
    const { doc, ids } = notebook(['x']);
    const k = new FakeKernel();
    let elected = false;
    let recheck = () => {};
    startExecutor(doc, k, ME, {
      isExecutor: () => elected,
      onExecutorChange: (cb) => ((recheck = cb), () => {}),
    });
    requestRun(doc, ids[0]!, ME, LOCAL);
    await tick();
    expect(k.ran).toEqual([]);
    expect(readKernel(doc)).toBeNull();
    elected = true;
    recheck();
    await drained(doc);
    expect(k.ran).toEqual(['x']);
    expect(readKernel(doc)?.executor).toEqual(ME);
  });

  it('stops taking runs once stopped', async () => {
    const { doc, ids } = notebook(['x']);
    const k = new FakeKernel();
    const stop = startExecutor(doc, k, ME);
    stop();
    requestRun(doc, ids[0]!, ME, LOCAL);
    await tick();
    expect(k.ran).toEqual([]);
    expect(liveRuns(doc)).toHaveLength(1);
  });
});
