/**
 * Writes one run's kernel events into the document. Stream chunks are coalesced in memory and flushed at most
 * every {@link STREAM_FLUSH_MS} (a print loop becomes a few document updates, not thousands); every other event
 * first flushes pending text so the document keeps Python's order. `clear_output(wait=True)` clears just before
 * the next output lands, so an animation never flashes empty.
 */
import type * as Y from 'yjs';
import { appendOutputs, cellOrder, clearOutputs, insertCell, setSource, updateDisplay, EXECUTOR, type Output, type StreamOutput } from '../model';
import type { KernelEvent } from './protocol';

export const STREAM_FLUSH_MS = 40;

export class OutputWriter {
  private pending: StreamOutput[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private clearBeforeNext = false;

  constructor(
    private readonly doc: Y.Doc,
    private readonly cellId: string,
    private readonly flushMs = STREAM_FLUSH_MS,
  ) {}

  /** Handles kernel events in order. */
  write(events: KernelEvent[]): void {
    for (const e of events) this.one(e);
  }

  private one(e: KernelEvent): void {
    switch (e.type) {
      case 'stream': {
        const last = this.pending[this.pending.length - 1];
        if (last && last.name === e.name) last.text += e.text;
        else this.pending.push({ output_type: 'stream', name: e.name, text: e.text });
        this.timer ??= setTimeout(() => this.flush(), this.flushMs);
        return;
      }
      case 'clear_output':
        if (e.wait) {
          this.flush();
          this.clearBeforeNext = true;
        } else {
          this.pending = [];
          this.clearBeforeNext = false;
          this.flush();
          clearOutputs(this.doc, this.cellId, EXECUTOR);
        }
        return;
      case 'update_display':
        this.flush();
        updateDisplay(this.doc, e.displayId, e.data, e.metadata, EXECUTOR);
        return;
      case 'display':
        this.append({
          output_type: 'display_data',
          data: e.data,
          metadata: e.metadata,
          ...(e.displayId ? { transient: { display_id: e.displayId } } : {}),
        });
        return;
      case 'execute_result':
        this.append({ output_type: 'execute_result', execution_count: e.executionCount, data: e.data, metadata: e.metadata });
        return;
      case 'error':
        this.append({ output_type: 'error', ename: e.ename, evalue: e.evalue, traceback: e.traceback });
        return;
      case 'stopping':
        return; // for the client's interrupt, never an output
      case 'set_next_input':
        // As JupyterLab does: the text lands in the notebook, where it can be edited and run.
        this.flush();
        if (e.replace) setSource(this.doc, this.cellId, e.text, EXECUTOR);
        else insertCell(this.doc, cellOrder(this.doc).indexOf(this.cellId) + 1, { type: 'code', source: e.text }, EXECUTOR);
        return;
    }
  }

  /** Appends a non-stream output after any pending text. */
  append(out: Output): void {
    this.flush();
    this.commit([out]);
  }

  private commit(outs: Output[]): void {
    if (!outs.length) return;
    if (this.clearBeforeNext) {
      this.clearBeforeNext = false;
      clearOutputs(this.doc, this.cellId, EXECUTOR);
    }
    appendOutputs(this.doc, this.cellId, outs, EXECUTOR);
  }

  /** Writes pending stream text now. */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const outs = this.pending;
    this.pending = [];
    this.commit(outs);
  }
}
