/**
 * The document half of ipywidgets (no browser, no Python): Python's comm messages into widget models, a view's
 * change at any peer back to Python as `update`, a click as `custom`, concurrent drags converging, capture by an
 * Output widget, and the saved widget state in .ipynb export and import. Message shapes follow the Jupyter widget
 * messaging protocol version 2 (ipywidgets' packages/schema/messages.md). The Python side with real comm is in
 * tests/e2e/widgets.spec.ts.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  EXECUTOR,
  LOCAL,
  cellOrder,
  createNotebookDoc,
  readWidget,
  sendWidgetEvent,
  snapshotCell,
  startSession,
  updateWidget,
  widgetsMap,
} from '../../src/model';
import { exportIpynb, importNotebook } from '../../src/model/ipynb';
import { mustParse } from '../fixtures/notebooks/helpers';
import { OutputWriter } from '../../src/kernel/outputWriter';
import { startWidgetBridge } from '../../src/kernel/widget-bridge';
import type { CommMessage, KernelEvent } from '../../src/kernel/protocol';
import type { Kernel, KernelStatusInfo, RunHandlers } from '../../src/kernel/types';

const SLIDER_STATE = {
  _model_module: '@jupyter-widgets/controls',
  _model_module_version: '2.0.0',
  _model_name: 'IntSliderModel',
  _view_module: '@jupyter-widgets/controls',
  _view_name: 'IntSliderView',
  value: 3,
  min: 0,
  max: 10,
  description: 'level',
};

function open(id: string, state: Record<string, unknown>): KernelEvent {
  return { type: 'comm', msgType: 'comm_open', targetName: 'jupyter.widget', commId: id, data: { state, buffer_paths: [] }, metadata: { version: '2.1.0' } };
}

function update(id: string, state: Record<string, unknown>, method = 'update'): KernelEvent {
  return { type: 'comm', msgType: 'comm_msg', commId: id, data: { method, state, buffer_paths: [] } };
}

function notebook(): { doc: Y.Doc; cell: string } {
  const doc = createNotebookDoc({ cells: [{ type: 'code', source: 'slider' }] });
  startSession(doc, 's1', { client: 1, name: 'Ada' }, EXECUTOR);
  return { doc, cell: cellOrder(doc)[0]! };
}

function kernelWrites(doc: Y.Doc, cell: string, events: KernelEvent[]): void {
  const writer = new OutputWriter(doc, cell, 0);
  writer.write(events);
  writer.flush();
}

/** A kernel whose comm answers like ipywidgets' Python side: records what it got, plays back `answer`. */
class CommKernel implements Pick<Kernel, 'getStatus' | 'comm'> {
  got: CommMessage[] = [];
  constructor(private readonly answer: (m: CommMessage) => KernelEvent[]) {}
  getStatus(): KernelStatusInfo {
    return { status: 'idle', isolated: true, sessionId: 's1' };
  }
  async comm(message: CommMessage, handlers: RunHandlers): Promise<boolean> {
    this.got.push(message);
    handlers.onEvents(this.answer(message));
    return true;
  }
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 10));
}

