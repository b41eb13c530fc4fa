/// <reference lib="webworker" />
/**
 * The kernel worker: Pyodide in a classic Web Worker inside the sandbox frame (src/kernel/sandbox.ts), so in an
 * opaque origin that owns nothing of the app's. It implements {@link KernelWorkerApi} over the rpc port it gets
 * in its first message ({@link WorkerInit}); the Python half lives in workers/python/ and is written into
 * Pyodide's file system at boot. One worker is one Python process: restart means a new worker.
 *
 * It cannot read the app's files itself (opaque origin, and no service worker sees its requests): Pyodide's core
 * and packages come from its host in the app's origin (src/kernel/host.worker.ts, {@link hostMayFetch}), and so
 * does the stored interpreter snapshot; everything else Python fetches goes to the network.
 */
import * as Comlink from 'comlink';
import type { PyodideInterface } from 'pyodide';
import {
  INPUT_CANCELLED,
  INPUT_HEADER_BYTES,
  INPUT_IDLE,
  INPUT_REPLIED,
  INPUT_WAITING,
  type BootInfo,
  type BootOptions,
  type CompletionResult,
  type FileChanges,
  type FileWrite,
  type InspectRequest,
  type CommMessage,
  type KernelEvent,
  type KernelWorkerApi,
  type RunResult,
  type VariablesResult,
  type WorkerInit,
  type WorkerMessage,
} from '../src/kernel/protocol';
import { hostMayFetch, type HostReply, type HostRequest } from '../src/kernel/host-fetch';
import { loadLockFile, type LockPackages } from './lockfile';
import { loadImportedPackages, wheelURL } from './packages';
import { enterFolder, fileChanges, writeFiles } from './files';
import { runPrivately } from './private-python';

/** The Python package sources, bundled as text and written into Pyodide's FS under PY_ROOT. */
const PY_SOURCES = import.meta.glob('./python/**/*.py', { query: '?raw', import: 'default', eager: true }) as Record<
  string,
  string
>;
const PY_ROOT = '/home/pyodide/anode';

/**
 * IPython is imported, and its shell created, before the interpreter's memory snapshot is made: a warm start
 * restores them ready. Its wheels are not unpacked but imported in place (zipimport, as Python's own standard
 * library is): the snapshot does not hold the file system, and putting a few zip files back costs a warm start
 * next to nothing, where unpacking thousands of files took seconds. jedi is left out: it reads its stubs and
 * grammars as plain files, so it cannot run from a zip (IPython's completer works without it).
 * `npm run vendor` (scripts/vendor-packages.mjs, KERNEL_PACKAGES) puts these into every CDN-free deployment.
 */
const SHELL_PACKAGES = ['ipython'];
const WHEELS_DIR = '/home/pyodide/anode-shell';

/** The subset of the Python kernel module the worker calls (PyProxy methods, typed at the boundary). */
interface PyKernel {
  /** Before the snapshot: makes IPython's shell when its packages loaded; JSON {ipython: version|null, error?}. */
  prepare(ipython: boolean, snapshotKey: string): string;
  snapshot_key(): string | undefined;
  setup(
    send: (json: string) => void,
    readInput: (prompt: string, password: boolean) => string | undefined,
    sleep: ((seconds: number) => boolean) | undefined,
  ): string;
  /** Cancels the cell's task if it is parked in an await. */
  cancel_running(): void;
  transform_cell(code: string): string;
  run_cell(code: string, parentId: string): Promise<string>;
  /** A comm message from the page (JSON of {@link CommMessage}); false when no comm took it. */
  deliver_comm(message: string, parentId: string): boolean;
  /** Counts a cell that could not start (its packages failed to load) and returns its execution count. */
  skip_cell(): number;
  complete(code: string, cursor: number): string;
  inspect_at(code: string, cursor: number): string | null | undefined;
}

let pyodide: PyodideInterface | null = null;
let py: PyKernel | null = null;
let options: BootOptions | null = null;
let init: WorkerInit | null = null;
let lock: LockPackages = {};
/** The run in progress: Python's events are tagged with it. */
let currentRun: string | null = null;

