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

/**
 * Why the executor changed: it closed its tab or left the room (`left`), stopped answering (`silent`: its browser
 * crashed, slept or lost the network), its Python kernel died (`kernel-died`), stopped offering (`stepped-down`), or
 * there was none.
 */
export type HandoverReason = 'left' | 'silent' | 'stepped-down' | 'kernel-died' | 'first';

/** How many earlier tenures a lineage remembers (older runs than that are long finished or cancelled). */
const LINEAGE_MAX = 32;

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
  /** Why (see {@link HandoverReason}); absent in notes written before it was recorded. */
  reason?: HandoverReason;
  /**
   * The new executor could not hear a quorum of the old session's members (src/sync/failover.ts): runs queued
   * before were cancelled rather than risk running them twice (the old executor may still be running them).
   */
  orphan?: boolean;
  /** Queued runs cancelled for that reason. */
  cancelled?: string[];
}

/**
 * The executor's tenure as the document records it: a tenure starts with each takeover and outlives kernel
 * restarts by the same executor. Runs are stamped with the tenure they were queued under, and an executor claims
 * only runs of its lineage (its own tenure and those it took over with a quorum), so two executors on the two sides
 * of a network split never claim the same run. `members` are the peers that could take over (src/sync/failover.ts).
 */
export interface Tenure {
  /** The tenure id (the takeover's session id), or null in a document written before tenures were recorded. */
  id: string | null;
  lineage: string[];
  members: number[];
  /** The members before the last change, until every remaining member acknowledged it; null otherwise. */
  previous: number[] | null;
}

function clientList(v: unknown): number[] | null {
  return Array.isArray(v) && v.every((c) => Number.isInteger(c)) ? [...new Set(v as number[])].sort((a, b) => a - b) : null;
}

/** The recorded tenure; a document without one reads as a tenure of its recorded executor alone. */
export function readTenure(doc: Y.Doc): Tenure {
  const k = kernelMap(doc);
  const id = typeof k.get('tenure') === 'string' ? (k.get('tenure') as string) : null;
  const lineageRaw = k.get('lineage');
  const lineage = Array.isArray(lineageRaw) ? lineageRaw.filter((x): x is string => typeof x === 'string') : [];
  const exec: unknown = (readKernel(doc)?.executor as { client?: unknown } | undefined)?.client;
  const members = clientList(k.get('members')) ?? (typeof exec === 'number' && Number.isInteger(exec) ? [exec] : []);
  return { id, lineage: id && !lineage.includes(id) ? [id, ...lineage] : lineage, members, previous: clientList(k.get('membersBefore')) };
}

/** Whether the tenure may claim a run queued under `tenure` (undefined: queued before tenures were recorded). */
export function inLineage(t: Tenure, tenure: string | undefined): boolean {
  return tenure === undefined || t.id === null || t.lineage.includes(tenure);
}

/** The executor changes the members (one peer at a time; `previous` until the change is acknowledged). */
export function setMembers(doc: Y.Doc, tenure: string, members: number[], previous: number[] | null, origin: Origin): void {
  doc.transact(() => {
    const k = kernelMap(doc);
    if (k.get('tenure') !== tenure) return;
    k.set('members', [...members]);
    if (previous) k.set('membersBefore', [...previous]);
    else if (k.has('membersBefore')) k.delete('membersBefore');
  }, origin);
}

/** Where an executor runs: "Ada's browser", or a runtime agent by its own name ("Ada’s runtime on gpu"). */
function machine(actor: Actor, apostrophe = "'"): string {
  return actor.runtime === true ? actor.name : `${actor.name}${apostrophe}s browser`;
}

/** "in Ada’s browser" or "on Ada’s runtime on gpu": where a run runs, for the UI. */
export function runsOn(actor: Actor): string {
  return actor.runtime === true ? `on ${actor.name}` : `in ${machine(actor, '’')}`;
}

/** The output a queued run gets when an orphan takeover cancels it (see HandoverNote.orphan). */
export function notRunOutput(from: Actor | null): { output_type: 'error'; ename: string; evalue: string; traceback: string[] } {
  const who = from ? machine(from) : 'the browser that was running this notebook';
  return {
    output_type: 'error',
    ename: 'NotRun',
    evalue: `Not run: it was queued while ${who} could not be reached, and may have run there. Run it again if it did not.`,
    traceback: [],
  };
}

/** The error output a cell gets when its run is lost with its executor: what the user sees in place of results. */
export function executorLostOutput(
  from: Actor | null,
  reason?: HandoverReason,
): { output_type: 'error'; ename: string; evalue: string; traceback: string[] } {
  const who = from ? machine(from) : 'The browser running this notebook';
  const what =
    reason === 'silent'
      ? 'stopped answering (closed, crashed or offline)'
      : reason === 'left'
        ? 'left the room'
        : reason === 'kernel-died'
          ? 'lost its Python kernel'
          : 'stopped running code';
  return {
    output_type: 'error',
    ename: 'ExecutorLost',
    evalue: `${who} ${what} while this cell was running. It was not re-run; the Python state was lost.`,
    traceback: [],
  };
}

