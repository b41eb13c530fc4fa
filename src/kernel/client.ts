/**
 * The main-thread side of the Pyodide kernel: owns the worker (one worker is one Python process) in the kernel
 * sandbox (./sandbox.ts), wraps it in a Comlink Remote, and turns its life into a status others can subscribe to.
 * Interrupt and input() replies are written by the sandbox frame into SharedArrayBuffers the worker polls and
 * sleeps on. A host worker in the app's origin fetches Python's files for it and hands it the stored memory
 * snapshot (./host.worker.ts); the page stores the snapshot a boot made.
 */
import * as Comlink from 'comlink';
import workerURL from '../../workers/kernel.worker.ts?worker&url';
import { newId } from '../model';
import type { HostAssignment } from './host.worker';
import {
  isWorkerMessage,
  type CommMessage,
  type CompletionResult,
  type KernelWorkerApi,
  type RunResult,
  type SqlColumnIn,
  type SqlTableInfo,
  type InspectRequest,
  type InspectResult,
  type VariablesResult,
  type WorkerMessage,
} from './protocol';
import { SerialKernel } from './serial-kernel';
import { createKernelSandbox, type KernelSandbox, type SandboxedWorker } from './sandbox';
import { writeSnapshot } from './snapshot';
import { readInspectResult } from './inspect';
import { KernelLostError, type Kernel, type KernelFiles, type KernelSql, type KernelStatusInfo, type RunHandlers } from './types';

export interface KernelOptions {
  /** Where the app serves Pyodide's core, e.g. `new URL('pyodide/', document.baseURI).href`. */
  indexURL: string;
  /** Where packages come from (a user setting; default `__DEFAULT_PACKAGE_BASE__`). */
  packageBaseURL: string;
}

/** After an interrupt, how long the code may take to stop before the kernel is restarted instead. */
const INTERRUPT_GRACE_MS = 5000;
/**
 * Once Python has raised the KeyboardInterrupt (it says so with a `stopping` event), how long the run may take to end:
 * IPython formats the traceback first, which takes seconds on a loaded machine, and that must not cost the user
 * their variables.
 */
const STOPPING_GRACE_MS = 30_000;

let workerSource: Promise<string> | null = null;

