/** What a Jupyter user gets back after a trip through Anode: exactly what they wrote, where nbformat keeps it. */
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { readMeta } from '../../src/model';
import { exportHtml, exportIpynb, importNotebook, parseIpynb, plainJson, stringifyJson } from '../../src/model/ipynb';
import { parseJson } from '../../src/model/ipynb/exact-json';
import { cells, mustParse } from '../fixtures/notebooks/helpers';
import { validateNbformat45 } from '../fixtures/notebooks/nbformat-schema';

const roundTrip = (text: string, fileName = 'file.ipynb'): string => exportIpynb(importNotebook(mustParse(text), { fileName }));

/** A 4.5 notebook with one code cell, written the way Python's json module writes it (`1.0`, big integers). */
const NUMBERS = `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "c1",
   "metadata": {"scale": 1.0, "seed": 18446744073709551615},
   "outputs": [
    {
     "data": {"application/json": {"ratio": 2.0, "tiny": 1e-05, "id": 9007199254740993, "plain": 0.5, "n": 3}, "text/plain": ["x"]},
     "execution_count": 1,
     "metadata": {"image/png": {"width": 400.0}},
     "output_type": "execute_result"
    }
   ],
   "source": ["x"]
  }
 ],
 "metadata": {"version": 2.0},
 "nbformat": 4,
 "nbformat_minor": 5
}`;

