/**
 * The executor loop: while this peer is the executor, it takes queued runs from the document in order, one at a
 * time, runs each on the kernel and writes outputs, execution counts and the kernel session back into the
 * document. Whether this peer is the executor is the caller's business (a callback), so the collaboration layer
 * only has to elect; everything here is the same alone in a tab or in a room.
 */
import * as Y from 'yjs';
import {
  cancelQueued,
  cellType,
  claimRun,
  finishRun,
  getCell,
  appendOutputs,
  inLineage,
  liveRuns,
  notRunOutput,
  readTenure,
  runTenure,
  readKernel,
  readRun,
  runSource,
  runsMap,
  setInputRequest,
  setKernelCount,
  setKernelStatus,
  setKernelPlace,
  startSession,
  unclaimRun,
  EXECUTOR,
  type Actor,
  type CellType,
  type RunRecord,
  type RunState,
} from '../model';
import type { Awareness } from 'y-protocols/awareness';
import { OutputWriter } from './outputWriter';
import { awaitLocal, newSecretBox, watchSealed } from './secret-input';
import { KernelLostError, type Kernel } from './types';
import { startWidgetBridge } from './widget-bridge';

/** How a cell handler's run ended. */
export interface RunOutcome {
  state: Exclude<RunState, 'queued' | 'running'>;
  executionCount?: number | null;
  /** Cancel the runs queued after this one (Jupyter's stop-on-error: "Run all" halts at the first failure). */
  stopQueue?: boolean;
}

/** What a cell handler gets: the run, the kernel, and a writer for the cell's outputs. */
export interface RunContext {
  doc: Y.Doc;
  run: RunRecord;
  kernel: Kernel;
  writer: OutputWriter;
  me: Actor;
  /** The room's presence, where peers' sealed password answers arrive (secret-input.ts). */
  awareness?: Awareness;
}

/** Runs one claimed run of a cell type. Throwing is allowed: the executor turns it into an error output. */
export type CellHandler = (ctx: RunContext) => Promise<RunOutcome>;

export interface ExecutorOptions {
  /** Whether this peer executes runs now; default: always. */
  isExecutor?: () => boolean;
  /** Lets the caller say "ask isExecutor again" (election changed); returns an unsubscribe function. */
  onExecutorChange?: (recheck: () => void) => () => void;
  /**
   * Whether a queued run may execute here (consent to run other people's code): true, false (it stays queued and
   * this loop stops taking runs), or a promise while the user decides.
   */
  mayRun?: (run: RunRecord) => boolean | Promise<boolean>;
  /** Handlers by cell type, over the defaults (code on the kernel; ai and sql not available yet). */
  handlers?: Partial<Record<CellType, CellHandler>>;
  /** Stream coalescing interval, for tests. */
  flushMs?: number;
  /** The notebook's presence: peers' answers to getpass() arrive there, sealed for this executor. */
  awareness?: Awareness;
  /** Syncs the kernel's folder with the notebook's files around each code run. */
  folder?: { beforeRun(writer: OutputWriter): Promise<void>; afterRun(writer: OutputWriter): Promise<void> };
  /** Called after each code or SQL run ends, however it ended (the Variables panel looks again). */
  afterCodeRun?: () => void;
  /**
   * After claiming a run and before starting it: resolves true once it may start, false when it must not (the role
   * or the claim was lost meanwhile; the run is then left to whoever takes over). In a room this waits until the
   * peers this executor hears hold the claim (src/sync/failover.ts). Default: start at once.
   */
  confirmClaim?: (runId: string) => Promise<boolean>;
}

function notAvailable(what: string): CellHandler {
  return async ({ writer }) => {
    writer.append({
      output_type: 'error',
      ename: 'NotAvailable',
      evalue: `${what} cells are not available yet`,
      traceback: [`\x1b[1;31mNotAvailable\x1b[0m: ${what} cells are not available yet`],
    });
    return { state: 'error', executionCount: null };
  };
}

/**
 * Waits for an answer to Python's input(); null when withdrawn. A plain answer comes through the run record; a
 * password only from this tab's memory or sealed for this request in a peer's presence (secret-input.ts), never
 * from the document.
 */
