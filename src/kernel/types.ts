/**
 * What the rest of the app sees of a kernel. The executor depends only on {@link Kernel}, so tests drive it with
 * a fake that implements the same interface, and the worker-backed client is one implementation among others.
 */
import type { KernelPlace } from '../model';
import type { CommMessage, CompletionResult, FileChanges, FileWrite, InspectRequest, InspectResult, KernelEvent, RunResult, SqlColumnIn, SqlColumnOut, SqlTableInfo, VariablesResult } from './protocol';

export type KernelState = 'starting' | 'idle' | 'busy' | 'dead';

/** A kernel's status as a status indicator shows it. */
export interface KernelStatusInfo {
  status: KernelState;
  /** Why the kernel is dead, or what it did instead of what was asked (e.g. restarted instead of interrupting). */
  reason?: string;
  /** Whether the page is cross-origin isolated: interrupt and input() need it. */
  isolated: boolean;
  /** A new id for every fresh interpreter: a changed id means earlier variables are gone. */
  sessionId: string;
  /** Once booted: how long Python took to be ready, and whether it started from a stored memory snapshot. */
  boot?: { ms: number; from: 'snapshot' | 'scratch' };
  /** Set for a kernel on a Jupyter server: which kernel, on which host (recorded in the document; no token). */
  where?: KernelPlace;
}

/** How a running cell talks back: outputs as they come, and input() requests. */
export interface RunHandlers {
  onEvents(events: KernelEvent[]): void;
  /**
   * Python waits in input(). Resolve with the user's answer, or null to give up; `signal` aborts when the run
   * is interrupted or the kernel goes away, so the prompt can be withdrawn.
   */
  onInput(prompt: string, password: boolean, signal: AbortSignal): Promise<string | null>;
}

/** Thrown by {@link Kernel.run} when the interpreter went away mid-run (restart, crash). */
export class KernelLostError extends Error {
  constructor(
    message: string,
    /** True when the loss was asked for (restart, interrupt fallback) rather than a crash. */
    readonly requested: boolean,
  ) {
    super(message);
    this.name = 'KernelLostError';
  }
}

/** A Python kernel. One run at a time; `run` waits for the boot. */
export interface Kernel {
  getStatus(): KernelStatusInfo;
  /** Calls `cb` on every status change; returns the unsubscribe function. */
  onStatus(cb: (status: KernelStatusInfo) => void): () => void;
  run(code: string, handlers: RunHandlers): Promise<RunResult>;
  /** Stops the running code with KeyboardInterrupt; falls back to restart where the page is not isolated. */
  interrupt(): Promise<void>;
  /** A fresh interpreter (a new session id). Resolves once it is ready (or dead). */
  restart(): Promise<void>;
  complete(code: string, cursor: number): Promise<CompletionResult>;
  /** Signature and documentation of the name at `cursor`, as plain text. */
  inspect(code: string, cursor: number): Promise<string | null>;
  /** The user's variables, or null while the kernel is busy or not booted (optional: a kernel may not tell). */
  variables?(limit: number): Promise<VariablesResult | null>;
  /** A slice of one variable for the explorer; null while the kernel is busy or not booted (optional). */
  inspectVariable?(name: string, request: InspectRequest): Promise<InspectResult | null>;
  /**
   * Hands a Jupyter comm message to the interpreter's comm (ipywidgets' `update`, `custom`…), after any run in
   * progress; its handlers' outputs come as events. Resolves false when the comm is gone (optional: a kernel may
   * not carry comms).
   */
  comm?(message: CommMessage, handlers: RunHandlers): Promise<boolean>;
  /** Stops the worker for good. */
  dispose(): void;
  /** The interpreter's working folder, where it has one (the browser kernel). */
  files?: KernelFiles;
  /** Tables and values for SQL cells, and their results back into Python (a kernel may not offer it). */
  sql?: KernelSql;
}

/**
 * What SQL cells ask of Python (see protocol.ts for the shapes). Each call waits for the interpreter to be ready and
 * is made between runs (the executor runs one cell at a time), never while Python is executing a cell.
 */
export interface KernelSql {
  tables(): Promise<SqlTableInfo[]>;
  exportTable(name: string): Promise<{ rows: number; columns: SqlColumnIn[] }>;
  values(names: string[]): Promise<Record<string, unknown>>;
  importResult(name: string, columns: SqlColumnOut[], arrays: ArrayBufferView[], truncated: boolean): Promise<string>;
}

/**
 * The kernel's folder, addressed per interpreter: a write or a look meant for an interpreter that has since been
 * restarted does nothing (false / null), and the caller starts over with the new one.
 */
export interface KernelFiles {
  write(sessionId: string, files: FileWrite[], removed: string[], folders: string[]): Promise<boolean>;
  changes(sessionId: string, maxBytes: number): Promise<FileChanges | null>;
}
