/**
 * Executor handover as the document records it. When a new peer takes over execution, Python state is gone
 * with the old executor's browser: runs it had in progress are finished as `interrupted` (never left spinning,
 * never re-run: a run executes at most once), queued runs stay queued for the new executor, and a new kernel
 * session starts with a note saying who took over from whom, so every peer can say plainly what was lost.
 */
import * as Y from 'yjs';
import { kernelMap } from './doc';
import { readKernel, startSession } from './kernel';
import type { Origin } from './origin';
import { appendOutputs } from './outputs';
import { finishRun, liveRuns } from './runs';
import type { Actor } from './schema';

/** The last handover, kept in the kernel map beside the session it started. */
export interface HandoverNote {
  /** The session the handover started. */
  sessionId: string;
  /** The executor that was recorded before (gone or stepped down), or null if there was none. */
  from: Actor | null;
  to: Actor;
  at: number;
  /** Runs that were in progress on the old executor and are now `interrupted`. */
  interrupted: string[];
}

/** The error output a cell gets when its run is lost with its executor: what the user sees in place of results. */
export function executorLostOutput(from: Actor | null): { output_type: 'error'; ename: string; evalue: string; traceback: string[] } {
  const who = from ? `${from.name}'s browser` : 'The browser running this notebook';
  return {
    output_type: 'error',
    ename: 'ExecutorLost',
    evalue: `${who} stopped running code while this cell was running. It was not re-run; the Python state was lost.`,
    traceback: [],
  };
}

/**
 * Finishes as `interrupted` every running run not executed by `keep` (a client id), adding an `ExecutorLost`
 * error output to its cell. Queued runs are untouched. Returns the ids of the runs interrupted.
 */
export function interruptOrphanedRuns(doc: Y.Doc, keep: number, origin: Origin, from: Actor | null = null): string[] {
  const ids: string[] = [];
  doc.transact(() => {
    for (const run of liveRuns(doc)) {
      if (run.state !== 'running') continue;
      const exec: unknown = run.executor;
      const client = typeof exec === 'object' && exec !== null ? (exec as { client?: unknown }).client : undefined;
      if (client === keep) continue;
      appendOutputs(doc, run.cellId, [executorLostOutput(isActor(exec) ? exec : from)], origin);
      finishRun(doc, run.id, 'interrupted', origin);
      ids.push(run.id);
    }
  }, origin);
  return ids;
}

function isActor(v: unknown): v is Actor {
  return typeof v === 'object' && v !== null && typeof (v as Actor).client === 'number' && typeof (v as Actor).name === 'string';
}

/**
 * `to` takes over execution, in one transaction so every peer sees it whole: orphaned running runs are
 * interrupted, a new session `sessionId` starts on `to` (status `starting`), and a `HandoverNote` records it.
 */
export function takeOverSession(doc: Y.Doc, sessionId: string, to: Actor, origin: Origin): HandoverNote {
  let note: HandoverNote | null = null;
  doc.transact(() => {
    const before = readKernel(doc)?.executor;
    const from = isActor(before) ? { client: before.client, name: before.name } : null;
    const interrupted = interruptOrphanedRuns(doc, to.client, origin, from);
    startSession(doc, sessionId, to, origin);
    note = { sessionId, from, to: { client: to.client, name: to.name }, at: Date.now(), interrupted };
    kernelMap(doc).set('handover', note);
  }, origin);
  return note!;
}

/** The last handover note, or null (none yet, or a peer wrote something that is not one). */
export function readHandover(doc: Y.Doc): HandoverNote | null {
  const n = kernelMap(doc).get('handover');
  if (typeof n !== 'object' || n === null || n instanceof Y.AbstractType) return null;
  const o = n as Partial<HandoverNote>;
  if (typeof o.sessionId !== 'string' || !isActor(o.to) || typeof o.at !== 'number') return null;
  return {
    sessionId: o.sessionId,
    from: isActor(o.from) ? o.from : null,
    to: o.to,
    at: o.at,
    interrupted: Array.isArray(o.interrupted) ? o.interrupted.filter((x): x is string => typeof x === 'string') : [],
  };
}

/**
 * The handover that began the current executor's tenure, or null (no handover recorded, or the executor has
 * changed since). Its session id may differ from the current session's: the executor's kernel records its own
 * session once it boots, and a restart makes another; the note stays until the next handover.
 */
export function currentHandover(doc: Y.Doc): HandoverNote | null {
  const note = readHandover(doc);
  const client: unknown = (readKernel(doc)?.executor as { client?: unknown } | undefined)?.client;
  return note && client === note.to.client ? note : null;
}