describe('widget models in the document', () => {
  it('comm_open on jupyter.widget opens a model in the running cell and session; update changes it; other targets are ignored', () => {
    const { doc, cell } = notebook();
    kernelWrites(doc, cell, [
      open('m1', SLIDER_STATE),
      { type: 'comm', msgType: 'comm_open', targetName: 'other.target', commId: 'x', data: { state: {} } },
      update('m1', { value: 5 }),
    ]);
    expect(readWidget(doc, 'm1')).toMatchObject({ cell, session: 's1', closed: false, state: { ...SLIDER_STATE, value: 5 } });
    expect(readWidget(doc, 'x')).toBeNull();
    kernelWrites(doc, cell, [{ type: 'comm', msgType: 'comm_close', commId: 'm1', data: {} }]);
    expect(readWidget(doc, 'm1')?.closed).toBe(true);
  });

  it('a view change at a peer reaches Python as update; Python’s echo writes nothing and its own change comes back', async () => {
    const { doc, cell } = notebook();
    kernelWrites(doc, cell, [open('m1', SLIDER_STATE), open('m2', { ...SLIDER_STATE, _model_name: 'LabelModel', value: '' })]);
    const kernel = new CommKernel((m) => {
      const state = (m.data as { state?: Record<string, unknown> }).state ?? {};
      return [update('m1', state, 'echo_update'), update('m2', { value: `got ${String(state.value)}` }), { type: 'stream', name: 'stdout', text: 'observer ran\n' }];
    });
    const stop = startWidgetBridge(doc, kernel as unknown as Kernel, { isExecutor: () => true, flushMs: 0 });
    let writes = 0;
    doc.on('afterTransaction', (tr: Y.Transaction) => tr.origin === EXECUTOR && tr.changed.size && writes++);
    updateWidget(doc, 'm1', { value: 8 }, LOCAL);
    await settle();
    expect(kernel.got).toEqual([{ msgType: 'comm_msg', commId: 'm1', data: { method: 'update', state: { value: 8 }, buffer_paths: [] } }]);
    expect(readWidget(doc, 'm2')?.state.value).toBe('got 8');
    // The observer's print lands in the cell that made the widget.
    expect(snapshotCell(doc, cell)?.outputs).toContainEqual({ output_type: 'stream', name: 'stdout', text: 'observer ran\n' });
    // The label's update and the output: the echo of the value changed nothing.
    expect(writes).toBe(2);
    stop();
  });

  it('a click queued by any peer is taken once by the executor and sent as custom', async () => {
    const { doc, cell } = notebook();
    kernelWrites(doc, cell, [open('b1', { ...SLIDER_STATE, _model_name: 'ButtonModel' })]);
    const kernel = new CommKernel(() => [{ type: 'stream', name: 'stdout', text: 'clicked\n' }]);
    sendWidgetEvent(doc, { id: 'e1', model: 'b1', content: { event: 'click' } }, LOCAL);
    const stop = startWidgetBridge(doc, kernel as unknown as Kernel, { isExecutor: () => true, flushMs: 0 });
    sendWidgetEvent(doc, { id: 'e2', model: 'b1', content: { event: 'click' } }, LOCAL);
    await settle();
    expect(kernel.got.map((m) => m.data)).toEqual([
      { method: 'custom', content: { event: 'click' } },
      { method: 'custom', content: { event: 'click' } },
    ]);
    expect(doc.getArray('widgetEvents').length).toBe(0);
    stop();
  });

  it('a model of an earlier interpreter (the kernel restarted) is not sent to Python', async () => {
    const { doc, cell } = notebook();
    kernelWrites(doc, cell, [open('m1', SLIDER_STATE)]);
    widgetsMap(doc).get('m1')!.set('session', 'old');
    const kernel = new CommKernel(() => []);
    const stop = startWidgetBridge(doc, kernel as unknown as Kernel, { isExecutor: () => true });
    updateWidget(doc, 'm1', { value: 1 }, LOCAL);
    await settle();
    expect(kernel.got).toEqual([]);
    stop();
  });

  it('two peers dragging the same slider at once converge on one value', () => {
    const { doc: a, cell } = notebook();
    kernelWrites(a, cell, [open('m1', SLIDER_STATE)]);
    const b = new Y.Doc();
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    for (let i = 0; i < 20; i++) {
      updateWidget(a, 'm1', { value: i }, LOCAL);
      updateWidget(b, 'm1', { value: 100 - i, min: -i }, LOCAL);
    }
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(readWidget(a, 'm1')!.state).toEqual(readWidget(b, 'm1')!.state);
    expect(readWidget(a, 'm1')!.state.min).toBe(-19);
  });

  it('an Output widget with msg_id set captures the run’s outputs (clear_output clears them) until msg_id is cleared', () => {
    const { doc, cell } = notebook();
    const OUT = { _model_module: '@jupyter-widgets/output', _model_name: 'OutputModel', msg_id: '', outputs: [] };
    kernelWrites(doc, cell, [
      open('o1', OUT),
      update('o1', { msg_id: 'run-1' }),
      { type: 'stream', name: 'stdout', text: 'old\n' },
      { type: 'clear_output', wait: true },
      { type: 'stream', name: 'stdout', text: 'in ' },
      { type: 'stream', name: 'stdout', text: 'widget\n' },
      update('o1', { msg_id: '' }),
      { type: 'stream', name: 'stdout', text: 'in cell\n' },
    ]);
    expect(readWidget(doc, 'o1')!.state.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'in widget\n' }]);
    expect(snapshotCell(doc, cell)?.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'in cell\n' }]);
  });

  it('.ipynb export writes the saved widget state; import brings the models back as saved (no kernel side)', () => {
    const { doc, cell } = notebook();
    kernelWrites(doc, cell, [
      open('m1', SLIDER_STATE),
      update('m1', { value: 6 }),
      { type: 'display', data: { 'text/plain': 'IntSlider(value=6)', 'application/vnd.jupyter.widget-view+json': { version_major: 2, version_minor: 0, model_id: 'm1' } }, metadata: {} },
    ]);
    const text = exportIpynb(doc);
    const nb = JSON.parse(text) as { metadata: { widgets: Record<string, { version_major: number; state: Record<string, { model_name: string; state: { value: number } }> }> } };
    const saved = nb.metadata.widgets['application/vnd.jupyter.widget-state+json']!;
    expect(saved.version_major).toBe(2);
    expect(saved.state.m1).toMatchObject({ model_name: 'IntSliderModel', state: { value: 6 } });
    const back = importNotebook(mustParse(text));
    expect(readWidget(back, 'm1')).toMatchObject({ session: '', state: { value: 6, _model_name: 'IntSliderModel' } });
    // Exported again: the same file (the widget state is not kept twice).
    expect(exportIpynb(back)).toBe(text);
  });
});