function post(message: WorkerMessage): void {
  init?.rpc.postMessage(message);
}

const networkFetch = self.fetch.bind(self);
const pendingHost = new Map<number, (r: HostReply) => void>();
let nextHostId = 1;
/** Core files asked for ahead of Pyodide (started at boot), by URL: each is read once. */
const prefetched = new Map<string, Promise<Response>>();

function askHost(request: (id: number) => HostRequest): Promise<HostReply> {
  const host = init?.host;
  if (!host) return Promise.reject(new TypeError('The kernel has no host'));
  const id = nextHostId++;
  const reply = new Promise<HostReply>((resolve) => pendingHost.set(id, resolve));
  host.postMessage(request(id));
  return reply;
}

function hostFetch(url: string, integrity?: string): Promise<Response> {
  return askHost((id) => ({ fetch: { id, url, ...(integrity ? { integrity } : {}) } })).then((r) => {
    if ('error' in r) throw new TypeError(`Failed to fetch ${url}: ${r.error}`);
    if (!('body' in r)) throw new TypeError(`Failed to fetch ${url}`);
    return new Response(r.body, { status: r.status, statusText: r.statusText, headers: { 'Content-Type': r.contentType } });
  });
}

/** The stored snapshot of a fresh interpreter, or null. */
function hostSnapshot(): Promise<Uint8Array | null> {
  return askHost((id) => ({ snapshot: { id } })).then(async (r) => {
    if (!('snapshot' in r) || !r.snapshot) return null;
    try {
      return new Uint8Array(await r.snapshot.arrayBuffer());
    } catch {
      return null; // Unreadable (evicted meanwhile): a plain boot, which stores a new one.
    }
  });
}

/**
 * Pyodide fetches its wasm, its standard library and packages with the global fetch: the files the app serves
 * the kernel go to its host, the rest (Python's own requests) to the network.
 */
self.fetch = (input: RequestInfo | URL, request?: RequestInit): Promise<Response> => {
  const url = input instanceof Request ? input.url : String(input);
  if (options && (request?.method ?? 'GET').toUpperCase() === 'GET' && hostMayFetch(url, options)) {
    const early = prefetched.get(url);
    if (early) {
      prefetched.delete(url);
      return early;
    }
    return hostFetch(url, request?.integrity);
  }
  return networkFetch(input, request);
};

/**
 * Pyodide refuses classic workers, telling them apart by a working importScripts; this one is classic only
 * because an opaque origin cannot start a module worker from a blob. It loads everything with import() (which
 * classic workers have), so hiding importScripts is all it takes.
 */
Object.defineProperty(self, 'importScripts', { value: undefined, configurable: true });

