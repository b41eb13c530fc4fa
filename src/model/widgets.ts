/**
 * Jupyter widget models in the notebook document, so that every peer sees the same widget with the same value and
 * a late joiner or a reload sees current state. `widgets` (Y.Map keyed by model id, the comm id as in ipywidgets)
 * holds for each model the cell that opened it, the kernel session it belongs to, and its state: a Y.Map of one
 * entry per state key, so two peers dragging at once converge key by key. `widgetEvents` is a queue of stateless
 * events (a Button's click: ipywidgets' `custom` message) that any peer adds and the executor takes.
 *
 * Values come from Python and from peers: readers check shapes and never trust them as code.
 */
import * as Y from 'yjs';
import type { Origin } from './origin';
import type { Output } from './schema';

export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';
export const WIDGET_STATE_MIME = 'application/vnd.jupyter.widget-state+json';
/** ipywidgets' comm target (packages/schema/messages.md, protocol version 2). */
export const WIDGET_TARGET = 'jupyter.widget';
/** Model modules whose widgets this app renders with its own code; any other module is not run. */
export const BUILTIN_WIDGET_MODULES = ['@jupyter-widgets/controls', '@jupyter-widgets/base', '@jupyter-widgets/output'];

export type WidgetState = Record<string, unknown>;

export interface WidgetRecord {
  id: string;
  /** The cell whose run opened the comm: outputs of its handlers (observers, callbacks) go there. */
  cell: string;
  /** The kernel session that holds the Python side; '' for a model read from a file. */
  session: string;
  state: WidgetState;
  /** Python closed the comm (`widget.close()`). */
  closed: boolean;
}

/** A stateless message for the model's Python side (its `custom` handler), queued by any peer. */
export interface WidgetEvent {
  id: string;
  model: string;
  content: Record<string, unknown>;
}

export function widgetsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('widgets');
}

export function widgetEvents(doc: Y.Doc): Y.Array<WidgetEvent> {
  return doc.getArray('widgetEvents');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function stateMap(doc: Y.Doc, id: string): Y.Map<unknown> | null {
  const state = widgetsMap(doc).get(id)?.get('state');
  return state instanceof Y.Map ? state : null;
}

/** Writes the keys of `patch` that differ (an echo of the same value writes nothing, so updates never loop). */
function patchState(state: Y.Map<unknown>, patch: WidgetState): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || same(state.get(key), value)) continue;
    state.set(key, value);
  }
}

/** A model opened by Python (comm_open), or opened again with new state. */
export function openWidget(doc: Y.Doc, model: { id: string; cell: string; session: string; state: WidgetState }, origin: Origin): void {
  doc.transact(() => {
    const rec = new Y.Map<unknown>();
    const state = new Y.Map<unknown>();
    rec.set('cell', model.cell);
    rec.set('session', model.session);
    rec.set('state', state);
    widgetsMap(doc).set(model.id, rec);
    patchState(state, model.state);
  }, origin);
}

/** Changes some state keys of a model (Python's `update`, or a view's change at any peer). */
export function updateWidget(doc: Y.Doc, id: string, patch: WidgetState, origin: Origin): void {
  const state = stateMap(doc, id);
  if (!state) return;
  doc.transact(() => patchState(state, patch), origin);
}

export function closeWidget(doc: Y.Doc, id: string, origin: Origin): void {
  const rec = widgetsMap(doc).get(id);
  if (rec) doc.transact(() => rec.set('closed', true), origin);
}

export function readWidget(doc: Y.Doc, id: string): WidgetRecord | null {
  const rec = widgetsMap(doc).get(id);
  if (!(rec instanceof Y.Map)) return null;
  const state = rec.get('state');
  const cell = rec.get('cell');
  const session = rec.get('session');
  return {
    id,
    cell: typeof cell === 'string' ? cell : '',
    session: typeof session === 'string' ? session : '',
    state: state instanceof Y.Map ? (state.toJSON() as WidgetState) : {},
    closed: rec.get('closed') === true,
  };
}

