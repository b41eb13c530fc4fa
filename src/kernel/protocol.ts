/**
 * The kernel protocol: the one set of types spoken across the worker boundary. `workers/kernel.worker.ts`
 * implements {@link KernelWorkerApi}; `src/kernel/client.ts` drives it through a Comlink `Remote`. Nothing here
 * imports the DOM, Comlink or Pyodide, so both sides (and tests) can share it.
 */

/** A nbformat MIME bundle as the kernel produces it: text types are single strings, images base64. */
export type MimeData = Record<string, unknown>;

/** Something the kernel emits while a cell runs, in the order Python produced it. */
export type KernelEvent =
  | { type: 'stream'; name: 'stdout' | 'stderr'; text: string }
  /** `display()`; with `displayId`, later `update` events with that id replace it wherever it is shown. */
  | { type: 'display'; data: MimeData; metadata: Record<string, unknown>; displayId?: string }
  | { type: 'update_display'; data: MimeData; metadata: Record<string, unknown>; displayId: string }
  | { type: 'execute_result'; data: MimeData; metadata: Record<string, unknown>; executionCount: number }
  | { type: 'error'; ename: string; evalue: string; traceback: string[] }
  /** `clear_output(wait)`: with `wait`, the clear happens just before the next output arrives. */
  | { type: 'clear_output'; wait: boolean }
  /** IPython's set_next_input payload (`%load`): the running cell's text replaced, or a new code cell below it. */
  | { type: 'set_next_input'; text: string; replace: boolean }
  /** Python raised KeyboardInterrupt and is reporting it: the run is ending (the client's, not an output). */
  | { type: 'stopping' }
  /** A Jupyter comm message from Python (comm_open carries `targetName`); binary buffers are base64. */
  | ({ type: 'comm'; msgType: 'comm_open' | 'comm_msg' | 'comm_close'; targetName?: string } & CommPayload);

/** The body of a comm message, either way. */
export interface CommPayload {
  commId: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  /** Binary buffers, base64 (ipywidgets places them into the state at `data.buffer_paths`). */
  buffers?: string[];
}

/** A comm message from the page to Python. */
export interface CommMessage extends CommPayload {
  msgType: 'comm_msg' | 'comm_close';
}

/** How a run ended. `interrupted` is a KeyboardInterrupt (the interpreter and its variables survive). */
export type RunStatus = 'ok' | 'error' | 'interrupted';

export interface RunResult {
  status: RunStatus;
  executionCount: number;
}

/** What the worker needs to boot. */
export interface BootOptions {
  /** Where Pyodide's core (pyodide.mjs, wasm, stdlib, lock file) is served, ending with `/`. */
  indexURL: string;
  /** Where packages (wheels) are fetched from, ending with `/`; may hold its own pyodide-lock.json. */
  packageBaseURL: string;
  /** The build's default package base: with it, the bundled lock is used as is. */
  defaultPackageBaseURL: string;
}

/**
 * The first message a kernel worker gets, from the sandbox frame that created it. The buffers are the frame's
 * (a SharedArrayBuffer cannot cross into another origin's agent cluster, so the page asks the frame to write
 * them) and are absent when the frame is not cross-origin isolated.
 */
export interface WorkerInit {
  anodeInit: true;
  /** Comlink's port ({@link KernelWorkerApi}) and the {@link WorkerMessage}s. */
  rpc: MessagePort;
  /**
   * Files the page fetches for the kernel, and the memory snapshot of a fresh interpreter made by an earlier boot,
   * which the page keeps since the sandbox has no storage of its own (src/kernel/host-fetch.ts).
   */
  host: MessagePort;
  /**
   * Pyodide's interrupt buffer (4 bytes): the frame writes 2 (SIGINT) into byte 0 and notifies the Int32 at 0,
   * which also wakes a time.sleep in progress.
   */
  interruptBuffer: SharedArrayBuffer | null;
  /** input() replies: see {@link INPUT_HEADER_BYTES}. */
  inputBuffer: SharedArrayBuffer | null;
}