/** A module from the host, imported from a blob URL (the opaque origin cannot import the app's URLs). */
async function importFromHost<T>(response: Promise<Response>): Promise<T> {
  const res = await response;
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  const url = URL.createObjectURL(new Blob([await res.arrayBuffer()], { type: 'text/javascript' }));
  try {
    return (await import(/* @vite-ignore */ url)) as T;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Python's events leave in batches: the first after a quiet spell at once, the rest of a burst at most every
 * {@link BATCH_MS} (or {@link BATCH_MAX} at a time). A loop of a million display() calls is then a few hundred
 * messages, not a million, and the page stays free to answer the user (Stop among them). A burst's tail waits
 * for the next event, a sleep, input(), a pause in Python (an await) or the run's end.
 */
const BATCH_MS = 16;
const BATCH_MAX = 2000;
let outbox: KernelEvent[] = [];
let lastPost = 0;
let outboxTimer: ReturnType<typeof setTimeout> | null = null;

function emit(events: KernelEvent[]): void {
  if (currentRun === null) return;
  outbox.push(...events);
  // The client lengthens its interrupt grace when Python says it is stopping: that one cannot wait.
  const urgent = events.some((e) => e.type === 'stopping');
  if (urgent || performance.now() - lastPost >= BATCH_MS || outbox.length >= BATCH_MAX) flushOutbox();
  else outboxTimer ??= setTimeout(flushOutbox, BATCH_MS);
}

function flushOutbox(): void {
  if (outboxTimer !== null) clearTimeout(outboxTimer);
  outboxTimer = null;
  const events = outbox;
  outbox = [];
  if (events.length && currentRun !== null) {
    post({ anode: 'events', runId: currentRun, events });
    lastPost = performance.now();
  }
}

function send(json: string): void {
  emit([JSON.parse(json) as KernelEvent]);
}

/**
 * Python's input(): announce the request, then sleep on the shared buffer until the main thread answers.
 * Returns undefined (None in Python; null would arrive as jsnull) when the run is interrupted meanwhile, and
 * Python raises KeyboardInterrupt.
 */
function readInput(prompt: string, password: boolean): string | undefined {
  const buffer = init?.inputBuffer;
  if (!buffer) {
    return '\0error:input() needs a cross-origin isolated page (COOP/COEP headers); this page is not isolated.';
  }
  const header = new Int32Array(buffer, 0, 2);
  const interrupt = init?.interruptBuffer ? new Uint8Array(init.interruptBuffer) : null;
  Atomics.store(header, 0, INPUT_WAITING);
  flushOutbox();
  if (currentRun !== null) post({ anode: 'input', runId: currentRun, prompt, password });
  for (;;) {
    // Wake up now and then to notice an interrupt: the interrupt buffer has no notify of its own.
    Atomics.wait(header, 0, INPUT_WAITING, 100);
    const state = Atomics.load(header, 0);
    if (state === INPUT_REPLIED) {
      const n = Atomics.load(header, 1);
      const text = new TextDecoder().decode(new Uint8Array(buffer, INPUT_HEADER_BYTES, n).slice());
      Atomics.store(header, 0, INPUT_IDLE);
      return text;
    }
    if (state === INPUT_CANCELLED || (interrupt && interrupt[0] === 2)) {
      if (interrupt) interrupt[0] = 0;
      Atomics.store(header, 0, INPUT_IDLE);
      return undefined;
    }
  }
}

/**
 * time.sleep that an interrupt cuts short: waits on the interrupt buffer, which the main thread notifies.
 * Returns true when interrupted (the flag is consumed; Python raises KeyboardInterrupt itself).
 */
function sleep(seconds: number): boolean {
  flushOutbox();
  const buffer = init?.interruptBuffer;
  if (!buffer) return false;
  const flag = new Uint8Array(buffer);
  const word = new Int32Array(buffer, 0, 1);
  const end = performance.now() + seconds * 1000;
  for (;;) {
    if (flag[0] === 2) {
      flag[0] = 0;
      return true;
    }
    const left = end - performance.now();
    if (left <= 0) return false;
    Atomics.wait(word, 0, Atomics.load(word, 0), left);
  }
}

/** The shell packages and their dependencies, as lock keys, in a stable order. */
function shellPackages(packages: LockPackages): string[] {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const key = name in packages ? name : Object.keys(packages).find((k) => packages[k]!.name === name);
    if (!key || seen.has(key)) return;
    seen.add(key);
    for (const dep of packages[key]!.depends) visit(dep);
  };
  SHELL_PACKAGES.forEach(visit);
  return [...seen].sort();
}

/**
 * What a snapshot was made from, beyond Pyodide's build (which Pyodide checks itself): the kernel's Python files
 * and the shell packages' wheels. A snapshot made from others is not restored but replaced.
 */
function snapshotKey(packages: LockPackages): string {
  const wheels = shellPackages(packages).map((k) => `${k}=${packages[k]!.file_name}:${(packages[k] as { sha256?: string }).sha256 ?? ''}`);
  const text = JSON.stringify([Object.entries(PY_SOURCES).sort(), wheels]);
  // FNV-1a, 2 x 32 bits: a cache key, not a security boundary (the snapshot itself is only ever the page's own).
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ text.charCodeAt(i), 0x811c9dc5) >>> 0;
  }
  return `${a.toString(16)}${b.toString(16)}`;
}