/** Queues a stateless event (e.g. `{event: 'click'}`) for the executor to hand to the model's Python side. */
export function sendWidgetEvent(doc: Y.Doc, event: WidgetEvent, origin: Origin): void {
  doc.transact(() => widgetEvents(doc).push([{ id: event.id, model: event.model, content: { ...event.content } }]), origin);
}

/** The executor takes every queued event, in order (they leave the document: each is delivered once). */
export function takeWidgetEvents(doc: Y.Doc, origin: Origin): WidgetEvent[] {
  const queue = widgetEvents(doc);
  if (!queue.length) return [];
  const events = queue.toArray().filter((e) => isObject(e) && typeof e.model === 'string' && isObject(e.content));
  doc.transact(() => queue.delete(0, queue.length), origin);
  return events;
}

/** Appends an output to an Output widget's `outputs` (its captured prints and displays); a stream continues one. */
export function appendWidgetOutput(doc: Y.Doc, id: string, output: Output, origin: Origin): void {
  const state = stateMap(doc, id);
  if (!state) return;
  const outputs = Array.isArray(state.get('outputs')) ? [...(state.get('outputs') as Output[])] : [];
  const last = outputs[outputs.length - 1];
  if (output.output_type === 'stream' && last?.output_type === 'stream' && last.name === output.name) {
    outputs[outputs.length - 1] = { ...last, text: last.text + output.text };
  } else {
    outputs.push(output);
  }
  doc.transact(() => state.set('outputs', outputs), origin);
}

/**
 * ipywidgets' state with binary buffers put back at their `buffer_paths` (as `{encoding: 'base64', data}`, how the
 * widget-state file format writes buffers), so the document holds plain JSON.
 */
export function withBuffers(state: WidgetState, paths: unknown, buffers: string[]): WidgetState {
  if (!Array.isArray(paths) || !buffers.length) return state;
  const out = structuredClone(state);
  paths.forEach((path, i) => {
    if (!Array.isArray(path) || !path.length || buffers[i] === undefined) return;
    let at: unknown = out;
    for (const key of path.slice(0, -1)) at = isObject(at) || Array.isArray(at) ? (at as Record<string, unknown>)[String(key)] : undefined;
    if (isObject(at) || Array.isArray(at)) (at as Record<string, unknown>)[String(path[path.length - 1])] = { encoding: 'base64', data: buffers[i] };
  });
  return out;
}

/**
 * Every open model as Jupyter's saved widget state (`metadata.widgets["application/vnd.jupyter.widget-state+json"]`),
 * or null while no kernel has made any (models read from a file only are the file's, kept as it wrote them).
 */
export function widgetStateDocument(doc: Y.Doc): { version_major: 2; version_minor: 0; state: Record<string, unknown> } | null {
  if (![...widgetsMap(doc).keys()].some((id) => readWidget(doc, id)?.session)) return null;
  const state: Record<string, unknown> = {};
  for (const id of [...widgetsMap(doc).keys()].sort()) {
    const rec = readWidget(doc, id);
    if (!rec || rec.closed) continue;
    const s = rec.state;
    state[id] = {
      model_module: s._model_module,
      model_module_version: s._model_module_version,
      model_name: s._model_name,
      state: s,
    };
  }
  return Object.keys(state).length ? { version_major: 2, version_minor: 0, state } : null;
}

/** Models from a saved widget state (an imported .ipynb): shown as saved, with no kernel side. */
export function importWidgetState(doc: Y.Doc, saved: unknown, origin: Origin): void {
  if (!isObject(saved) || !isObject(saved.state)) return;
  doc.transact(() => {
    for (const [id, model] of Object.entries(saved.state as Record<string, unknown>)) {
      if (!isObject(model) || !isObject(model.state)) continue;
      openWidget(doc, { id, cell: '', session: '', state: model.state }, origin);
    }
  }, origin);
}
