/**
 * Runs: a request to run a cell is a record in the document, so any peer can queue work and the elected
 * executor (alone in a tab, that tab) takes requests in order, one at a time. A record leaves `runs` when it
 * ends; the cell keeps a summary in `lastRun`. Records are Y.Maps so that state (executor) and input replies
 * (any peer) are separate field writes that never overwrite each other.
 */
import * as Y from 'yjs';
import { kernelMap, runsMap } from './doc';
import { cellOutputs, cellSource, cellType, getCell } from './cells';
import { newId } from './id';
import type { Origin } from './origin';
import type { Actor, LastRun, RunRecord, RunState } from './schema';

const RUNNABLE = new Set(['code', 'ai', 'sql']);

function isActor(v: unknown): v is Actor {
  return typeof v === 'object' && v !== null && typeof (v as Actor).client === 'number' && typeof (v as Actor).name === 'string';
}

/** A validated plain copy of a run record, or null when a peer wrote something that is not one. */
export function readRun(doc: Y.Doc, runId: string): RunRecord | null {
  const r = runsMap(doc).get(runId);
  if (!(r instanceof Y.Map)) return null;
  const o = r.toJSON() as Partial<RunRecord>;
  if (typeof o.cellId !== 'string' || typeof o.source !== 'string' || typeof o.requestedAt !== 'number') return null;
  if (!isActor(o.requestedBy) || typeof o.state !== 'string') return null;
  return { ...(o as RunRecord), id: runId };
}

/** The executor tenure a run was queued under (undefined: none recorded then, or a peer wrote nonsense). */
export function runTenure(run: RunRecord): string | undefined {
  return typeof run.tenure === 'string' ? run.tenure : undefined;
}

/** The text a run of this cell would execute now: the cell's source (null when the cell is gone). */
export function runSource(doc: Y.Doc, run: RunRecord): string | null {
  const cell = getCell(doc, run.cellId);
  return cell ? (cellSource(cell)?.toString() ?? null) : null;
}

