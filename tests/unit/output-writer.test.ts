/**
 * The output writer under floods: a cell keeps its first and latest outputs with a marker counting the rest,
 * and a storm of events becomes a few document transactions (what every peer syncs and the page renders).
 */
import { describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { cellOrder, createNotebookDoc, snapshotCell, type Output } from '../../src/model';
import { HIDDEN_OUTPUTS_KEY, MAX_HEAD, MAX_TAIL, OutputWriter } from '../../src/kernel/outputWriter';
import type { KernelEvent } from '../../src/kernel/protocol';

function cell(): { doc: Y.Doc; id: string; transactions: () => number } {
  const doc = createNotebookDoc({ cells: [{ type: 'code', source: 'flood()' }] });
  let n = 0;
  doc.on('afterTransaction', () => n++);
  return { doc, id: cellOrder(doc)[0]!, transactions: () => n };
}

const display = (i: number, displayId?: string): KernelEvent => ({
  type: 'display',
  data: { 'text/plain': String(i) },
  metadata: {},
  ...(displayId ? { displayId } : {}),
});
const text = (o: Output | undefined) => (o && 'data' in o ? o.data['text/plain'] : o && 'text' in o ? o.text : undefined);
const outputs = (doc: Y.Doc, id: string) => snapshotCell(doc, id)!.outputs;

describe('the output writer', () => {
  it('keeps the first and latest outputs of a flood, with a marker counting those hidden', () => {
    const { doc, id, transactions } = cell();
    const w = new OutputWriter(doc, id);
    const total = 25_000;
    // As the worker delivers them: batches, flushed now and then.
    for (let i = 0; i < total; i += 700) {
      w.write(Array.from({ length: Math.min(700, total - i) }, (_, j) => display(i + j)));
      if (i % 2100 === 0) w.flush();
    }
    w.flush();
    const outs = outputs(doc, id);
    expect(outs).toHaveLength(MAX_HEAD + 1 + MAX_TAIL);
    expect(text(outs[0])).toBe('0');
    expect(text(outs[MAX_HEAD - 1])).toBe(String(MAX_HEAD - 1));
    const marker = outs[MAX_HEAD]!;
    const hidden = total - MAX_HEAD - MAX_TAIL;
    expect(marker.output_type === 'display_data' && marker.metadata[HIDDEN_OUTPUTS_KEY]).toBe(hidden);
    expect(text(marker)).toContain(`${hidden.toLocaleString('en-US')} outputs hidden`);
    expect(text(outs[MAX_HEAD + 1])).toBe(String(total - MAX_TAIL));
    expect(text(outs.at(-1))).toBe(String(total - 1));
    expect(transactions()).toBeLessThan(30);
  });

  it('a flood of print text stays one stream output per stream after the head', () => {
    const { doc, id } = cell();
    const w = new OutputWriter(doc, id);
    for (let i = 0; i < 3000; i++) w.write([display(i), { type: 'stream', name: 'stdout', text: `line ${i}\n` }]);
    w.flush();
    const outs = outputs(doc, id);
    expect(outs).toHaveLength(MAX_HEAD + 1 + MAX_TAIL);
    expect(outs.at(-1)).toEqual({ output_type: 'stream', name: 'stdout', text: 'line 2999\n' });
    // Consecutive prints merge into one output, as before the cap.
    w.write([{ type: 'stream', name: 'stdout', text: 'more\n' }]);
    w.flush();
    expect(outputs(doc, id).at(-1)).toEqual({ output_type: 'stream', name: 'stdout', text: 'line 2999\nmore\n' });
  });

  it('100,000 update_display calls write each display once per flush, ending on the last value', () => {
    const { doc, id, transactions } = cell();
    const w = new OutputWriter(doc, id);
    w.write([display(0, 'bar')]);
    w.flush();
    const before = transactions();
    for (let i = 1; i <= 100_000; i += 1000) {
      w.write(Array.from({ length: 1000 }, (_, j): KernelEvent => ({ type: 'update_display', displayId: 'bar', data: { 'text/plain': `${i + j}` }, metadata: {} })));
      if (i % 10_000 === 1) w.flush();
    }
    w.flush();
    expect(outputs(doc, id).map(text)).toEqual(['100000']);
    expect(transactions() - before).toBeLessThanOrEqual(11);
  });

  it('an animation with clear_output(wait=True) writes only the frames a flush would show', () => {
    const { doc, id, transactions } = cell();
    const w = new OutputWriter(doc, id);
    for (let i = 0; i < 5000; i++) w.write([{ type: 'clear_output', wait: true }, display(i)]);
    w.flush();
    expect(outputs(doc, id).map(text)).toEqual(['4999']);
    expect(transactions()).toBe(1);
    // A clear pending at a flush still waits for the next output.
    w.write([{ type: 'clear_output', wait: true }]);
    w.flush();
    expect(outputs(doc, id).map(text)).toEqual(['4999']);
    w.write([display(5000)]);
    w.flush();
    expect(outputs(doc, id).map(text)).toEqual(['5000']);
  });

  it('a cleared cell starts counting again', () => {
    const { doc, id } = cell();
    const w = new OutputWriter(doc, id);
    w.write(Array.from({ length: MAX_HEAD + MAX_TAIL + 10 }, (_, i) => display(i)));
    w.flush();
    expect(outputs(doc, id)).toHaveLength(MAX_HEAD + 1 + MAX_TAIL);
    w.write([{ type: 'clear_output', wait: false }, display(1), display(2)]);
    w.flush();
    expect(outputs(doc, id).map(text)).toEqual(['1', '2']);
  });
});
