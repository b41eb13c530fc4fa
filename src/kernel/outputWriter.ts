/**
 * Writes one run's kernel events into the document. Events are coalesced in memory and written at most every
 * {@link STREAM_FLUSH_MS}, in one transaction: a print loop becomes a few document updates, not thousands, and
 * an `update_display` storm writes each display once per flush. `clear_output(wait=True)` clears just before the
 * next output lands, so an animation never flashes empty (and frames that would be cleared within one flush are
 * never written at all).
 *
 * A cell keeps at most {@link MAX_HEAD} outputs from the start of a run and the latest {@link MAX_TAIL}, with a
 * marker between them counting those hidden (as a stream keeps its first and last lines): a million display()
 * calls neither bloat the document every peer syncs nor freeze the page that renders it.
 */
import type * as Y from 'yjs';
import {
  appendOutputs,
  cellOrder,
  clearOutputs,
  deleteOutputs,
  insertCell,
  outputCount,
  outputAt,
  replaceOutput,
  setSource,
  updateDisplay,
  EXECUTOR,
  type DisplayDataOutput,
  type Output,
} from '../model';
import type { KernelEvent } from './protocol';
import { applyComm, captureOutput } from './widget-comms';

export const STREAM_FLUSH_MS = 40;
/**
 * During a flood (a flush with more than {@link FLOOD_EVENTS} events or {@link FLOOD_CHARS} characters of text, or a
 * cell past its head) the writer flushes
 * this many times slower: each flush costs the page a render and every peer an update, whatever its size.
 */
export const FLOOD_SLOWDOWN = 8;
export const FLOOD_EVENTS = 200;
export const FLOOD_CHARS = 20_000;
/** Outputs kept from the start of a run... */
export const MAX_HEAD = 1000;
/** ...and from its end, once a run has written more than both. */
export const MAX_TAIL = 1000;

/** The marker's metadata key: the UI styles it, and the writer finds it again. */
export const HIDDEN_OUTPUTS_KEY = 'anode_hidden_outputs';

/** The output standing for the outputs hidden between the head and the tail. */
export function hiddenMarker(hidden: number): DisplayDataOutput {
  const n = hidden.toLocaleString('en-US');
  return {
    output_type: 'display_data',
    data: { 'text/plain': `… ${n} output${hidden === 1 ? '' : 's'} hidden: this cell shows the first ${MAX_HEAD.toLocaleString('en-US')} and the latest ${MAX_TAIL.toLocaleString('en-US')} …` },
    metadata: { [HIDDEN_OUTPUTS_KEY]: hidden },
  };
}

function markerCount(out: Output | undefined): number | null {
  if (out?.output_type !== 'display_data') return null;
  const n = out.metadata?.[HIDDEN_OUTPUTS_KEY];
  return typeof n === 'number' ? n : null;
}

interface Pending {
  output: Output;
}
interface DisplayUpdate {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

export class OutputWriter {
  private pending: Pending[] = [];
  /**
   * update_display calls since the last flush, the latest per display id (order does not matter: each is applied
   * to the outputs already written, and pending outputs with that id are updated in place).
   */
  private updates = new Map<string, DisplayUpdate>();
  /** Pending outputs that carry a display id, by id. */
  private pendingDisplays = new Map<string, Pending[]>();
  /** The cell's outputs are to be cleared before the pending ones are written. */
  private clearFirst = false;
  /** clear_output(wait=True) was called: the next output clears first. */
  private clearBeforeNext = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Events since the last flush, and whether the last flush found a flood. */
  private events = 0;
  private chars = 0;
  private flooding = false;
  /** The Output widget capturing this run's outputs (its `msg_id` is set), or null: see ./widget-comms.ts. */
  private capture: string | null = null;

  constructor(
    private readonly doc: Y.Doc,
    private readonly cellId: string,
    private readonly flushMs = STREAM_FLUSH_MS,
  ) {}

  /** Handles kernel events in order. */
  write(events: KernelEvent[]): void {
    for (const e of events) this.one(e);
    this.events += events.length;
    const wait = this.flooding ? this.flushMs * FLOOD_SLOWDOWN : this.flushMs;
    if (this.pending.length || this.updates.size || this.clearFirst) this.timer ??= setTimeout(() => this.flush(), wait);
  }

