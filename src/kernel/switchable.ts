/**
 * The tab's kernel as the rest of the app holds it: one {@link Kernel} object whose implementation can change (the
 * Pyodide kernel in this browser, or a kernel on a Jupyter server) when the user picks another in the kernel picker.
 * Sessions, the executor and the badge keep their reference; a switch is a status change with a new session id, so
 * the document records a fresh interpreter, as after a restart.
 */
import type { CommMessage, CompletionResult, InspectRequest, InspectResult, RunResult, VariablesResult } from './protocol';
import type { Kernel, KernelFiles, KernelSql, KernelStatusInfo, RunHandlers } from './types';
import type { JupyterWhere } from './jupyter/kernel';

/** Where a kernel runs: in this browser, or on a Jupyter server (kernel name and host; never the token). */
export type KernelWhere = { kind: 'browser' } | JupyterWhere;

export class SwitchableKernel implements Kernel {
  private readonly listeners = new Set<(s: KernelStatusInfo) => void>();
  private off: () => void;
  private current: Kernel;
  private currentWhere: KernelWhere;

  constructor(initial: Kernel, where: KernelWhere = { kind: 'browser' }) {
    this.current = initial;
    this.currentWhere = where;
    this.off = initial.onStatus((s) => this.emit(s));
  }

  /** Where the current kernel runs. */
  where(): KernelWhere {
    return this.currentWhere;
  }

  /** The kernel now behind this one. */
  inner(): Kernel {
    return this.current;
  }

  /**
   * Makes `next` the kernel; the old one is disposed when asked (the tab's Pyodide kernel is kept for a switch back).
   */
  use(next: Kernel, where: KernelWhere, opts: { disposeOld: boolean }): void {
    if (next === this.current) return;
    const old = this.current;
    this.off();
    this.current = next;
    this.currentWhere = where;
    this.off = next.onStatus((s) => this.emit(s));
    if (opts.disposeOld) old.dispose();
    this.emit(next.getStatus());
  }

  private emit(s: KernelStatusInfo): void {
    for (const cb of [...this.listeners]) cb(s);
  }

  getStatus(): KernelStatusInfo {
    return this.current.getStatus();
  }

  onStatus(cb: (status: KernelStatusInfo) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  run(code: string, handlers: RunHandlers): Promise<RunResult> {
    return this.current.run(code, handlers);
  }

  /** False when the current kernel carries no comms. */
  comm(message: CommMessage, handlers: RunHandlers): Promise<boolean> {
    return this.current.comm?.(message, handlers) ?? Promise.resolve(false);
  }

  interrupt(): Promise<void> {
    return this.current.interrupt();
  }

  restart(): Promise<void> {
    return this.current.restart();
  }

  complete(code: string, cursor: number): Promise<CompletionResult> {
    return this.current.complete(code, cursor);
  }

  inspect(code: string, cursor: number): Promise<string | null> {
    return this.current.inspect(code, cursor);
  }

  variables(limit: number): Promise<VariablesResult | null> {
    return this.current.variables?.(limit) ?? Promise.resolve(null);
  }

  inspectVariable(name: string, request: InspectRequest): Promise<InspectResult | null> {
    return this.current.inspectVariable?.(name, request) ?? Promise.resolve(null);
  }

  get files(): KernelFiles | undefined {
    return this.current.files;
  }

  get sql(): KernelSql | undefined {
    return this.current.sql;
  }

  dispose(): void {
    this.off();
    this.current.dispose();
    this.listeners.clear();
  }
}
