/**
 * A kernel on a Jupyter server (Jupyter Server, Kernel Gateway, Enterprise Gateway: they share the REST + WebSocket
 * kernel protocol), behind the same {@link Kernel} interface as the Pyodide kernel: the executor drives it through
 * the run queue, and its iopub messages become the same KernelEvents (./messages.ts) for the one output writer.
 *
 * Status follows this client's runs (busy while a run of ours is in progress), not the kernel's iopub status, which
 * also flickers for completion requests. A dropped WebSocket is reconnected (status `starting`: queued runs wait);
 * a kernel the server lost, or one that died as it started, is `dead` with the doctor's reason.
 */
import { kernelLanguage, newId, type KernelPlace } from '../../model';
import type { CommMessage, CompletionResult, InspectRequest, InspectResult, RunResult, VariablesResult } from '../protocol';
import { readInspectResult } from '../inspect';
import { KernelLostError, type Kernel, type KernelSql, type KernelStatusInfo, type RunHandlers } from '../types';
import { SerialKernel } from '../serial-kernel';
import { diagnose, diagnosisText, type ConnectFailure } from './doctor';
import {
  completeReply,
  executeReply,
  executionState,
  inputRequest,
  inspectReply,
  iopubEvents,
  parseMessage,
  request,
  type Channel,
  type JupyterMessage,
} from './messages';
import {
  channelsUrl,
  deleteKernel,
  getKernel,
  interruptKernel,
  restartKernel,
  serverHost,
  startKernel,
  JupyterConnectError,
  type JupyterServer,
} from './rest';
import { JupyterFolder } from './files';
import { jupyterSql } from './sql';
import { expressionText, inspectExpression, installCode, readVariables, variablesExpression } from './introspect';

export interface JupyterKernelOptions {
  server: JupyterServer;
  kernelName: string;
  /** This app's origin, for the doctor's fix command. */
  appOrigin: string;
  /**
   * The kernel's working folder on the server (relative to its root), kept in step with the notebook's files
   * (./files.ts); without it the kernel starts in the server's root and the notebook's files stay in the browser.
   */
  folder?: string;
  /** The host peers are told the kernel runs on (default: the server URL's; the runtime agent names its machine). */
  host?: string;
}

/** Where the code runs, as the document may say it (no token). */
export type JupyterWhere = KernelPlace;

/** How long a kernel may take to answer its first kernel_info_request. */
const READY_TIMEOUT_MS = 60_000;
/** How often the server is asked whether a starting kernel is still alive. */
const ALIVE_POLL_MS = 1000;
/** Reconnect attempts after the WebSocket dropped, and the wait between them. */
const RECONNECT_TRIES = 30;
const RECONNECT_MS = 2000;
/** After an interrupt, how long the code may take to stop before the kernel is restarted instead. */
const INTERRUPT_GRACE_MS = 10_000;

interface ActiveRun {
  msgId: string;
  /** A comm message sent to the kernel, not code: it has no execute_reply, and ends at its iopub idle. */
  comm?: true;
  handlers: RunHandlers;
  reply: JupyterMessage | null;
  idle: boolean;
  lastError: string | null;
  resolve(r: RunResult): void;
  reject(e: Error): void;
  inputAbort: AbortController | null;
}

export class JupyterKernel extends SerialKernel implements Kernel {
  private ws: WebSocket | null = null;
  private kernelId: string | null = null;
  /** The Jupyter session id in our messages' headers (one per client, kept across reconnects). */
  private readonly clientSession = newId();
  /** Shell and control replies awaited, by the request's msg_id. */
  private readonly replies = new Map<string, (msg: JupyterMessage) => void>();
  private active: ActiveRun | null = null;
  private ready: Promise<boolean>;
  private disposed = false;
  /** The session (interpreter) the introspection helpers were installed in. */
  private helpersIn: string | null = null;
  private readonly startedAt = performance.now();
  /** The kernel's folder on the server, when it has one. */
  readonly files: JupyterFolder | undefined;
  /** Where the kernel runs; its language is added once kernel_info answered. */
  where: JupyterWhere;

  constructor(private readonly options: JupyterKernelOptions) {
    super();
    this.where = { kind: 'jupyter', kernel: options.kernelName, host: options.host ?? serverHost(options.server) };
    this.files = options.folder ? new JupyterFolder(options.server, options.folder, () => this.status.sessionId) : undefined;
    this.status = { status: 'starting', isolated: true, sessionId: '', where: this.where };
    this.ready = this.start();
  }