describe('numbers', () => {
  test('1.0 stays 1.0 and integers beyond 2^53 stay exact, in metadata and outputs', () => {
    const out = roundTrip(NUMBERS);
    for (const literal of ['"scale": 1.0', '"seed": 18446744073709551615', '"ratio": 2.0', '"tiny": 1e-05', '"id": 9007199254740993', '"width": 400.0', '"version": 2.0']) {
      expect(out).toContain(literal);
    }
    expect(out).toContain('"plain": 0.5');
    expect(out).toContain('"n": 3');
    expect(validateNbformat45(JSON.parse(out))).toEqual([]);
    expect(roundTrip(out)).toBe(out);
    // What a peer receives (and IndexedDB stores) is the same update encoding: the literals survive it too.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(importNotebook(mustParse(out), { fileName: 'file.ipynb' })));
    expect(exportIpynb(peer)).toBe(out);
    expect(exportHtml(peer)).toMatch(/ratio&[a-z0-9#]+;: 2\.0,/);
  });

  test('a view gets numbers, and JSON shown to the user has them as the file wrote them', () => {
    const output = cells(importNotebook(mustParse(NUMBERS)))[0]!.outputs[0]!;
    if (output.output_type !== 'execute_result') throw new Error('expected a result');
    expect(plainJson(output.metadata)).toEqual({ 'image/png': { width: 400 } });
    expect(stringifyJson(output.data['application/json'], 0)).toBe('{"ratio":2.0,"tiny":1e-05,"id":9007199254740993,"plain":0.5,"n":3}');
  });

  test('an object that happens to use the key Anode keeps number literals under stays that object', () => {
    const text = NUMBERS.replace('"version": 2.0', '"version": {"$ipynbNumber": "1.0"}, "other": {"$ipynbNumber": {"a": 1}}');
    const nb = JSON.parse(roundTrip(text));
    expect(nb.metadata.version).toEqual({ $ipynbNumber: '1.0' });
    expect(nb.metadata.other).toEqual({ $ipynbNumber: { a: 1 } });
  });

  test('the reader gives the same values as JSON.parse and the writer the same text as JSON.stringify, for ordinary JSON', () => {
    const value = { a: [1, -2.5, 3e21, 'é\n"\\u2028', true, null, {}, []], b: { c: { d: 'x' } }, e: 1.5e-7 };
    const text = JSON.stringify(value, null, 1);
    expect(parseJson(text)).toEqual(JSON.parse(text));
    expect(stringifyJson(JSON.parse(text), 1)).toBe(text);
    expect(stringifyJson(value, 0)).toBe(JSON.stringify(value));
    expect(stringifyJson(value, 2)).toBe(JSON.stringify(value, null, 2));
  });

  test('text that is not JSON is refused with the engine’s message, and deep nesting does not overflow the stack', () => {
    for (const bad of ['{"a": 1,}', '[01]', '{"a" 1}', '"\\x"', '[1] 2', '{"cells": [']) {
      expect(() => parseJson(bad), bad).toThrow();
      expect(parseIpynb(bad).ok).toBe(false);
    }
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseJson(deep)).not.toThrow();
    const r = parseIpynb(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {"x": ${deep}}, "cells": []}`);
    expect(r.ok ? 'imported' : r.error).toMatch(/nested too deeply/);
  });
});

describe('what the file says is kept', () => {
  const nb = (cells: unknown[], metadata: object = {}, minor = 5): string =>
    JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: minor });

  test("the file's own title is the notebook's title, not the file name", () => {
    const doc = importNotebook(mustParse(nb([], { title: 'Quarterly report' })), { fileName: 'untitled3.ipynb' });
    expect(readMeta(doc)?.title).toBe('Quarterly report');
    expect(JSON.parse(exportIpynb(doc)).metadata.title).toBe('Quarterly report');
  });

  test('a notebook with no cells exports with no cells', () => {
    expect(JSON.parse(roundTrip(nb([]))).cells).toEqual([]);
  });

  test('a stream named stdin (old notebooks have them) keeps its name', () => {
    const text = nb([{ cell_type: 'code', id: 'a', execution_count: null, metadata: {}, source: 'input()', outputs: [{ output_type: 'stream', name: 'stdin', text: 'name? ' }] }]);
    expect(JSON.parse(roundTrip(text)).cells[0].outputs[0]).toEqual({ output_type: 'stream', name: 'stdin', text: ['name? '] });
  });

  test("a cell's jupyter metadata and metadata Anode does not know are kept", () => {
    const metadata = { jupyter: { source_hidden: true, outputs_hidden: false, future_flag: 1 }, vscode: { languageId: 'python' }, editable: false };
    const text = nb([{ cell_type: 'markdown', id: 'a', metadata, source: 'hi' }]);
    expect(JSON.parse(roundTrip(text)).cells[0].metadata).toEqual(metadata);
  });

  test('a future 4.x cell type without source imports as a raw cell, as nbformat reads it', () => {
    const r = parseIpynb(nb([{ cell_type: 'future cell', id: 'f', metadata: { tags: ['t'] }, key: 'value' }, { cell_type: 'markdown', id: 'm', metadata: {}, source: 'after' }], {}, 99));
    if (!r.ok) throw new Error(r.error);
    expect(r.notebook.cells.map((c) => [c.id, c.type, c.source, c.metadata])).toEqual([
      ['f', 'raw', '', { tags: ['t'] }],
      ['m', 'markdown', 'after', {}],
    ]);
    expect(r.notebook.warnings.join('\n')).toMatch(/cell 1: unknown cell type "future cell" was imported as a raw cell/);
    expect(validateNbformat45(JSON.parse(exportIpynb(importNotebook(r.notebook))))).toEqual([]);
  });

  test('an nbformat 3 file keeps orig_nbformat and orig_nbformat_minor, as nbformat marks an upgrade', () => {
    const v3 = { metadata: { name: 'Old', signature: 'sha256:1' }, nbformat: 3, nbformat_minor: 0, worksheets: [{ cells: [] }] };
    expect(JSON.parse(roundTrip(JSON.stringify(v3))).metadata).toMatchObject({ orig_nbformat: 3, orig_nbformat_minor: 0, title: 'Old' });
    const upgradedBefore = { ...v3, orig_nbformat: 2, orig_nbformat_minor: 1 };
    expect(JSON.parse(roundTrip(JSON.stringify(upgradedBefore))).metadata).toMatchObject({ orig_nbformat: 2, orig_nbformat_minor: 1 });
    expect(JSON.parse(roundTrip(JSON.stringify(v3))).metadata.signature).toBeUndefined(); // it signed the v3 file
  });

  test('an nbformat 3 JSON output becomes the JSON value it holds, its numbers as written', () => {
    const output = { output_type: 'pyout', prompt_number: 1, json: '{"a": 1.0}', text: '{}' };
    const v3 = { metadata: {}, nbformat: 3, nbformat_minor: 0, worksheets: [{ cells: [{ cell_type: 'code', input: 'x', outputs: [output] }] }] };
    expect(JSON.parse(roundTrip(JSON.stringify(v3))).cells[0].outputs[0].data['application/json']).toEqual({ a: 1 });
    expect(roundTrip(JSON.stringify(v3))).toMatch(/"application\/json": {\s*"a": 1.0\s*}/);
  });

  test('an nbformat 2 file imports, its line lists joined as nbformat joins them', () => {
    const v2 = {
      metadata: { name: 'Intro' },
      nbformat: 2,
      worksheets: [
        {
          cells: [
            { cell_type: 'markdown', source: ['# Title', '', 'text'] },
            { cell_type: 'code', collapsed: false, input: ['a = 1', 'a'], language: 'python', prompt_number: 1, outputs: [{ output_type: 'pyout', prompt_number: 1, text: ['1'] }, { output_type: 'stream', stream: 'stdout', text: ['x', 'y'] }] },
          ],
        },
      ],
    };
    const r = parseIpynb(JSON.stringify(v2));
    if (!r.ok) throw new Error(r.error);
    expect(r.notebook.title).toBe('Intro');
    expect(r.notebook.metadata).toEqual({ orig_nbformat: 2, orig_nbformat_minor: 0 });
    expect(r.notebook.cells.map((c) => c.source)).toEqual(['# Title\n\ntext', 'a = 1\na']);
    expect(r.notebook.cells[1]!.outputs).toEqual([
      { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '1' }, metadata: {} },
      { output_type: 'stream', name: 'stdout', text: 'x\ny' },
    ]);
  });
});