export interface BootInfo {
  pythonVersion: string;
  pyodideVersion: string;
  /** Lock file actually used: the mirror's when it answered, else the bundled one (with the reason). */
  lockSource: 'mirror' | 'bundled';
  notice?: string;
  /** How Python started: from a stored memory snapshot, or plainly (and then stored one, if it could). */
  startedFrom: 'snapshot' | 'scratch';
  /** Milliseconds in the worker from boot() to loadPyodide done, and to the kernel set up. */
  timings: { python: number; ready: number };
  /**
   * When each phase of the boot ended, as wall-clock milliseconds (timeOrigin + now, comparable across the page
   * and the worker): the page records them as performance marks, for profiles and the kernel bench.
   */
  phases: Record<string, number>;
  /** A snapshot made by this boot (before any notebook code ran), for the page to keep; transferred. */
  snapshot?: Uint8Array;
}

/**
 * Messages the worker posts on its rpc port while a run is in progress. They travel on the same port as
 * Comlink's reply to `run`, so they always arrive before the run's result (messages on one port keep their
 * order; a Comlink callback proxy would use a second port and could lose that race).
 */
export type WorkerMessage =
  | { anode: 'events'; runId: string; events: KernelEvent[] }
  /** Python called input(): the main thread answers through the input buffer ({@link writeInputReply}). */
  | { anode: 'input'; runId: string; prompt: string; password: boolean }
  /** The interpreter hit a fatal error (e.g. the JavaScript stack overflowed): it can no longer be used. */
  | { anode: 'fatal'; message: string };

export function isWorkerMessage(data: unknown): data is WorkerMessage {
  return typeof data === 'object' && data !== null && typeof (data as { anode?: unknown }).anode === 'string';
}

export interface CompletionResult {
  matches: string[];
  /** Code offsets of the text the matches replace. */
  from: number;
  to: number;
}

/** The notebook's working directory in the kernel's file system: Python starts there (os.getcwd()). */
export const FILES_ROOT = '/drive';

/** A file for the kernel's folder, or one Python wrote there. `path` is relative to {@link FILES_ROOT}. */
export interface FileWrite {
  path: string;
  bytes: Uint8Array;
  mtime: number;
}

/** What changed in the kernel's folder since the last look (Python wrote, deleted, made folders). */
export interface FileChanges {
  written: FileWrite[];
  removed: string[];
  /** Empty folders (a folder with files in it is implied by them). */
  folders: string[];
  /** Files over the size the page accepts: named, not read. */
  tooLarge: Array<{ path: string; size: number }>;
}

/** One user variable as the Variables panel shows it (workers/python/anode_kernel/variables.py). */
export interface VariableInfo {
  name: string;
  /** The type's name: `int`, `DataFrame`, `ndarray`. */
  type: string;
  kind: 'data' | 'function' | 'class';
  /** `3 × 4` for arrays and frames, `len 10` for builtin containers and strings; null when neither applies. */
  shape: string | null;
  /** Bytes: nbytes for arrays, pandas' shallow memory use, sys.getsizeof (the object itself) otherwise. */
  size: number | null;
  /** At most 120 characters, made without calling repr() on anything that could be large. */
  preview: string;
}

/** The kernel's user variables: at most the limit asked for, sorted by name; `total` counts them all. */
export interface VariablesResult {
  variables: VariableInfo[];
  total: number;
}

/**
 * The variable explorer's question (workers/python/anode_kernel/explore.py): a slice of one variable. `path` walks
 * into it by position (a dict's n-th item, a list's n-th element); `view: 'tree'` lists children even where the
 * value could be a table (a tree node being expanded).
 */
export interface InspectRequest {
  path: number[];
  offset: number;
  /** Rows or children; the kernel answers at most 500, fewer when the answer would pass its byte budget. */
  limit: number;
  view: 'auto' | 'tree';
}

export type InspectCell = string | number | boolean | null;
export type InspectColumnType = 'number' | 'string' | 'boolean' | 'date';

export interface InspectChild {
  /** The bounded repr of a dict key, a list index, or empty for a set's element. */
  key: string;
  type: string;
  preview: string;
  /** `len 3`, `2 × 4`, or null. */
  size: string | null;
  expandable: boolean;
}

interface InspectBase {
  name: string;
  /** The inspected value's type (at `path`). */
  type: string;
  /** Changes when the variable is rebound or changes length: the explorer says the variable changed. */
  token: string;
  path: number[];
  offset: number;
  /** Rows (table) or children (tree) in all; 0 for a plain value. */
  total: number;
}