  private setStatus(next: Partial<KernelStatusInfo> & Pick<KernelStatusInfo, 'status'>): void {
    const s: KernelStatusInfo = { isolated: true, sessionId: this.status.sessionId, where: this.where, ...(this.status.boot ? { boot: this.status.boot } : {}), ...next };
    if (!next.reason) delete s.reason;
    this.emit(s);
  }

  private reasonFor(failure: ConnectFailure): string {
    return diagnosisText(diagnose(failure, { appOrigin: this.options.appOrigin, serverUrl: this.options.server.url, token: '' }));
  }

  /** The failure the doctor explains, for the picker (which shows its fix command). */
  failure: ConnectFailure | null = null;

  private fail(failure: ConnectFailure): false {
    this.failure = failure;
    this.abortActive(new KernelLostError(this.reasonFor(failure), false));
    this.closeSocket();
    // A kernel the server still has but this client cannot use is not left running there.
    if (this.kernelId && failure.kind === 'websocket') void deleteKernel(this.options.server, this.kernelId).catch(() => undefined);
    this.setStatus({ status: 'dead', reason: this.reasonFor(failure), sessionId: this.status.sessionId || newId() });
    return false;
  }

  /** Starts a kernel on the server and connects to it; resolves true once it answered kernel_info. */
  private async start(reason?: string): Promise<boolean> {
    const { server, kernelName } = this.options;
    this.setStatus({ status: 'starting', sessionId: newId(), ...(reason ? { reason } : {}) });
    try {
      // A server whose contents API refuses (read-only root, a gateway without one) still runs code, in its root.
      const inFolder = this.files ? await this.files.prepare().then(() => true, () => false) : false;
      const model = await startKernel(server, kernelName, inFolder ? this.files?.root : undefined);
      if (this.disposed) {
        void deleteKernel(server, model.id).catch(() => undefined);
        return false;
      }
      this.kernelId = model.id;
      return await this.connect(true, reason);
    } catch (e) {
      return this.fail(e instanceof JupyterConnectError ? e.failure : { kind: 'network' });
    }
  }

