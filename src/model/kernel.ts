/**
 * The kernel session as the document records it: whose browser runs the code, since when, how it is doing.
 * A new session id means a new Python process: every peer can tell that earlier variables are gone.
 */
import type * as Y from 'yjs';
import { kernelMap } from './doc';
import type { Origin } from './origin';
import type { Actor, KernelPlace, KernelSession, KernelStatus } from './schema';

export function readKernel(doc: Y.Doc): KernelSession | null {
  const k = kernelMap(doc).toJSON() as Partial<KernelSession>;
  if (typeof k.sessionId !== 'string' || typeof k.status !== 'string' || !k.executor) return null;
  return {
    sessionId: k.sessionId,
    executor: k.executor,
    since: typeof k.since === 'number' ? k.since : 0,
    status: k.status,
    executionCount: typeof k.executionCount === 'number' ? k.executionCount : 0,
    ...(typeof k.reason === 'string' ? { reason: k.reason } : {}),
    ...(isPlace(k.where) ? { where: k.where } : {}),
  };
}

function isPlace(w: unknown): w is KernelPlace {
  const p = w as Partial<KernelPlace> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    p.kind === 'jupyter' &&
    typeof p.kernel === 'string' &&
    typeof p.host === 'string' &&
    (p.language === undefined || typeof p.language === 'string') &&
    (p.mode === undefined || typeof p.mode === 'string')
  );
}

function samePlace(a: KernelPlace | undefined, b: KernelPlace | undefined): boolean {
  return a?.kernel === b?.kernel && a?.host === b?.host && a?.language === b?.language && a?.mode === b?.mode;
}

const PYTHON_NAMES = new Set(['python', 'ipython', 'python3', 'python2', 'ipython3']);

/**
 * The language code cells are in: the kernel's CodeMirror mode or language name, lower-cased; 'python' for the
 * browser kernel and for a Jupyter kernel that has not said yet.
 */
export function kernelLanguage(place: { language?: string; mode?: string } | undefined): string {
  const name = (place?.mode || place?.language || 'python').trim().toLowerCase();
  return PYTHON_NAMES.has(name) ? 'python' : name;
}

/** Starts a new session (a fresh interpreter) on `executor`. */
export function startSession(doc: Y.Doc, sessionId: string, executor: Actor, origin: Origin, where?: KernelPlace): void {
  doc.transact(() => {
    const k = kernelMap(doc);
    k.set('sessionId', sessionId);
    k.set('executor', { ...executor });
    k.set('since', Date.now());
    k.set('status', 'starting');
    k.set('executionCount', 0);
    k.delete('reason');
    if (where) k.set('where', { ...where });
    else k.delete('where');
  }, origin);
}

/**
 * Records where the current session runs once more is known of it (a Jupyter kernel's language arrives with its
 * first answer, after the session started). Only a real change is written.
 */
export function setKernelPlace(doc: Y.Doc, sessionId: string, where: KernelPlace | undefined, origin: Origin): void {
  doc.transact(() => {
    const k = kernelMap(doc);
    if (k.get('sessionId') !== sessionId) return;
    const now = isPlace(k.get('where')) ? (k.get('where') as KernelPlace) : undefined;
    if (samePlace(now, where)) return;
    if (where) k.set('where', { ...where });
    else k.delete('where');
  }, origin);
}

export function setKernelStatus(doc: Y.Doc, sessionId: string, status: KernelStatus, origin: Origin, reason?: string): void {
  doc.transact(() => {
    const k = kernelMap(doc);
    if (k.get('sessionId') !== sessionId) return;
    if (k.get('status') !== status) k.set('status', status);
    // Only real changes are written: every write is an update the room acknowledges, and the acknowledgement
    // re-reports this status, so an unconditional write here would loop without ever yielding to the page.
    if (reason) {
      if (k.get('reason') !== reason) k.set('reason', reason);
    } else if (k.has('reason')) k.delete('reason');
  }, origin);
}

export function setKernelCount(doc: Y.Doc, sessionId: string, count: number, origin: Origin): void {
  doc.transact(() => {
    const k = kernelMap(doc);
    if (k.get('sessionId') === sessionId) k.set('executionCount', count);
  }, origin);
}

/** A request, from any peer, that the executor interrupt or restart its kernel. */
export interface KernelControl {
  id: string;
  action: 'interrupt' | 'restart';
  by: Actor;
  at: number;
}

/** Asks whoever executes to interrupt or restart: the executor's tab acts on it (see the notebook session). */
export function requestKernelControl(doc: Y.Doc, control: KernelControl, origin: Origin): void {
  doc.transact(() => kernelMap(doc).set('control', { ...control }), origin);
}

export function readKernelControl(doc: Y.Doc): KernelControl | null {
  const c = kernelMap(doc).get('control') as Partial<KernelControl> | undefined;
  if (!c || typeof c !== 'object' || typeof c.id !== 'string' || typeof c.at !== 'number') return null;
  if ((c.action !== 'interrupt' && c.action !== 'restart') || !c.by || typeof c.by.name !== 'string') return null;
  return c as KernelControl;
}