async function askInput(doc: Y.Doc, runId: string, prompt: string, password: boolean, signal: AbortSignal, awareness?: Awareness): Promise<string | null> {
  const box = password ? await newSecretBox() : null;
  return new Promise((resolve) => {
    const rec = runsMap(doc).get(runId);
    if (!(rec instanceof Y.Map) || signal.aborted) return resolve(null);
    const stops: Array<() => void> = [];
    const done = (value: string | null) => {
      rec.unobserve(onChange);
      signal.removeEventListener('abort', onAbort);
      for (const stop of stops) stop();
      setInputRequest(doc, runId, null, EXECUTOR);
      resolve(value);
    };
    const onChange = () => {
      const reply = rec.get('inputReply');
      if (typeof reply === 'string' && !box) done(reply);
      else if (runsMap(doc).get(runId) !== rec) done(null);
    };
    const onAbort = () => done(null);
    rec.observe(onChange);
    signal.addEventListener('abort', onAbort);
    if (box) {
      stops.push(awaitLocal(runId, done));
      if (awareness) stops.push(watchSealed(awareness, runId, box, done));
    }
    setInputRequest(doc, runId, box ? { prompt, password, key: box.publicKey } : { prompt, password }, EXECUTOR);
  });
}

/** The default handler: run the source on the Python kernel. */
export const runCode: CellHandler = async ({ doc, run, kernel, writer, awareness }) => {
  const sessionId = kernel.getStatus().sessionId;
  try {
    const result = await kernel.run(run.source, {
      onEvents: (events) => writer.write(events),
      onInput: (prompt, password, signal) => askInput(doc, run.id, prompt, password, signal, awareness),
    });
    setKernelCount(doc, sessionId, result.executionCount, EXECUTOR);
    const state = result.status === 'ok' ? 'done' : result.status;
    return { state, executionCount: result.executionCount, stopQueue: state !== 'done' };
  } catch (e) {
    if (!(e instanceof KernelLostError)) throw e;
    const ename = e.requested ? 'KernelRestarted' : 'KernelDied';
    // The traceback is the summary line itself, so that views (which add `ename: evalue` when a traceback lacks
    // it) show it once.
    writer.append({ output_type: 'error', ename, evalue: e.message, traceback: [`\x1b[1;31m${ename}\x1b[0m: ${e.message}`] });
    return { state: e.requested ? 'interrupted' : 'error', executionCount: null, stopQueue: true };
  }
};

const DEFAULT_HANDLERS: Partial<Record<CellType, CellHandler>> = {
  code: runCode,
  ai: notAvailable('AI'),
  sql: notAvailable('SQL'),
};

/**
 * Starts executing `doc`'s run queue on `kernel` as `me`. Returns the stop function (a run in progress is
 * allowed to finish; nothing new is taken).
 */