/** The shell packages' wheels (file name, bytes), checked against the lock's sha256; any failure rejects. */
async function fetchShellWheels(names: string[], base: string): Promise<Array<[string, Uint8Array]>> {
  return Promise.all(
    names.map(async (name) => {
      const entry = lock[name] as LockPackages[string] & { sha256?: string };
      const url = wheelURL(lock, name, base);
      const hex = entry.sha256 ?? '';
      const integrity = hex ? `sha256-${btoa(String.fromCharCode(...(hex.match(/../g) ?? []).map((h) => parseInt(h, 16))))}` : undefined;
      const res = await fetch(url, integrity ? { integrity } : {});
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      return [url.slice(url.lastIndexOf('/') + 1), new Uint8Array(await res.arrayBuffer())] as [string, Uint8Array];
    }),
  );
}

/** Puts the wheels where the snapshot's interpreter imports them from; their paths, for sys.path. */
function writeShellWheels(p: PyodideInterface, wheels: Array<[string, Uint8Array]>): string[] {
  p.FS.mkdirTree(WHEELS_DIR);
  return wheels.map(([file, bytes]) => {
    p.FS.writeFile(`${WHEELS_DIR}/${file}`, bytes);
    return `${WHEELS_DIR}/${file}`;
  });
}

/** SQL cells' Python half (anode_kernel/sql.py), imported on first use like the Variables panel's. */
interface PySql {
  tables_json(): string;
  export_json(name: string): string;
  values_json(names: string): string;
  import_result(name: string, meta: string, arrays: ArrayBufferView[]): string;
}

/** What sql.py answers instead of raising (Pyodide's exceptions lost their message on the way to the page). */
const SQL_ERROR_MARK = '\x00error:';

/** Calls SQL's Python half; a Python exception becomes an Error whose message is its type and text. */
function sqlCall(call: (m: PySql) => string): string {
  if (!pyodide || !py) throw new Error('The kernel has not booted');
  const answer = call(pyodide.pyimport('anode_kernel.sql') as unknown as PySql);
  if (answer.startsWith(SQL_ERROR_MARK)) throw new Error(answer.slice(SQL_ERROR_MARK.length));
  return answer;
}

function importKernel(p: PyodideInterface): PyKernel {
  writePythonSources(p);
  runPrivately(p, `import sys\nif ${JSON.stringify(PY_ROOT)} not in sys.path: sys.path.insert(0, ${JSON.stringify(PY_ROOT)})`);
  return p.pyimport('anode_kernel') as unknown as PyKernel;
}

