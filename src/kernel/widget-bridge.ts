/**
 * The executor's bridge from the document's widget models to its kernel's comms (the other direction, Python to
 * the document, is ./widget-comms.ts, fed by each run's events). A view's change at any peer lands in the
 * document; here the executor sends it to Python as ipywidgets' `update` (observers run there), and what Python
 * sends back comes into the document again. Stateless events queued by any peer (a Button's click) go to Python
 * as `custom` messages. Changes are coalesced per model while one delivery is in flight, so a slider dragged at a
 * peer costs Python one update per delivery, never a backlog; concurrent drags converge in the document (one
 * map entry per key), and the last value the document settles on is the last one Python gets.
 */
import * as Y from 'yjs';
import { readWidget, takeWidgetEvents, widgetEvents, widgetsMap, EXECUTOR, type WidgetState } from '../model';
import { OutputWriter } from './outputWriter';
import type { CommMessage } from './protocol';
import type { Kernel } from './types';

/** One message for a model's Python side. */
interface Outgoing {
  model: string;
  data: Record<string, unknown>;
}

export interface WidgetBridgeOptions {
  /** Whether this peer executes now: only the executor talks to Python. */
  isExecutor: () => boolean;
  flushMs?: number;
}

/**
 * The state keys a transaction changed, per model, when they came from a view (any origin but the executor's own
 * writes of Python's state).
 */
export function viewChanges(events: Array<Y.YEvent<Y.AbstractType<unknown>>>, origin: unknown): Map<string, WidgetState> {
  const out = new Map<string, WidgetState>();
  if (origin === EXECUTOR) return out;
  for (const e of events) {
    const [model, field] = e.path;
    if (typeof model !== 'string' || field !== 'state' || !(e.target instanceof Y.Map)) continue;
    const state = e.target as Y.Map<unknown>;
    for (const [key, change] of e.changes.keys) {
      if (change.action === 'delete') continue;
      out.set(model, { ...out.get(model), [key]: state.get(key) });
    }
  }
  return out;
}

export function startWidgetBridge(doc: Y.Doc, kernel: Kernel, options: WidgetBridgeOptions): () => void {
  const send = kernel.comm?.bind(kernel);
  if (!send) return () => undefined;
  /** State changes not yet delivered, per model (merged while a delivery is in flight). */
  const pending = new Map<string, WidgetState>();
  const customs: Outgoing[] = [];
  let delivering = false;
  let stopped = false;

  /** Only models of this interpreter: one from before a restart (or from a file) has no Python side. */
  const live = (model: string) => {
    const w = readWidget(doc, model);
    return w !== null && !w.closed && w.session !== '' && w.session === kernel.getStatus().sessionId ? w : null;
  };

  const deliver = async (): Promise<void> => {
    if (delivering) return;
    delivering = true;
    try {
      while (!stopped && options.isExecutor()) {
        let next: Outgoing | undefined = customs.shift();
        if (!next) {
          const first = pending.entries().next();
          if (first.done) break;
          const [model, state] = first.value;
          pending.delete(model);
          next = { model, data: { method: 'update', state, buffer_paths: [] } };
        }
        const w = live(next.model);
        if (!w) continue;
        const writer = new OutputWriter(doc, w.cell, options.flushMs);
        const message: CommMessage = { msgType: 'comm_msg', commId: next.model, data: next.data };
        try {
          await send(message, {
            onEvents: (events) => writer.write(events),
            // A widget callback cannot prompt: there is no run to answer it in.
            onInput: async () => null,
          });
        } catch {
          // The kernel went away meanwhile: its widgets' views say so (their session is no longer the kernel's).
        } finally {
          writer.flush();
        }
      }
    } finally {
      delivering = false;
    }
  };

  const models = widgetsMap(doc);
  const onModels = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, tr: Y.Transaction) => {
    if (!options.isExecutor()) return;
    const changes = viewChanges(events, tr.origin);
    if (!changes.size) return;
    for (const [model, state] of changes) pending.set(model, { ...pending.get(model), ...state });
    void deliver();
  };
  const queue = widgetEvents(doc);
  const onQueue = () => {
    if (!options.isExecutor() || !queue.length) return;
    for (const e of takeWidgetEvents(doc, EXECUTOR)) customs.push({ model: e.model, data: { method: 'custom', content: e.content } });
    void deliver();
  };
  models.observeDeep(onModels);
  queue.observe(onQueue);
  onQueue();
  return () => {
    stopped = true;
    models.unobserveDeep(onModels);
    queue.unobserve(onQueue);
  };
}