/**
 * Finishes as `interrupted` every running run not executed by `keep` (a client id), adding an `ExecutorLost`
 * error output to its cell. Queued runs are untouched. Returns the ids of the runs interrupted.
 */
export function interruptOrphanedRuns(doc: Y.Doc, keep: number, origin: Origin, from: Actor | null = null, reason?: HandoverReason): string[] {
  const ids: string[] = [];
  doc.transact(() => {
    for (const run of liveRuns(doc)) {
      if (run.state !== 'running') continue;
      const exec: unknown = run.executor;
      const client = typeof exec === 'object' && exec !== null ? (exec as { client?: unknown }).client : undefined;
      if (client === keep) continue;
      appendOutputs(doc, run.cellId, [executorLostOutput(isActor(exec) ? exec : from, reason)], origin);
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
export function takeOverSession(doc: Y.Doc, sessionId: string, to: Actor, origin: Origin, opts: TakeoverOptions = {}): HandoverNote {
  let note: HandoverNote | null = null;
  doc.transact(() => {
    const before = readKernel(doc)?.executor;
    const from = isActor(before) ? { client: before.client, name: before.name, ...(before.runtime === true ? { runtime: true as const } : {}) } : null;
    const old = readTenure(doc);
    const orphan = opts.orphan === true;
    const interrupted = interruptOrphanedRuns(doc, to.client, origin, from, opts.reason);
    const cancelled: string[] = [];
    if (orphan) {
      for (const run of liveRuns(doc)) {
        if (run.state !== 'queued') continue;
        appendOutputs(doc, run.cellId, [notRunOutput(from)], origin);
        finishRun(doc, run.id, 'cancelled', origin);
        cancelled.push(run.id);
      }
    }
    startSession(doc, sessionId, to, origin);
    const k = kernelMap(doc);
    k.set('tenure', sessionId);
    k.set('lineage', orphan ? [sessionId] : [sessionId, ...old.lineage].slice(0, LINEAGE_MAX));
    const members = opts.members ? [...new Set([...opts.members, to.client])].sort((a, b) => a - b) : [to.client];
    k.set('members', members);
    if (k.has('membersBefore')) k.delete('membersBefore');
    note = {
      sessionId,
      from,
      to: { client: to.client, name: to.name },
      at: Date.now(),
      interrupted,
      reason: opts.reason ?? (from ? 'left' : 'first'),
      ...(orphan ? { orphan, cancelled } : {}),
    };
    k.set('handover', note);
  }, origin);
  return note!;
}

export interface TakeoverOptions {
  /** Why the executor changes (recorded in the note). */
  reason?: HandoverReason;
  /** The new tenure's members (the peers the taker hears that could take over); the taker is always one. */
  members?: number[];
  /** Taken over without a quorum: queued runs are cancelled and the lineage starts afresh (see HandoverNote). */
  orphan?: boolean;
}

/** What the room is told about a handover: who took over from whom, and why. */
export function describeHandover(note: HandoverNote): string {
  const from = note.from ? machine(note.from, '’') : 'the previous kernel';
  const who = note.from?.name ?? 'it';
  const WHY: Record<HandoverReason, string> = {
    silent: ` (${who} stopped answering: browser closed, crashed or offline)`,
    'kernel-died': ' (its Python kernel died)',
    'stepped-down': ` (${who} stopped running code for the room)`,
    left: ` (${who} left)`,
    first: '',
  };
  const why = note.reason ? WHY[note.reason] : '';
  const lost = note.interrupted.length ? ` ${note.interrupted.length} running cell${note.interrupted.length > 1 ? 's were' : ' was'} interrupted.` : '';
  const cancelled = note.cancelled?.length
    ? ` ${note.cancelled.length} queued cell${note.cancelled.length > 1 ? 's were' : ' was'} not run (they may have run there).`
    : '';
  return `Python moved from ${from} to ${note.to.runtime === true ? note.to.name : `${note.to.name}’s`}${why}: it is a new kernel, variables from before are gone.${lost}${cancelled}`;
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
    ...(o.reason === 'left' || o.reason === 'silent' || o.reason === 'stepped-down' || o.reason === 'kernel-died' || o.reason === 'first' ? { reason: o.reason } : {}),
    ...(o.orphan === true ? { orphan: true } : {}),
    ...(Array.isArray(o.cancelled) ? { cancelled: o.cancelled.filter((x): x is string => typeof x === 'string') } : {}),
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