/** Every live run (queued or running), oldest request first. */
export function liveRuns(doc: Y.Doc): RunRecord[] {
  const out: RunRecord[] = [];
  runsMap(doc).forEach((_r, id) => {
    const run = readRun(doc, id);
    if (run && (run.state === 'queued' || run.state === 'running')) out.push(run);
  });
  return out.sort((a, b) => a.requestedAt - b.requestedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The live run of a cell, if it is queued or running. */
export function runOfCell(doc: Y.Doc, cellId: string): RunRecord | null {
  return liveRuns(doc).find((r) => r.cellId === cellId) ?? null;
}

/**
 * Queues a run of a cell with its current source. Returns the run id, or null when the cell cannot run
 * (markdown, raw, missing) or is already queued: running a queued cell again does not queue it twice.
 */
export function requestRun(doc: Y.Doc, cellId: string, by: Actor, origin: Origin): string | null {
  const cell = getCell(doc, cellId);
  const type = cell ? cellType(cell) : null;
  if (!cell || !type || !RUNNABLE.has(type)) return null;
  const existing = liveRuns(doc).find((r) => r.cellId === cellId && r.state === 'queued');
  if (existing) return existing.id;
  const id = newId();
  doc.transact(() => {
    const rec = new Y.Map<unknown>();
    rec.set('cellId', cellId);
    rec.set('source', cellSource(cell)?.toString() ?? '');
    rec.set('requestedBy', { ...by });
    // Strictly increasing per document so runs queued in one burst ("Run all") keep their order.
    const last = liveRuns(doc).reduce((m, r) => Math.max(m, r.requestedAt), 0);
    rec.set('requestedAt', Math.max(Date.now(), last + 1));
    rec.set('state', 'queued');
    // The executor tenure it was queued under: only that tenure's lineage may claim it (model/handover.ts).
    const tenure = kernelMap(doc).get('tenure');
    if (typeof tenure === 'string') rec.set('tenure', tenure);
    runsMap(doc).set(id, rec);
  }, origin);
  return id;
}

/**
 * Marks a queued run as running on `executor`, clearing the cell's old outputs and setting the record's source to
 * the cell's text as the document holds it now (what the executor must run: {@link runSource}). Returns false when
 * the run is no longer queued (cancelled, or claimed by someone else): a run is executed at most once.
 */
export function claimRun(doc: Y.Doc, runId: string, executor: Actor, origin: Origin): boolean {
  let claimed = false;
  doc.transact(() => {
    const rec = runsMap(doc).get(runId);
    if (!(rec instanceof Y.Map) || rec.get('state') !== 'queued') return;
    rec.set('state', 'running');
    rec.set('executor', { ...executor });
    rec.set('startedAt', Date.now());
    const cell = getCell(doc, String(rec.get('cellId')));
    // What runs is what the cell shows now, never the record's own copy: any peer can write a record whose source
    // differs from its cell (hidden code), and a cell edited while queued runs as edited.
    const shown = cell ? cellSource(cell)?.toString() : undefined;
    if (shown !== undefined && shown !== rec.get('source')) rec.set('source', shown);
    const outs = cell ? cellOutputs(cell) : null;
    if (outs && outs.length) outs.delete(0, outs.length);
    claimed = true;
  }, origin);
  return claimed;
}

/**
 * Puts back in the queue a run this executor claimed but never started (it lost the role while waiting to start
 * it, see src/sync/failover.ts), so whoever executes next takes it. Does nothing if the run is no longer running
 * on `executor` (finished, interrupted by a takeover, or claimed by someone else).
 */
export function unclaimRun(doc: Y.Doc, runId: string, executor: Actor, origin: Origin): void {
  doc.transact(() => {
    const rec = runsMap(doc).get(runId);
    const by = rec instanceof Y.Map ? (rec.get('executor') as { client?: unknown } | undefined) : undefined;
    if (!(rec instanceof Y.Map) || rec.get('state') !== 'running' || by?.client !== executor.client) return;
    rec.set('state', 'queued');
    rec.delete('executor');
    rec.delete('startedAt');
  }, origin);
}

/** Ends a run: the cell keeps a summary (state, who, when) and the record leaves the queue. */
export function finishRun(
  doc: Y.Doc,
  runId: string,
  state: Exclude<RunState, 'queued' | 'running'>,
  origin: Origin,
  executionCount?: number | null,
): void {
  doc.transact(() => {
    const run = readRun(doc, runId);
    if (!run) return;
    const cell = getCell(doc, run.cellId);
    if (cell) {
      const last: LastRun = {
        runId,
        state,
        requestedBy: run.requestedBy,
        ...(run.executor ? { executor: run.executor } : {}),
        ...(run.startedAt ? { startedAt: run.startedAt } : {}),
        endedAt: Date.now(),
      };
      cell.set('lastRun', last);
      if (executionCount !== undefined) cell.set('executionCount', executionCount);
    }
    runsMap(doc).delete(runId);
  }, origin);
}

/** Cancels queued runs (all, or one cell's). Running runs are stopped by interrupting the kernel instead. */
export function cancelQueued(doc: Y.Doc, origin: Origin, cellId?: string): number {
  let n = 0;
  doc.transact(() => {
    for (const run of liveRuns(doc)) {
      if (run.state !== 'queued' || (cellId && run.cellId !== cellId)) continue;
      finishRun(doc, run.id, 'cancelled', origin);
      n++;
    }
  }, origin);
  return n;
}

export function readLastRun(cell: Y.Map<unknown>): LastRun | null {
  const l = cell.get('lastRun');
  if (typeof l !== 'object' || l === null) return null;
  const o = l as LastRun;
  return typeof o.state === 'string' && isActor(o.requestedBy) ? o : null;
}

/** The executor asks the user for input on behalf of Python's input(). */
export function setInputRequest(
  doc: Y.Doc,
  runId: string,
  request: { prompt: string; password: boolean; key?: string } | null,
  origin: Origin,
): void {
  doc.transact(() => {
    const rec = runsMap(doc).get(runId);
    if (!(rec instanceof Y.Map)) return;
    if (request) {
      rec.delete('inputReply');
      rec.set('inputRequest', request);
    } else rec.delete('inputRequest');
  }, origin);
}

/** Any peer answers a pending input() prompt (not a password one: see kernel/secret-input.ts). */
export function replyInput(doc: Y.Doc, runId: string, text: string, origin: Origin): void {
  doc.transact(() => {
    const rec = runsMap(doc).get(runId);
    if (!(rec instanceof Y.Map)) return;
    const request = rec.get('inputRequest') as { password?: unknown } | undefined;
    // A password never goes into the document: it is sealed for the executor (kernel/secret-input.ts).
    if (request && request.password !== true) rec.set('inputReply', text);
  }, origin);
}