  private one(e: KernelEvent): void {
    if (e.type === 'comm') {
      this.capture = applyComm(this.doc, this.cellId, e, this.capture);
      return;
    }
    if (this.capture !== null && captureOutput(this.doc, this.capture, e)) return;
    switch (e.type) {
      case 'stream':
        this.chars += e.text.length;
        this.queue({ output_type: 'stream', name: e.name, text: e.text });
        return;
      case 'clear_output':
        if (e.wait) {
          this.clearBeforeNext = true;
        } else {
          this.dropPending();
          this.clearFirst = true;
          this.clearBeforeNext = false;
        }
        return;
      case 'update_display':
        this.updates.set(e.displayId, { data: e.data, metadata: e.metadata });
        // Only display_data outputs are indexed by display id (see queue).
        for (const p of this.pendingDisplays.get(e.displayId) ?? []) p.output = { ...(p.output as DisplayDataOutput), data: e.data, metadata: e.metadata };
        return;
      case 'display':
        this.queue({
          output_type: 'display_data',
          data: e.data,
          metadata: e.metadata,
          ...(e.displayId ? { transient: { display_id: e.displayId } } : {}),
        });
        return;
      case 'execute_result':
        this.queue({ output_type: 'execute_result', execution_count: e.executionCount, data: e.data, metadata: e.metadata });
        return;
      case 'error':
        this.queue({ output_type: 'error', ename: e.ename, evalue: e.evalue, traceback: e.traceback });
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

  private queue(output: Output): void {
    if (this.clearBeforeNext) {
      this.clearBeforeNext = false;
      this.dropPending();
      this.clearFirst = true;
    }
    const last = this.pending[this.pending.length - 1];
    if (output.output_type === 'stream' && last?.output.output_type === 'stream' && last.output.name === output.name) {
      last.output = { ...last.output, text: last.output.text + output.text };
      return;
    }
    const entry = { output };
    this.pending.push(entry);
    const id = output.output_type === 'display_data' ? output.transient?.display_id : undefined;
    if (id) this.pendingDisplays.set(id, [...(this.pendingDisplays.get(id) ?? []), entry]);
  }

  /** Forgets pending outputs (a clear came first). Updates stay: they may target displays in other cells. */
  private dropPending(): void {
    this.pending = [];
    this.pendingDisplays.clear();
  }

  /** Appends an output after everything pending, and writes it all now. */
  append(out: Output): void {
    this.queue(out);
    this.flush();
  }

  /** Writes everything pending now, in one transaction. */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const pending = this.pending;
    const updates = this.updates;
    const clear = this.clearFirst;
    this.flooding = this.events > FLOOD_EVENTS || this.chars > FLOOD_CHARS || outputCount(this.doc, this.cellId) > MAX_HEAD;
    this.events = 0;
    this.chars = 0;
    this.dropPending();
    this.updates = new Map();
    this.clearFirst = false;
    if (!pending.length && !updates.size && !clear) return;
    this.doc.transact(() => {
      if (clear) clearOutputs(this.doc, this.cellId, EXECUTOR);
      updates.forEach((u, id) => updateDisplay(this.doc, id, u.data, u.metadata, EXECUTOR));
      this.commit(pending.map((p) => p.output));
    }, EXECUTOR);
  }

  /** Appends `outs`, keeping the head, the marker and the tail within their limits. */
  private commit(outs: Output[]): void {
    if (!outs.length) return;
    const count = outputCount(this.doc, this.cellId);
    const hidden = count > MAX_HEAD ? markerCount(outputAt(this.doc, this.cellId, MAX_HEAD)) : null;
    if (hidden === null && count + outs.length <= MAX_HEAD + MAX_TAIL) {
      appendOutputs(this.doc, this.cellId, outs, EXECUTOR);
      return;
    }
    let dropped = 0;
    if (hidden === null) {
      // Crossing the limit now: what fits in the head goes there, then the marker.
      const room = Math.max(0, MAX_HEAD - count);
      appendOutputs(this.doc, this.cellId, outs.slice(0, room), EXECUTOR);
      outs = outs.slice(room);
      // A cell already past the head (outputs from before this writer): its extra ones count as hidden.
      const over = Math.max(0, outputCount(this.doc, this.cellId) - MAX_HEAD);
      deleteOutputs(this.doc, this.cellId, MAX_HEAD, over, EXECUTOR);
      dropped += over;
      appendOutputs(this.doc, this.cellId, [hiddenMarker(0)], EXECUTOR);
    }
    // Only the latest MAX_TAIL of this batch can be shown; the rest are hidden without ever being written.
    if (outs.length > MAX_TAIL) {
      dropped += outs.length - MAX_TAIL;
      outs = outs.slice(-MAX_TAIL);
    }
    appendOutputs(this.doc, this.cellId, outs, EXECUTOR);
    const tail = outputCount(this.doc, this.cellId) - MAX_HEAD - 1;
    const excess = Math.max(0, tail - MAX_TAIL);
    deleteOutputs(this.doc, this.cellId, MAX_HEAD + 1, excess, EXECUTOR);
    dropped += excess;
    if (dropped) replaceOutput(this.doc, this.cellId, MAX_HEAD, hiddenMarker((hidden ?? 0) + dropped), EXECUTOR);
  }
}
