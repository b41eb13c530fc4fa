/**
 * The notebook document, schema version 1 (see shared/ARCHITECTURE.md).
 *
 * A notebook is one Y.Doc with four top-level maps: `meta`, `cells`, `runs` and `kernel`.
 * Everything in here is durable and shared; nothing private to one device ever goes in.
 */
import type * as Y from 'yjs';

export const SCHEMA_VERSION = 1;

export const CELL_TYPES = ['code', 'markdown', 'raw', 'ai', 'sql'] as const;
export type CellType = (typeof CELL_TYPES)[number];

export function isCellType(value: unknown): value is CellType {
  return typeof value === 'string' && (CELL_TYPES as readonly string[]).includes(value);
}

/** nbformat v4 MIME bundle: text types are strings (never split into line arrays in the document). */
export type MimeBundle = Record<string, unknown>;

export interface StreamOutput {
  output_type: 'stream';
  /** The kernel writes stdout and stderr; a file may hold others (old notebooks have `stdin`), kept as written. */
  name: string;
  text: string;
}
export interface DisplayDataOutput {
  output_type: 'display_data';
  data: MimeBundle;
  metadata: Record<string, unknown>;
  /** Not part of nbformat on disk: lets `update_display` find the output it replaces. */
  transient?: { display_id?: string };
}
export interface ExecuteResultOutput {
  output_type: 'execute_result';
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
export interface ErrorOutput {
  output_type: 'error';
  ename: string;
  evalue: string;
  traceback: string[];
}
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

export type RunState = 'queued' | 'running' | 'done' | 'error' | 'cancelled' | 'interrupted';

/** Who did something, as shown to users ("queued by Ada"). */
export interface Actor {
  /** Y.Doc clientID of the peer that acted. */
  client: number;
  name: string;
  /** A runtime agent (src/runtime), not a browser: its name already says whose machine it is ("Ada’s runtime on gpu"). */
  runtime?: true;
}

/** A request to run one cell. Lives in `runs` while queued or running. */
export interface RunRecord {
  id: string;
  cellId: string;
  /** The source as it was when the run was asked for: what executes, even if the cell is edited meanwhile. */
  source: string;
  requestedBy: Actor;
  requestedAt: number;
  state: RunState;
  executor?: Actor;
  startedAt?: number;
  endedAt?: number;
  /** Set by the executor while Python waits in input(); cleared when answered. */
  /** `key`: for a password, the executor's one-time public key that answers are sealed with (kernel/secret-input.ts). */
  inputRequest?: { prompt: string; password: boolean; key?: string };
  /** Written by whoever answers an input() prompt; the executor hands it to the kernel. */
  inputReply?: string;
  /** The executor tenure it was queued under (model/handover.ts `Tenure`). */
  tenure?: string;
}

/** What the cell remembers of its latest finished run. */
export interface LastRun {
  runId: string;
  state: RunState;
  requestedBy: Actor;
  executor?: Actor;
  startedAt?: number;
  endedAt?: number;
}

export type KernelStatus = 'starting' | 'idle' | 'busy' | 'dead';

/** The kernel session: whose browser runs the code, and how it is doing. */
export interface KernelSession {
  sessionId: string;
  executor: Actor;
  since: number;
  status: KernelStatus;
  reason?: string;
  executionCount: number;
  /** Where the code runs when not in the executor's browser: a Jupyter server's kernel (never its token). */
  where?: KernelPlace;
}

/**
 * A kernel on a Jupyter server, as peers see it: the kernelspec's name and the server's host; once it answered,
 * its language (`language_info.name`) and CodeMirror mode (`language_info.codemirror_mode`), which every peer's
 * editors follow.
 */
export interface KernelPlace {
  kind: 'jupyter';
  kernel: string;
  host: string;
  language?: string;
  mode?: string;
}

export interface NotebookMeta {
  id: string;
  title: string;
  created: number;
  schemaVersion: number;
  language: string;
}

/** Typed accessors for the shapes stored in the Y.Doc. */
export type CellMap = Y.Map<unknown>;
