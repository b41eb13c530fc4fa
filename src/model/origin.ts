/**
 * Transaction origins: every change to a notebook carries one, so undo can be scoped to the user's own edits,
 * attribution is possible, and tests can tell who changed what.
 */
export type OriginKind = 'local' | 'executor' | 'ai' | 'import' | 'system' | 'history';

export interface Origin {
  readonly kind: OriginKind;
}

/** The user at this device, typing or clicking. Y.UndoManager tracks this origin only. */
export const LOCAL: Origin = Object.freeze({ kind: 'local' });
/** The executor loop writing run states and outputs. */
export const EXECUTOR: Origin = Object.freeze({ kind: 'executor' });
/** An AI tool call acting on the user's behalf. */
export const AI: Origin = Object.freeze({ kind: 'ai' });
/** Creating a notebook from a file or a template. */
export const IMPORT: Origin = Object.freeze({ kind: 'import' });
/** Housekeeping: metadata, title, bookkeeping nobody should undo. */
export const SYSTEM: Origin = Object.freeze({ kind: 'system' });
/**
 * Restoring a version from the notebook's history: a change like any other (it syncs to peers), kept apart from
 * LOCAL so that "Undo restore" undoes exactly the restore and nothing the user typed meanwhile.
 */
export const HISTORY: Origin = Object.freeze({ kind: 'history' });