export function startExecutor(doc: Y.Doc, kernel: Kernel, me: Actor, options: ExecutorOptions = {}): () => void {
  const isExecutor = options.isExecutor ?? (() => true);
  const handlers = { ...DEFAULT_HANDLERS, ...options.handlers };
  let stopped = false;
  let pumping = false;

  /** Mirrors the kernel's session and status into the document; a new session id is a fresh interpreter. */
  const recordSession = () => {
    if (stopped || !isExecutor()) return;
    const st = kernel.getStatus();
    if (!st.sessionId) return;
    if (readKernel(doc)?.sessionId !== st.sessionId) startSession(doc, st.sessionId, me, EXECUTOR, st.where);
    else setKernelPlace(doc, st.sessionId, st.where, EXECUTOR);
    setKernelStatus(doc, st.sessionId, st.status, EXECUTOR, st.reason);
  };

  const execute = async (run: RunRecord): Promise<void> => {
    const cell = getCell(doc, run.cellId);
    const type = cell ? cellType(cell) : null;
    const writer = new OutputWriter(doc, run.cellId, options.flushMs);
    const handler = type ? handlers[type] : undefined;
    let outcome: RunOutcome;
    try {
      if (!handler) throw new Error(`Cells of type ${type ?? 'unknown'} cannot run`);
      const folder = type === 'code' ? options.folder : undefined;
      await folder?.beforeRun(writer);
      try {
        outcome = await handler({ doc, run, kernel, writer, me, ...(options.awareness ? { awareness: options.awareness } : {}) });
      } finally {
        // Also after an error or an interrupt: what Python wrote until then is kept.
        await folder?.afterRun(writer).catch((e: unknown) =>
          writer.write([{ type: 'stream', name: 'stderr', text: `Files Python wrote could not be saved: ${e instanceof Error ? e.message : String(e)}\n` }]),
        );
      }
    } catch (e) {
      writer.append({
        output_type: 'error',
        ename: 'ExecutorError',
        evalue: e instanceof Error ? e.message : String(e),
        traceback: [`\x1b[1;31mExecutorError\x1b[0m: ${e instanceof Error ? e.message : String(e)}`],
      });
      outcome = { state: 'error', executionCount: null };
    }
    writer.flush();
    finishRun(doc, run.id, outcome.state, EXECUTOR, outcome.executionCount);
    if (outcome.stopQueue) cancelQueued(doc, EXECUTOR);
    // A SQL cell binds its result in Python too.
    if (type === 'code' || type === 'sql') options.afterCodeRun?.();
  };

  const failDead = (run: RunRecord, reason: string) => {
    if (!claimRun(doc, run.id, me, EXECUTOR)) return;
    const writer = new OutputWriter(doc, run.cellId);
    writer.append({
      output_type: 'error',
      ename: 'KernelDead',
      evalue: reason,
      traceback: [`\x1b[1;31mThe kernel is not running\x1b[0m: ${reason}`, 'Restart the kernel to run code again.'],
    });
    finishRun(doc, run.id, 'error', EXECUTOR, null);
  };

  const pump = async () => {
    if (pumping || stopped) return;
    pumping = true;
    try {
      while (!stopped && isExecutor()) {
        const status = kernel.getStatus();
        const runs = liveRuns(doc);
        const next = runs.find((r) => r.state === 'queued');
        if (!next) break;
        if (status.status === 'dead') {
          failDead(next, status.reason ?? 'the kernel died');
          continue;
        }
        // Asked about the code that would run (the cell's, see claimRun), while Python may still be starting.
        const verdict = options.mayRun?.({ ...next, source: runSource(doc, next) ?? next.source }) ?? true;
        if (verdict !== true) {
          if (verdict === false || !(await verdict)) break;
          // The queue and the election may have changed while the user decided: look again.
          continue;
        }
        if (status.status === 'starting') break; // resumed by the status change to idle or dead
        if (!inLineage(readTenure(doc), runTenure(next))) {
          // Queued under an executor this one did not take over from with a quorum (the other side of a network
          // split): it may have run there, so it is not run here, and says so.
          doc.transact(() => {
            appendOutputs(doc, next.cellId, [notRunOutput(next.executor ?? null)], EXECUTOR);
            finishRun(doc, next.id, 'cancelled', EXECUTOR);
          }, EXECUTOR);
          continue;
        }
        if (!claimRun(doc, next.id, me, EXECUTOR)) continue;
        if (options.confirmClaim && !(await options.confirmClaim(next.id))) {
          // Never started here: back to the queue for whoever executes next (no-op if a takeover interrupted it).
          unclaimRun(doc, next.id, me, EXECUTOR);
          break;
        }
        const claimed = readRun(doc, next.id);
        if (claimed && claimed.state === 'running' && claimed.executor?.client === me.client) await execute(claimed);
      }
    } finally {
      pumping = false;
    }
  };

  const kick = () => {
    recordSession();
    void pump();
  };

  const runs = runsMap(doc);
  const onRuns = () => void pump();
  runs.observeDeep(onRuns);
  const offStatus = kernel.onStatus(kick);
  const offElection = options.onExecutorChange?.(kick);
  const stopWidgets = startWidgetBridge(doc, kernel, { isExecutor: () => !stopped && isExecutor(), ...(options.flushMs ? { flushMs: options.flushMs } : {}) });
  kick();

  return () => {
    stopped = true;
    stopWidgets();
    runs.unobserveDeep(onRuns);
    offStatus();
    offElection?.();
  };
}