/** One slice of a variable: table rows, tree children, or a plain value's bounded text; or why there is none. */
export type InspectResult =
  | (InspectBase & {
      view: 'table';
      columns: Array<{ name: string; type: InspectColumnType }>;
      rows: InspectCell[][];
      /** Columns left out (at most 50 are sent). */
      moreColumns: number;
      /** The first column is a DataFrame's index. */
      index: boolean;
    })
  | (InspectBase & { view: 'tree'; children: InspectChild[] })
  | (InspectBase & { view: 'value'; text: string })
  /** `missing`: the variable is not defined (deleted, or a new kernel). */
  | { view: 'error'; error: string; missing: boolean };

/**
 * SQL cells' exchange with Python (workers/python/anode_kernel/sql.py). Tables and values cross as JSON; a result's
 * numeric columns without NULLs cross as typed arrays (transferred), named by index from the JSON.
 */
export interface SqlTableInfo {
  name: string;
  columns: string[];
}

/** One column of a table Python hands to SQL: `kind` says which Arrow type the page builds. */
export interface SqlColumnIn {
  name: string;
  kind: 'int' | 'float' | 'bool' | 'str' | 'date' | 'timestamp';
  values: unknown[];
}

/** One column of a query's result for Python: its values in the JSON, or `typed`: an index into the arrays. */
export interface SqlColumnOut {
  name: string;
  kind: 'int' | 'float' | 'bool' | 'str' | 'date' | 'timestamp' | 'binary' | 'json';
  values?: unknown[];
  typed?: number;
}

/** The API the worker exposes. All methods are async across the boundary. */
export interface KernelWorkerApi {
  boot(options: BootOptions): Promise<BootInfo>;
  /** Runs a cell; its outputs arrive as {@link WorkerMessage}s tagged with `runId` before this resolves. */
  run(code: string, runId: string): Promise<RunResult>;
  /**
   * Hands a comm message to Python's comm (its on_msg handlers run now); what they print or display arrives as
   * events tagged with `runId`. False when Python has no such comm (closed, or opened by an earlier interpreter).
   */
  comm(message: CommMessage, runId: string): Promise<boolean>;
  complete(code: string, cursor: number): Promise<CompletionResult>;
  inspect(code: string, cursor: number): Promise<string | null>;
  /** The user's variables (at most `limit` described), for the Variables panel. */
  variables(limit: number): Promise<VariablesResult>;
  /** A bounded slice of one user variable, as JSON of {@link InspectResult} (read it with `readInspectResult`). */
  inspectVariable(name: string, request: InspectRequest): Promise<string>;
  /**
   * Cancels a run that is waiting in an await (KeyboardInterrupt for the user). Only reaches the worker when
   * Python is not executing; running code is stopped by the interrupt buffer instead.
   */
  cancel(): Promise<void>;
  /** Writes files into the notebook's folder and deletes paths (files or whole folders) from it. */
  writeFiles(files: FileWrite[], removed: string[], folders: string[]): Promise<void>;
  /** What Python changed in the folder since the last writeFiles or fileChanges (files up to `maxBytes` read). */
  fileChanges(maxBytes: number): Promise<FileChanges>;
  /** The user's variables SQL can query as tables (JSON of {@link SqlTableInfo}[]). */
  sqlTables(): Promise<string>;
  /** One table's columns (JSON: `{ rows, columns: SqlColumnIn[] }`); rejects when `name` is not a table. */
  sqlExport(name: string): Promise<string>;
  /** Values of `{name}` query parameters (JSON object); rejects naming the first missing or non-scalar one. */
  sqlValues(names: string[]): Promise<string>;
  /** Binds a result (JSON `{ columns: SqlColumnOut[], truncated }` plus typed arrays) to `name`; its type name. */
  sqlImport(name: string, meta: string, arrays: ArrayBufferView[]): Promise<string>;
}

/**
 * Layout of the input buffer: Int32 state word, Int32 byte length, then UTF-8 bytes. The worker sets state to
 * WAITING and sleeps on it with Atomics.wait; the sandbox frame writes the reply and sets REPLIED (or CANCELLED).
 */
export const INPUT_HEADER_BYTES = 8;
export const INPUT_BUFFER_BYTES = INPUT_HEADER_BYTES + (1 << 20);
export const INPUT_IDLE = 0;
export const INPUT_WAITING = 1;
export const INPUT_REPLIED = 2;
export const INPUT_CANCELLED = 3;