function writePythonSources(p: PyodideInterface): void {
  for (const [path, text] of Object.entries(PY_SOURCES)) {
    const rel = path.replace(/^\.\/python\//, '');
    const full = `${PY_ROOT}/${rel}`;
    p.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    p.FS.writeFile(full, text);
  }
}

/**
 * Pyodide leaves loadPyodide pending forever when it cannot fetch its binary: the failure surfaces only as an
 * unhandled rejection, or (depending on timing) only as Emscripten's "wasm instantiation failed!" on the console.
 * During boot, either fails the boot, so that the page can say so; so does a failure of one of `files` (Python's
 * files, asked for ahead of Pyodide: Pyodide swallows their failure the same way).
 */
function failOnLoadError<T>(work: Promise<T>, files: Promise<unknown>): Promise<T> {
  let off = (): void => {};
  const failed = new Promise<never>((_, reject) => {
    const fail = (reason: string): void =>
      reject(new Error(`${reason}. Python's files could not be loaded: check the connection, then restart the kernel.`));
    const onRejection = (e: PromiseRejectionEvent): void => fail(e.reason instanceof Error ? e.reason.message : String(e.reason));
    const { error, warn } = console;
    const watch =
      (log: (...args: unknown[]) => void) =>
      (...args: unknown[]): void => {
        log.apply(console, args);
        if (typeof args[0] === 'string' && args[0].startsWith('wasm instantiation failed')) fail(args[0]);
      };
    console.error = watch(error);
    console.warn = watch(warn);
    self.addEventListener('unhandledrejection', onRejection);
    files.catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
    off = () => {
      self.removeEventListener('unhandledrejection', onRejection);
      console.error = error;
      console.warn = warn;
    };
  });
  return Promise.race([work, failed]).finally(off);
}

// A fatal interpreter error (a stack overflow deep in C code) leaves the run's promise pending forever and
// surfaces only as an unhandled rejection marked by Pyodide: tell the page, which restarts the kernel.
self.addEventListener('unhandledrejection', (e: PromiseRejectionEvent) => {
  const reason = e.reason as { pyodide_fatal_error?: boolean; message?: string } | null;
  if (pyodide && reason?.pyodide_fatal_error) post({ anode: 'fatal', message: reason.message ?? String(reason) });
});

/** Wall-clock time now, in ms: comparable with the page's (see BootInfo.phases). */
const wallClock = (): number => performance.timeOrigin + performance.now();

const api: KernelWorkerApi = {
  async boot(opts: BootOptions): Promise<BootInfo> {
    options = opts;
    const t0 = performance.now();
    const phases: Record<string, number> = { 'worker-start': performance.timeOrigin, boot: wallClock() };
    const mark = <T>(name: string, work: Promise<T>): Promise<T> =>
      work.then((v) => {
        phases[name] ??= wallClock();
        return v;
      });
    const core = (file: string): Promise<Response> =>
      hostFetch(`${opts.indexURL}${file}`).then((res) => {
        if (!res.ok) throw new Error(`${file}: HTTP ${res.status}`);
        return res;
      });
    const snapshot = mark('snapshot-read', hostSnapshot());
    // Everything Python needs to start is asked for at once; Pyodide picks the wasm and stdlib up by URL.
    const early = ['pyodide.asm.wasm', 'python_stdlib.zip'].map((file) => {
      const res = core(file);
      prefetched.set(`${opts.indexURL}${file}`, res);
      return res;
    });
    // Seen to fail before Pyodide asks for them: handled here, reported by failOnLoadError.
    const files = mark('core-files', Promise.all(early));
    files.catch(() => undefined);
    const asm = mark('asm-module', importFromHost<{ default: unknown }>(core('pyodide.asm.mjs')));
    const lockLoad = mark('lock', loadLockFile(opts.indexURL, opts.packageBaseURL, opts.defaultPackageBaseURL));
    const { loadPyodide } = await importFromHost<typeof import('pyodide')>(core('pyodide.mjs'));
    const stored = await snapshot;
    type CreateModule = NonNullable<Parameters<typeof loadPyodide>[0]>['createPyodideModule'];
    const createModule = (await asm).default as NonNullable<CreateModule>;
    const config = {
      indexURL: opts.indexURL,
      // Pyodide would import its wasm glue from indexURL, which this origin cannot: it is already here. A
      // snapshot larger than the fresh module's memory (IPython's shell makes it so) needs room to land in.
      createPyodideModule: (async (...args: Parameters<NonNullable<CreateModule>>) => {
        const module = await createModule(...args);
        phases['module'] = wallClock();
        // Emscripten's own export, absent from Pyodide's types.
        if (stored) (module as unknown as { growMemory(bytes: number): unknown }).growMemory(stored.length);
        return module;
      }) as CreateModule,
      lockFileContents: lockLoad.then((l) => l.contents),
      packageBaseUrl: opts.packageBaseURL,
      // Part of the snapshot (os.environ lives in Python's memory): the same for every boot.
      env: { MPLBACKEND: 'module://anode_kernel.mpl_backend' },
      // Low-level writes (C extensions, os.write) that bypass sys.stdout still reach the cell.
      stdout: (text: string) => emit([{ type: 'stream', name: 'stdout', text: text + '\n' }]),
      stderr: (text: string) => emit([{ type: 'stream', name: 'stderr', text: text + '\n' }]),
    } as Parameters<typeof loadPyodide>[0];
    const lockInfo = await lockLoad;
    lock = lockInfo.packages;
    const key = snapshotKey(lock);
    const shellNames = shellPackages(lock);
    // Fetched while Python starts; a failure leaves the kernel without IPython, and says why.
    const wheels = fetchShellWheels(shellNames, opts.packageBaseURL).then(
      (w) => ({ wheels: w, error: shellNames.includes('ipython') ? null : 'the package index has no ipython' }),
      (e: unknown) => ({ wheels: [] as Array<[string, Uint8Array]>, error: e instanceof Error ? e.message : String(e) }),
    );
    const notices: string[] = lockInfo.notice ? [lockInfo.notice] : [];
    let made: Uint8Array | undefined;
    let mod: PyKernel;
    const fromScratch = async (): Promise<PyodideInterface> => {
      const fresh = await failOnLoadError(loadPyodide({ ...config, _makeSnapshot: true }), files);
      const shell = await wheels;
      const paths = shell.error ? [] : writeShellWheels(fresh, shell.wheels);
      runPrivately(fresh, `import sys\nsys.path.extend(${JSON.stringify(paths)})`);
      mod = importKernel(fresh);
      const prepared = JSON.parse(mod.prepare(!shell.error, key)) as { ipython: string | null; error?: string };
      if (!prepared.ipython) {
        const why = shell.error ?? prepared.error ?? 'unknown error';
        notices.push(`IPython is unavailable (${why}): this kernel runs plain Python, without magics, ? help or In/Out.`);
        return fresh; // No snapshot: the next start tries IPython again.
      }
      try {
        // No user code has run yet: only Pyodide, IPython and the kernel's own Python.
        made = fresh.makeMemorySnapshot();
      } catch (e) {
        console.warn('No interpreter snapshot:', e);
      }
      return fresh;
    };
    let p: PyodideInterface;
    let startedFrom: BootInfo['startedFrom'] = 'scratch';
    if (stored) {
      try {
        const restored = await failOnLoadError(loadPyodide({ ...config, _loadSnapshot: stored }), files);
        phases['pyodide'] = wallClock();
        const kernel = importKernel(restored);
        const shell = await wheels;
        phases['wheels'] = wallClock();
        // Only a snapshot made with IPython is kept, so its wheels must be here again.
        if (kernel.snapshot_key() !== key || shell.error) throw new Error('The snapshot was made from other files');
        writeShellWheels(restored, shell.wheels);
        p = restored;
        mod = kernel;
        startedFrom = 'snapshot';
        // Every restored interpreter would otherwise share the random state seeded when the snapshot was made.
        runPrivately(p, `import sys\nif "random" in sys.modules: sys.modules["random"].seed()`);
      } catch {
        // A snapshot that does not restore, or was made from other files, is replaced by the one this boot makes.
        p = await fromScratch();
      }
    } else {
      p = await fromScratch();
    }
    const python = performance.now() - t0;
    phases['python'] ??= wallClock();
    const interruptBuffer = init?.interruptBuffer;
    const info = JSON.parse(mod!.setup(send, readInput, interruptBuffer ? sleep : undefined)) as { python: string };
    enterFolder(p);
    // Only now: Python code run during boot must never see a stray SIGINT.
    if (interruptBuffer) {
      new Uint8Array(interruptBuffer)[0] = 0;
      p.setInterruptBuffer(new Uint8Array(interruptBuffer));
    }
    pyodide = p;
    py = mod!;
    const result: BootInfo = {
      pythonVersion: info.python,
      pyodideVersion: p.version,
      lockSource: lockInfo.source,
      ...(notices.length ? { notice: notices.join(' ') } : {}),
      startedFrom,
      timings: { python, ready: performance.now() - t0 },
      phases: { ...phases, setup: wallClock() },
      ...(made ? { snapshot: made } : {}),
    };
    return made ? Comlink.transfer(result, [made.buffer]) : result;
  },

  async run(code: string, runId: string): Promise<RunResult> {
    if (!pyodide || !py) throw new Error('The kernel has not booted');
    currentRun = runId;
    try {
      const interrupt = init?.interruptBuffer ? new Uint8Array(init.interruptBuffer) : null;
      // An interrupt that arrived after the previous run ended must not hit this one.
      if (interrupt) interrupt[0] = 0;
      const failure = await loadImportedPackages(pyodide, py.transform_cell(code), lock, options!.packageBaseURL, (e) =>
        emit([e]),
      );
      if (failure) return { status: 'error', executionCount: py.skip_cell() };
      const out = JSON.parse(await py.run_cell(code, runId)) as RunResult;
      return out;
    } finally {
      flushOutbox();
      currentRun = null;
    }
  },

  async comm(message: CommMessage, runId: string): Promise<boolean> {
    if (!py) throw new Error('The kernel has not booted');
    currentRun = runId;
    try {
      return py.deliver_comm(JSON.stringify(message), runId);
    } finally {
      flushOutbox();
      currentRun = null;
    }
  },

  async complete(code: string, cursor: number): Promise<CompletionResult> {
    if (!py) return { matches: [], from: cursor, to: cursor };
    return JSON.parse(py.complete(code, cursor)) as CompletionResult;
  },

  async cancel(): Promise<void> {
    // This message is only handled while Python is parked in an await, so the SIGINT is ours to consume:
    // left set, it would fire inside cancel_running itself.
    if (init?.interruptBuffer) new Uint8Array(init.interruptBuffer)[0] = 0;
    py?.cancel_running();
  },

  async inspect(code: string, cursor: number): Promise<string | null> {
    if (!py) return null;
    return py.inspect_at(code, cursor) ?? null;
  },

  async variables(limit: number): Promise<VariablesResult> {
    if (!pyodide || !py) return { variables: [], total: 0 };
    // Its own module (imported on first use), so the kernel's run path does not change for it.
    const mod = pyodide.pyimport('anode_kernel.variables') as unknown as { list_json(limit: number): string };
    return JSON.parse(mod.list_json(limit)) as VariablesResult;
  },

  async inspectVariable(name: string, request: InspectRequest): Promise<string> {
    if (!pyodide || !py) return JSON.stringify({ error: 'Python is not running.', missing: true });
    const mod = pyodide.pyimport('anode_kernel.explore') as unknown as {
      inspect_json(name: string, path: string, offset: number, limit: number, view: string): string;
    };
    return mod.inspect_json(name, JSON.stringify(request.path), request.offset, request.limit, request.view);
  },

  async sqlTables(): Promise<string> {
    return sqlCall((m) => m.tables_json());
  },

  async sqlExport(name: string): Promise<string> {
    return sqlCall((m) => m.export_json(name));
  },

  async sqlValues(names: string[]): Promise<string> {
    return sqlCall((m) => m.values_json(JSON.stringify(names)));
  },

  async sqlImport(name: string, meta: string, arrays: ArrayBufferView[]): Promise<string> {
    return sqlCall((m) => m.import_result(name, meta, arrays));
  },

  async writeFiles(files: FileWrite[], removed: string[], folders: string[]): Promise<void> {
    if (!pyodide) throw new Error('The kernel has not booted');
    writeFiles(pyodide, files, removed, folders);
  },

  async fileChanges(maxBytes: number): Promise<FileChanges> {
    if (!pyodide) throw new Error('The kernel has not booted');
    const changes = fileChanges(pyodide, maxBytes);
    return Comlink.transfer(
      changes,
      changes.written.map((f) => f.bytes.buffer as ArrayBuffer),
    );
  },
};

/** The sandbox frame's first message hands over the ports and buffers; nothing else is accepted from it. */
function onInit(e: MessageEvent): void {
  const data = e.data as Partial<WorkerInit> | null;
  if (init || data?.anodeInit !== true || !(data.rpc instanceof MessagePort) || !(data.host instanceof MessagePort)) return;
  self.removeEventListener('message', onInit);
  init = data as WorkerInit;
  init.host.onmessage = (m: MessageEvent<HostReply>) => {
    const resolve = pendingHost.get(m.data.id);
    pendingHost.delete(m.data.id);
    resolve?.(m.data);
  };
  Comlink.expose(api, init.rpc);
}
self.addEventListener('message', onInit);
