/**
 * What every kernel implementation shares: a status that listeners follow, and runs serialised one at a time (the
 * interpreter executes one cell at a time anyway; this keeps `busy` honest and the order of runs the caller's).
 */
import type { RunResult } from './protocol';
import type { KernelStatusInfo, RunHandlers } from './types';

export abstract class SerialKernel {
  protected readonly listeners = new Set<(s: KernelStatusInfo) => void>();
  protected status!: KernelStatusInfo;
  /** The last run's end: the next run starts after it. A restart replaces it so new runs need not wait. */
  protected queue: Promise<unknown> = Promise.resolve();

  protected emit(s: KernelStatusInfo): void {
    this.status = s;
    for (const cb of [...this.listeners]) cb(s);
  }

  getStatus(): KernelStatusInfo {
    return this.status;
  }

  onStatus(cb: (status: KernelStatusInfo) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  run(code: string, handlers: RunHandlers): Promise<RunResult> {
    return this.serially(() => this.runNow(code, handlers));
  }

  /** Runs `task` after everything queued before it (runs, comm messages) has ended. */
  protected serially<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  protected abstract runNow(code: string, handlers: RunHandlers): Promise<RunResult>;
}