/** The built worker's code (the sandbox starts it from a blob); fetched once, again after a failure. */
function loadWorkerSource(): Promise<string> {
  workerSource ??= fetch(workerURL).then((res) => {
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.text();
  });
  workerSource.catch(() => (workerSource = null));
  return workerSource;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface Session {
  id: string;
  worker: SandboxedWorker;
  remote: Comlink.Remote<KernelWorkerApi>;
  booted: Promise<boolean>;
  /** Rejects the run in progress when the session ends under it. */
  abortRun: ((err: KernelLostError) => void) | null;
  /** Withdraws a pending input() prompt. */
  inputAbort: AbortController | null;
  /** The run whose events the worker is posting, and where they go. */
  active: { runId: string; handlers: RunHandlers } | null;
  /** Whether this worker has shared buffers (interrupt and input()); per session, like the buffers themselves. */
  isolated: boolean;
  /** Python never started in this session (its files could not be loaded, e.g. offline before they were cached). */
  bootFailed?: boolean;
  /** Set while an interrupt waits: called when Python says it raised the KeyboardInterrupt (it is stopping). */
  onStopping?: (() => void) | null;
}

/**
 * A performance mark `anode-kernel:<phase>` at wall-clock time `at` (ms): the boot's phases, on the page's
 * timeline, for profiles and tests/bench/kernel.mjs. The latest boot's marks replace the previous one's.
 */
function markBoot(phase: string, at: number): void {
  if (typeof performance === 'undefined' || typeof performance.mark !== 'function') return;
  const name = `anode-kernel:${phase}`;
  performance.clearMarks(name);
  performance.mark(name, { startTime: Math.max(0, at - performance.timeOrigin) });
}

class PyodideKernel extends SerialKernel implements Kernel {
  /** The page's isolation until the sandbox says whether it got it too. */
  private isolated = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
  private readonly sandbox: KernelSandbox;
  /** Answers the kernel's file and snapshot requests (./host.worker.ts); one for every session. */
  private readonly host = new Worker(new URL('./host.worker.ts', import.meta.url), { type: 'module', name: 'anode-kernel-host' });
  private session: Session;

  /** A kernel that could not start because the network was gone tries again when it is back. */
  private readonly onOnline = (): void => {
    if (this.session.bootFailed && this.status.status === 'dead') void this.restartWith('Back online: Python started again.');
  };

  constructor(private readonly options: KernelOptions) {
    super();
    this.status = { status: 'starting', isolated: this.isolated, sessionId: '' };
    this.sandbox = createKernelSandbox(loadWorkerSource);
    this.session = this.spawn();
    globalThis.addEventListener?.('online', this.onOnline);
  }

  private setStatus(next: Partial<KernelStatusInfo> & Pick<KernelStatusInfo, 'status'>, sessionId: string): void {
    if (sessionId !== this.session?.id && this.status.sessionId !== '') return;
    // How this interpreter booted stays known through its later busy/idle changes.
    const boot = this.status.sessionId === sessionId ? this.status.boot : undefined;
    const s: KernelStatusInfo = { isolated: this.isolated, sessionId, ...(boot ? { boot } : {}), ...next };
    if (!next.reason) delete s.reason;
    this.emit(s);
  }

  private spawn(reason?: string): Session {
    markBoot('spawn', performance.timeOrigin + performance.now());
    const id = newId();
    const worker = this.sandbox.spawn();
    const remote = Comlink.wrap<KernelWorkerApi>(worker.rpc);
    const session: Session = { id, worker, remote, booted: Promise.resolve(false), abortRun: null, inputAbort: null, active: null, isolated: false };
    this.session = session;
    worker.rpc.addEventListener('message', (e: MessageEvent) => {
      if (isWorkerMessage(e.data)) this.onWorkerMessage(session, e.data);
    });
    worker.rpc.start();
    const scope = { indexURL: withSlash(this.options.indexURL), packageBaseURL: withSlash(this.options.packageBaseURL) };
    this.host.postMessage({ port: worker.host, scope } satisfies HostAssignment, [worker.host]);
    this.setStatus({ status: 'starting', ...(reason ? { reason } : {}) }, id);
    worker.onError((message) => this.die(session, `The kernel worker failed: ${message}`));
    void worker.isolated.then((isolated) => {
      session.isolated = isolated;
      this.isolated = isolated;
    });
    // Sent at once: the message waits in the port until the sandbox has started the worker.
    session.booted = remote
      .boot({ ...scope, defaultPackageBaseURL: withSlash(__DEFAULT_PACKAGE_BASE__) })
      .then((info) => {
        // Only a boot's own snapshot is kept: it was made before any notebook code ran in that worker.
        if (info.snapshot) void writeSnapshot(__PYODIDE_VERSION__, info.snapshot);
        if (this.session !== session) return false;
        for (const [phase, at] of Object.entries(info.phases)) markBoot(phase, at);
        const notices = [reason, info.notice].filter(Boolean).join(' ');
        const boot = { ms: Math.round(info.timings.ready), from: info.startedFrom };
        this.setStatus({ status: 'idle', boot, ...(notices ? { reason: notices } : {}) }, id);
        return true;
      })
      .catch((e: unknown) => {
        session.bootFailed = true;
        this.die(session, `Python failed to start: ${errorText(e)}`);
        return false;
      });
    return session;
  }

  private die(session: Session, reason: string): void {
    if (this.session !== session || this.status.status === 'dead') return;
    session.abortRun?.(new KernelLostError(reason, false));
    session.inputAbort?.abort();
    session.worker.terminate();
    this.setStatus({ status: 'dead', reason }, session.id);
  }

  private end(session: Session, reason: string): void {
    session.abortRun?.(new KernelLostError(reason, true));
    session.inputAbort?.abort();
    session.remote[Comlink.releaseProxy]();
    session.worker.terminate();
  }

  protected runNow(code: string, handlers: RunHandlers): Promise<RunResult> {
    return this.inSession(handlers, (remote, runId) => remote.run(code, runId));
  }

  comm(message: CommMessage, handlers: RunHandlers): Promise<boolean> {
    return this.serially(() => this.inSession(handlers, (remote, runId) => remote.comm(message, runId)));
  }

  /** Calls Python with the kernel busy meanwhile and the call's events (tagged `runId`) going to `handlers`. */
  private async inSession<T>(handlers: RunHandlers, call: (remote: Comlink.Remote<KernelWorkerApi>, runId: string) => Promise<T>): Promise<T> {
    const session = this.session;
    if (!(await session.booted) || this.session !== session) {
      throw new KernelLostError(this.status.reason ?? 'The kernel is not running', false);
    }
    this.setStatus({ status: 'busy' }, session.id);
    const runId = newId();
    session.active = { runId, handlers };
    try {
      return await new Promise<T>((resolve, reject) => {
        session.abortRun = reject;
        call(session.remote, runId).then(resolve, (e: unknown) => {
          // A Pyodide fatal error leaves the interpreter unusable: say so rather than keep running cells into it.
          const msg = errorText(e);
          if (/fatal error/i.test(msg)) this.die(session, `Python crashed: ${msg}`);
          reject(new KernelLostError(msg, false));
        });
      });
    } finally {
      session.abortRun = null;
      session.active = null;
      session.inputAbort?.abort();
      session.inputAbort = null;
      if (this.session === session && this.status.status === 'busy') this.setStatus({ status: 'idle' }, session.id);
    }
  }

  private onWorkerMessage(session: Session, msg: WorkerMessage): void {
    if (msg.anode === 'fatal') {
      if (this.session !== session) return;
      // As Jupyter does with a kernel that died: the run fails saying why, and a fresh interpreter takes over.
      const reason = `Python crashed (${msg.message}) and was restarted: variables are gone.`;
      session.abortRun?.(new KernelLostError(reason, false));
      session.abortRun = null;
      void this.restartWith(reason);
      return;
    }
    const active = session.active;
    if (this.session !== session || !active || active.runId !== msg.runId) return;
    if (msg.anode === 'events') {
      const events = msg.events.filter((e) => e.type !== 'stopping');
      if (events.length < msg.events.length) session.onStopping?.();
      if (events.length) active.handlers.onEvents(events);
      return;
    }
    const abort = new AbortController();
    session.inputAbort = abort;
    active.handlers.onInput(msg.prompt, msg.password, abort.signal).then(
      (text) => {
        if (session.inputAbort === abort) session.inputAbort = null;
        if (!abort.signal.aborted) session.worker.replyInput(text);
      },
      () => session.worker.replyInput(null),
    );
  }

  async interrupt(): Promise<void> {
    const session = this.session;
    if (this.status.status !== 'busy') return;
    if (!session.isolated) {
      await this.restartWith(
        'This page is not cross-origin isolated, so the kernel could not be interrupted: it was restarted instead (variables are gone).',
      );
      return;
    }
    const written = session.worker.interrupt();
    session.inputAbort?.abort();
    // Code parked in an await (asyncio.sleep, a fetch) runs no bytecode to notice SIGINT: cancel its task. Only
    // once the frame wrote SIGINT: the worker's cancel consumes it, and a SIGINT landing after would hit later code.
    void written.then(() => session.remote.cancel().catch(() => undefined));
    const stopped = await new Promise<boolean>((resolve) => {
      let deadline = setTimeout(() => resolve(false), INTERRUPT_GRACE_MS);
      session.onStopping = () => {
        clearTimeout(deadline);
        deadline = setTimeout(() => resolve(false), STOPPING_GRACE_MS);
      };
      void this.queue.then(() => {
        clearTimeout(deadline);
        resolve(true);
      });
    });
    session.onStopping = null;
    if (!stopped && this.session === session && this.status.status === 'busy') {
      await this.restartWith('The code did not stop when interrupted, so the kernel was restarted (variables are gone).');
    }
  }

  restart(): Promise<void> {
    return this.restartWith();
  }

  private async restartWith(reason?: string): Promise<void> {
    const old = this.session;
    const next = this.spawn(reason);
    this.end(old, reason ?? 'The kernel was restarted');
    // The serialised queue may still wait on the old session's run: start the new session's runs afresh.
    this.queue = Promise.resolve();
    await next.booted;
  }

  async complete(code: string, cursor: number): Promise<CompletionResult> {
    // A busy worker would answer only after the cell ends; an empty answer now is more useful.
    if (this.status.status !== 'idle') return { matches: [], from: cursor, to: cursor };
    return this.session.remote.complete(code, cursor);
  }

  async inspect(code: string, cursor: number): Promise<string | null> {
    if (this.status.status !== 'idle') return null;
    return this.session.remote.inspect(code, cursor);
  }

  async variables(limit: number): Promise<VariablesResult | null> {
    // Asked between runs; a busy worker would answer only after the next cell.
    if (this.status.status !== 'idle') return null;
    return this.session.remote.variables(limit);
  }

  async inspectVariable(name: string, request: InspectRequest): Promise<InspectResult | null> {
    if (this.status.status !== 'idle') return null;
    return readInspectResult(await this.session.remote.inspectVariable(name, request));
  }

  readonly files: KernelFiles = {
    write: async (sessionId, files, removed, folders) => {
      const session = this.session;
      if (session.id !== sessionId || !(await session.booted) || this.session !== session) return false;
      await session.remote.writeFiles(
        Comlink.transfer(files, files.map((f) => f.bytes.buffer as ArrayBuffer)),
        removed,
        folders,
      );
      return true;
    },
    changes: async (sessionId, maxBytes) => {
      const session = this.session;
      if (session.id !== sessionId || !(await session.booted) || this.session !== session) return null;
      return session.remote.fileChanges(maxBytes);
    },
  };

  /** The session's worker once Python is ready; rejects (with the kernel's reason) when it never will be. */
  private async ready(): Promise<Comlink.Remote<KernelWorkerApi>> {
    const session = this.session;
    if (!(await session.booted) || this.session !== session) {
      throw new KernelLostError(this.status.reason ?? 'The kernel is not running', false);
    }
    return session.remote;
  }

  readonly sql: KernelSql = {
    tables: async () => JSON.parse(await (await this.ready()).sqlTables()) as SqlTableInfo[],
    exportTable: async (name) => JSON.parse(await (await this.ready()).sqlExport(name)) as { rows: number; columns: SqlColumnIn[] },
    values: async (names) => JSON.parse(await (await this.ready()).sqlValues(names)) as Record<string, unknown>,
    importResult: async (name, columns, arrays, truncated) =>
      (await this.ready()).sqlImport(
        name,
        JSON.stringify({ columns, truncated }),
        Comlink.transfer(arrays, arrays.map((a) => a.buffer as ArrayBuffer)),
      ),
  };

  dispose(): void {
    globalThis.removeEventListener?.('online', this.onOnline);
    this.end(this.session, 'The kernel was shut down');
    this.sandbox.dispose();
    this.host.terminate();
    this.listeners.clear();
  }
}

/**
 * Starts a Pyodide kernel in the sandbox right away (call it at page open, in parallel with the UI).
 */
export function createKernel(options: KernelOptions): Kernel {
  return new PyodideKernel(options);
}
