/**
 * Python's widget comm messages into the document (the executor's half of ipywidgets' protocol, see
 * ipywidgets' packages/schema/messages.md): comm_open of the `jupyter.widget` target opens a model with its state,
 * `update` / `echo_update` change state keys, comm_close closes it. An Output widget whose `msg_id` is set is
 * capturing: until it is cleared, the run's outputs go into its `outputs` state instead of the cell.
 */
import type * as Y from 'yjs';
import {
  appendWidgetOutput,
  closeWidget,
  openWidget,
  readKernel,
  readWidget,
  updateWidget,
  withBuffers,
  EXECUTOR,
  WIDGET_TARGET,
  type Output,
  type WidgetState,
} from '../model';
import type { KernelEvent } from './protocol';

type CommEvent = Extract<KernelEvent, { type: 'comm' }>;

function isState(v: unknown): v is WidgetState {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Applies one comm event of a run in `cellId`; returns the Output widget capturing that run's outputs after it
 * (`capture` before it), or null.
 */
export function applyComm(doc: Y.Doc, cellId: string, e: CommEvent, capture: string | null): string | null {
  if (e.msgType === 'comm_open') {
    if (e.targetName !== WIDGET_TARGET || !isState(e.data.state)) return capture;
    const state = withBuffers(e.data.state, e.data.buffer_paths, e.buffers ?? []);
    openWidget(doc, { id: e.commId, cell: cellId, session: readKernel(doc)?.sessionId ?? '', state }, EXECUTOR);
    return capture;
  }
  if (e.msgType === 'comm_close') {
    closeWidget(doc, e.commId, EXECUTOR);
    return capture === e.commId ? null : capture;
  }
  const method = e.data.method;
  if ((method !== 'update' && method !== 'echo_update') || !isState(e.data.state)) return capture;
  updateWidget(doc, e.commId, withBuffers(e.data.state, e.data.buffer_paths, e.buffers ?? []), EXECUTOR);
  const msgId = e.data.state.msg_id;
  if (typeof msgId !== 'string' || readWidget(doc, e.commId)?.state._model_name !== 'OutputModel') return capture;
  if (msgId) return e.commId;
  return capture === e.commId ? null : capture;
}

/** An output event of a run captured by an Output widget: into its `outputs` state. */
export function captureOutput(doc: Y.Doc, model: string, e: KernelEvent): boolean {
  let out: Output | null = null;
  switch (e.type) {
    case 'stream':
      out = { output_type: 'stream', name: e.name, text: e.text };
      break;
    case 'display':
      out = { output_type: 'display_data', data: e.data, metadata: e.metadata };
      break;
    case 'execute_result':
      out = { output_type: 'execute_result', data: e.data, metadata: e.metadata, execution_count: e.executionCount };
      break;
    case 'error':
      out = { output_type: 'error', ename: e.ename, evalue: e.evalue, traceback: e.traceback };
      break;
    case 'clear_output':
      updateWidget(doc, model, { outputs: [] }, EXECUTOR);
      return true;
    default:
      return false;
  }
  appendWidgetOutput(doc, model, out, EXECUTOR);
  return true;
}