  /** Opens the channels socket and waits for kernel_info; on a fresh kernel, also watches that it stays alive. */
  private async connect(fresh: boolean, reason?: string): Promise<boolean> {
    const id = this.kernelId;
    if (!id) return false;
    const ws = new WebSocket(channelsUrl(this.options.server, id, this.clientSession));
    this.ws = ws;
    ws.onmessage = (e: MessageEvent) => {
      if (this.ws !== ws) return;
      const msg = parseMessage(e.data);
      if (msg) this.onMessage(msg);
    };
    // The server opens the socket only once the kernel answers it, so a kernel dying at start is seen through REST.
    const alive = fresh ? this.watchAlive(id) : new Promise<never>(() => undefined);
    const opened = await Promise.race([
      new Promise<boolean>((resolve) => {
        ws.onopen = () => resolve(true);
        ws.onerror = () => resolve(false);
        ws.onclose = () => resolve(false);
      }),
      alive,
    ]);
    if (this.ws !== ws || this.disposed) return false;
    if (opened === 'died') return this.fail({ kind: 'kernel-died', kernelName: this.options.kernelName });
    if (!opened) {
      // The REST API answered: a refused socket is the server's origin check, or a kernel it no longer has.
      const model = await getKernel(this.options.server, id).catch(() => undefined);
      if (model === null) return this.fail({ kind: 'kernel-died', kernelName: this.options.kernelName });
      return this.fail({ kind: 'websocket' });
    }
    ws.onclose = () => {
      if (this.ws === ws && !this.disposed) void this.reconnect();
    };
    const info = this.send('shell', 'kernel_info_request', {});
    const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), READY_TIMEOUT_MS));
    const outcome = await Promise.race([info, alive, timeout]);
    if (this.ws !== ws || this.disposed) return false;
    if (typeof outcome === 'string') return this.fail({ kind: 'kernel-died', kernelName: this.options.kernelName });
    this.where = { ...this.where, ...languageOf(outcome) };
    const boot = fresh ? { boot: { ms: Math.round(performance.now() - this.startedAt), from: 'scratch' as const } } : {};
    this.setStatus({ status: this.active ? 'busy' : 'idle', ...boot, ...(reason ? { reason } : {}) });
    return true;
  }

  /** Resolves 'died' when the server says the starting kernel is gone or dead (it never resolves otherwise). */
  private watchAlive(id: string): Promise<'died'> {
    return new Promise((resolve) => {
      const poll = async (): Promise<void> => {
        while (this.kernelId === id && this.status.status === 'starting' && !this.disposed) {
          await new Promise((r) => setTimeout(r, ALIVE_POLL_MS));
          const model = await getKernel(this.options.server, id).catch(() => undefined);
          if (model === null || model?.execution_state === 'dead') return resolve('died');
        }
      };
      void poll();
    });
  }

  /** The socket dropped: say so, keep queued runs waiting, and connect again while the server has the kernel. */
  private async reconnect(): Promise<void> {
    this.abortActive(new KernelLostError('The connection to the Jupyter server was lost while the cell ran.', false));
    const host = this.where.host;
    for (let i = 0; i < RECONNECT_TRIES && !this.disposed; i++) {
      this.setStatus({ status: 'starting', reason: `Lost the connection to the Jupyter server at ${host}; reconnecting…` });
      await new Promise((r) => setTimeout(r, RECONNECT_MS));
      if (this.disposed || !this.kernelId) return;
      const model = await getKernel(this.options.server, this.kernelId).catch(() => undefined);
      if (model === null) {
        // The server is back without our kernel (it was restarted): a new kernel, so queued runs can go on.
        this.kernelId = null;
        this.ready = this.start(`The Jupyter server at ${host} no longer had the kernel, so a new one was started: variables are gone.`);
        return;
      }
      if (model && (await this.connect(false))) return;
      if (this.status.status === 'dead') return;
    }
    this.fail({ kind: 'network' });
  }

  private closeSocket(): void {
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onclose = null;
      ws.close();
    }
  }

  /** Sends a request; resolves with its reply (shell and control requests have one). */
  private send(channel: Channel, msgType: string, content: Record<string, unknown>, msgId: string = newId()): Promise<JupyterMessage> {
    if (!this.post(channel, msgType, content, msgId)) return Promise.reject(new KernelLostError('Not connected to the Jupyter server', false));
    return new Promise((resolve) => this.replies.set(msgId, resolve));
  }

  /** Sends a message that has no reply (a comm message); false when not connected. */
  private post(channel: Channel, msgType: string, content: Record<string, unknown>, msgId: string): boolean {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(request(channel, msgType, content, this.clientSession, msgId)));
    return true;
  }

  /**
   * Hands a comm message (a widget view's `update`, a Button's `custom` click) to the kernel's comm, after any run in
   * progress; what its handlers print or display comes to `handlers`, until the kernel is idle again.
   */
  comm(message: CommMessage, handlers: RunHandlers): Promise<boolean> {
    return this.serially(async () => {
      if (!(await this.ready) || this.status.status === 'dead') return false;
      return new Promise<boolean>((resolve) => {
        const msgId = newId();
        const run: ActiveRun = {
          msgId,
          comm: true,
          handlers,
          reply: null,
          idle: false,
          lastError: null,
          resolve: () => resolve(true),
          reject: () => resolve(false),
          inputAbort: null,
        };
        const content = { comm_id: message.commId, data: message.data };
        if (!this.post('shell', message.msgType, content, msgId)) return resolve(false);
        this.active = run;
        this.setStatus({ status: 'busy' });
      });
    });
  }

  private onMessage(msg: JupyterMessage): void {
    const parent = msg.parent_header.msg_id;
    if ((msg.channel === 'shell' || msg.channel === 'control') && parent) {
      const waiter = this.replies.get(parent);
      this.replies.delete(parent);
      waiter?.(msg);
    }
    const run = this.active;
    if (msg.channel === 'iopub') {
      const state = executionState(msg);
      if (msg.header.msg_type === 'status' && msg.content.execution_state === 'restarting') {
        this.onKernelRestarted('The kernel died and the Jupyter server restarted it: variables are gone.');
        return;
      }
      if (msg.header.msg_type === 'status' && msg.content.execution_state === 'dead') {
        this.fail({ kind: 'kernel-died', kernelName: this.options.kernelName });
        return;
      }
      if (!run || parent !== run.msgId) return;
      if (state === 'idle') {
        run.idle = true;
        this.settle(run);
        return;
      }
      const events = iopubEvents(msg);
      for (const e of events) if (e.type === 'error') run.lastError = e.ename;
      if (events.length) run.handlers.onEvents(events);
      return;
    }
    if (!run || parent !== run.msgId) return;
    if (msg.channel === 'shell' && msg.header.msg_type === 'execute_reply') {
      run.reply = msg;
      this.settle(run);
      return;
    }
    const input = msg.channel === 'stdin' ? inputRequest(msg) : null;
    if (input) this.answerInput(run, input.prompt, input.password);
  }

  private answerInput(run: ActiveRun, prompt: string, password: boolean): void {
    const abort = new AbortController();
    run.inputAbort = abort;
    const reply = (value: string | null): void => {
      if (run.inputAbort === abort) run.inputAbort = null;
      if (abort.signal.aborted && value !== null) return;
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN || this.active !== run) return;
      if (value === null) {
        // No answer: Python's input() raises KeyboardInterrupt, as when a Jupyter user interrupts a prompt.
        void interruptKernel(this.options.server, this.kernelId ?? '').catch(() => undefined);
        return;
      }
      const msg = request('stdin', 'input_reply', { value }, this.clientSession, newId());
      msg.parent_header = { msg_id: run.msgId, msg_type: 'execute_request', session: this.clientSession };
      ws.send(JSON.stringify(msg));
    };
    run.handlers.onInput(prompt, password, abort.signal).then(reply, () => reply(null));
  }

  /** A run ends when both its execute_reply and its iopub idle arrived: only then have all its outputs come. */
  private settle(run: ActiveRun): void {
    if (run.comm && run.idle && this.active === run) {
      this.finish(run);
      run.resolve({ status: 'ok', executionCount: 0 });
      return;
    }
    if (!run.reply || !run.idle || this.active !== run) return;
    const { status, executionCount, events } = executeReply(run.reply, run.lastError);
    if (events.length) run.handlers.onEvents(events);
    this.finish(run);
    run.resolve({ status, executionCount });
  }

  private finish(run: ActiveRun): void {
    run.inputAbort?.abort();
    this.active = null;
    if (this.status.status === 'busy') this.setStatus({ status: 'idle' });
  }

  private abortActive(err: KernelLostError): void {
    const run = this.active;
    if (!run) return;
    this.finish(run);
    run.reject(err);
  }

  private onKernelRestarted(reason: string): void {
    this.abortActive(new KernelLostError(reason, false));
    this.setStatus({ status: 'idle', sessionId: newId(), reason });
  }

  /** Whether this kernel is the one `kernelName` on `server` (same URL and token), working in `folder`. */
  matches(server: JupyterServer, kernelName: string, folder?: string): boolean {
    const { options: o } = this;
    return o.server.url === server.url && o.server.token === server.token && o.kernelName === kernelName && o.folder === folder;
  }

  protected async runNow(code: string, handlers: RunHandlers): Promise<RunResult> {
    if (!(await this.ready) || this.status.status === 'dead') throw new KernelLostError(this.status.reason ?? 'The kernel is not running', false);
    return new Promise<RunResult>((resolve, reject) => {
      const msgId = newId();
      const run: ActiveRun = { msgId, handlers, reply: null, idle: false, lastError: null, resolve, reject, inputAbort: null };
      this.active = run;
      this.setStatus({ status: 'busy' });
      this.send('shell', 'execute_request', { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: true, stop_on_error: true }, msgId).catch(
        (e: unknown) => this.abortActive(e instanceof KernelLostError ? e : new KernelLostError(String(e), false)),
      );
    });
  }

  async interrupt(): Promise<void> {
    const run = this.active;
    if (!run || !this.kernelId) return;
    run.inputAbort?.abort();
    await interruptKernel(this.options.server, this.kernelId).catch(() => undefined);
    const stopped = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), INTERRUPT_GRACE_MS);
      void this.queue.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (!stopped && this.active === run) await this.restartWith('The code did not stop when interrupted, so the kernel was restarted (variables are gone).');
  }

  restart(): Promise<void> {
    return this.restartWith();
  }

  private async restartWith(reason?: string): Promise<void> {
    if (!this.kernelId) {
      // Never started (the server was unreachable): try again from the start.
      this.ready = this.start();
      await this.ready;
      return;
    }
    this.abortActive(new KernelLostError(reason ?? 'The kernel was restarted', true));
    this.queue = Promise.resolve();
    this.setStatus({ status: 'starting', sessionId: newId(), ...(reason ? { reason } : {}) });
    try {
      await restartKernel(this.options.server, this.kernelId);
    } catch (e) {
      const failure: ConnectFailure = e instanceof JupyterConnectError ? e.failure : { kind: 'network' };
      if (failure.kind === 'http' && failure.status === 404) {
        // The server no longer has the kernel (it died, or the server restarted): a restart is a new one.
        this.closeSocket();
        this.kernelId = null;
        this.ready = this.start();
        await this.ready;
        return;
      }
      this.fail(failure);
      return;
    }
    this.closeSocket();
    this.ready = this.connect(false);
    await this.ready;
    if (reason && this.status.status === 'idle') this.setStatus({ status: 'idle', reason });
  }

  async complete(code: string, cursor: number): Promise<CompletionResult> {
    if (this.status.status !== 'idle') return { matches: [], from: cursor, to: cursor };
    return completeReply(await this.send('shell', 'complete_request', { code, cursor_pos: cursor }), cursor);
  }

  async inspect(code: string, cursor: number): Promise<string | null> {
    if (this.status.status !== 'idle') return null;
    return inspectReply(await this.send('shell', 'inspect_request', { code, cursor_pos: cursor, detail_level: 0 }));
  }

  /**
   * A helper's answer through a silent execute_request (./introspect.ts); null while a run is going (asked again
   * after it) or when the expression failed. The helpers' source (~25 KB) is sent once per interpreter.
   */
  private async introspect(expression: string, retry = true): Promise<string | null> {
    // The helpers are Python: an R or Julia kernel has no Variables panel rather than a Python error each run.
    if (this.status.status !== 'idle' || kernelLanguage(this.where) !== 'python') return null;
    const session = this.status.sessionId;
    const install = this.helpersIn !== session;
    const reply = await this.send('shell', 'execute_request', {
      code: install ? installCode() : '',
      silent: true,
      store_history: false,
      user_expressions: { anode: expression },
      allow_stdin: false,
      stop_on_error: false,
    });
    const text = expressionText(reply, 'anode');
    if (text !== null) this.helpersIn = session;
    else if (!install && retry) {
      // The interpreter may have lost them (a restart we did not see): install again, once.
      this.helpersIn = null;
      return this.introspect(expression, false);
    }
    return text;
  }

  private readonly pythonSql = jupyterSql((expression) => this.introspect(expression));

  /** SQL cells see the kernel's tables and variables: on a Python kernel (the helpers are Python). */
  get sql(): KernelSql | undefined {
    return kernelLanguage(this.where) === 'python' ? this.pythonSql : undefined;
  }

  async variables(limit: number): Promise<VariablesResult | null> {
    return readVariables(await this.introspect(variablesExpression(limit)));
  }

  async inspectVariable(name: string, request: InspectRequest): Promise<InspectResult | null> {
    const text = await this.introspect(inspectExpression(name, request));
    return text === null ? null : readInspectResult(text);
  }

  dispose(): void {
    void this.shutdown();
  }

  /** Disposes of this kernel and resolves once the server has shut it down (or could not be asked). */
  async shutdown(): Promise<void> {
    this.disposed = true;
    this.abortActive(new KernelLostError('The kernel was shut down', true));
    this.closeSocket();
    this.listeners.clear();
    if (this.kernelId) await deleteKernel(this.options.server, this.kernelId).catch(() => undefined);
  }
}

/** The kernel's language from kernel_info's `language_info`: its name and CodeMirror mode, when it gives them. */
export function languageOf(reply: JupyterMessage): { language?: string; mode?: string } {
  const info = reply.content['language_info'];
  if (typeof info !== 'object' || info === null) return {};
  const { name, codemirror_mode: cm } = info as { name?: unknown; codemirror_mode?: unknown };
  const mode = typeof cm === 'string' ? cm : typeof cm === 'object' && cm !== null ? (cm as { name?: unknown }).name : undefined;
  return {
    ...(typeof name === 'string' && name ? { language: name.slice(0, 40) } : {}),
    ...(typeof mode === 'string' && mode ? { mode: mode.slice(0, 40) } : {}),
  };
}
