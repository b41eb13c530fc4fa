/** Writing .ipynb: valid nbformat 4.5 that Jupyter opens, and importing what was exported gives the same notebook. */
import { describe, expect, test } from 'vitest';
import {
  EXECUTOR,
  LOCAL,
  appendOutputs,
  createNotebookDoc,
  insertCell,
  setCellMetadata,
  setExecutionCount,
  setTitle,
  cellsMap,
} from '../../src/model';
import { exportIpynb, importNotebook, parseIpynb } from '../../src/model/ipynb';
import { GOOD, cells, fixture, mustParse, notebookState } from '../fixtures/notebooks/helpers';
import { validateNbformat45 } from '../fixtures/notebooks/nbformat-schema';

const roundTrip = (text: string) => importNotebook(mustParse(text));

describe.each(GOOD)('%s', (name) => {
  const original = importNotebook(mustParse(fixture(name)), { fileName: name });
  const exported = exportIpynb(original);

  test('exports valid nbformat 4.5', () => {
    expect(validateNbformat45(JSON.parse(exported))).toEqual([]);
  });

  test('re-imports as the same notebook: cells, order, types, sources, outputs, counts, metadata, title', () => {
    const again = importNotebook(mustParse(exported));
    expect(notebookState(again)).toEqual(notebookState(original));
  });

  test('exporting the re-imported notebook gives the same file', () => {
    expect(exportIpynb(roundTrip(exported))).toBe(exported);
  });
});

describe('files as Jupyter writes them', () => {
  test('a JupyterLab 4.5 file comes back byte for byte, plus the title', () => {
    for (const name of ['all-outputs.v4.5.ipynb', 'attachments.v4.5.ipynb', 'large-source.v4.5.ipynb']) {
      const text = fixture(name);
      const out = JSON.parse(exportIpynb(importNotebook(mustParse(text), { title: 'T' })));
      expect(out.metadata.title).toBe('T');
      delete out.metadata.title;
      const expected = JSON.parse(text);
      delete expected.metadata.title;
      expect(JSON.stringify(out, null, 1), name).toBe(JSON.stringify(expected, null, 1));
    }
  });

  test('keys are sorted, indented by one space, and text is split into lines that keep their newlines', () => {
    const out = exportIpynb(roundTrip(fixture('all-outputs.v4.5.ipynb')));
    expect(out.startsWith('{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "id": "3f1c9a2e",')).toBe(true);
    expect(out.endsWith('\n "nbformat": 4,\n "nbformat_minor": 5\n}\n')).toBe(true);
    const nb = JSON.parse(out);
    expect(nb.cells[1].source).toEqual(['import sys\n', "print('hello, world')\n", "print('warning: low disk', file=sys.stderr)\n"]);
    expect(nb.cells[3].outputs[0].data['image/png']).toMatch(/^iVBOR.*==\n$/); // base64 stays one string
    expect(nb.cells[4].outputs[0].data['image/svg+xml'][0]).toMatch(/^<svg /); // SVG is split, as nbformat does
  });

  test('older files are written as 4.5 with ids, and Anode defaults fill in the kernel', () => {
    const nb = JSON.parse(exportIpynb(roundTrip(fixture('old.v4.0.ipynb'))));
    expect(nb.nbformat_minor).toBe(5);
    for (const c of nb.cells) expect(c.id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(nb.metadata.kernelspec.name).toBe('python2'); // what the file said is kept
    const v3 = JSON.parse(exportIpynb(roundTrip(fixture('legacy.v3.ipynb'))));
    expect(v3.metadata).toMatchObject({ orig_nbformat: 3, title: 'Legacy analysis', kernelspec: { name: 'python3' }, language_info: { name: 'python' } });
  });
});

describe('a notebook made in Anode', () => {
  function anodeNotebook() {
    const doc = createNotebookDoc({
      title: 'Made in Anode <3',
      cells: [
        { type: 'markdown', source: '# Report\n\n![chart](attachment:chart.png)', metadata: { attachments: { 'chart.png': { 'image/png': 'iVBORw0KGgo=' } } } },
        { type: 'code', source: 'print("hi")\n1 + 1', id: 'code-1' },
        { type: 'ai', source: 'What does cell 2 print?', metadata: { hiddenFromAi: false } },
        { type: 'sql', source: 'SELECT *\nFROM t', metadata: { tags: ['query'] } },
        { type: 'raw', source: 'raw, untouched\n' },
        { type: 'code', source: '' },
      ],
    });
    appendOutputs(doc, 'code-1', [
      { output_type: 'stream', name: 'stdout', text: 'hi\n' },
      { output_type: 'display_data', data: { 'text/plain': 'progress' }, metadata: {}, transient: { display_id: 'd1' } },
      { output_type: 'execute_result', execution_count: 4, data: { 'text/plain': '2' }, metadata: {} },
      { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[31mValueError\u001b[0m: bad'] },
    ], EXECUTOR);
    setExecutionCount(doc, 'code-1', 4, EXECUTOR);
    setCellMetadata(doc, 'code-1', 'collapsed', true, LOCAL);
    return doc;
  }

  test('exports valid nbformat 4.5 with Python kernel metadata and the title', () => {
    const nb = JSON.parse(exportIpynb(anodeNotebook()));
    expect(validateNbformat45(nb)).toEqual([]);
    expect(nb.metadata).toMatchObject({ title: 'Made in Anode <3', kernelspec: { name: 'python3', language: 'python' }, language_info: { name: 'python' } });
  });

  test('strips transient, moves attachments to the cell, keeps execution counts', () => {
    const nb = JSON.parse(exportIpynb(anodeNotebook()));
    const code = nb.cells[1];
    expect(code.execution_count).toBe(4);
    expect(code.outputs[1]).toEqual({ output_type: 'display_data', data: { 'text/plain': ['progress'] }, metadata: {} });
    expect(nb.cells[0].attachments).toEqual({ 'chart.png': { 'image/png': 'iVBORw0KGgo=' } });
    expect(nb.cells[0].metadata).toEqual({});
  });

  test('ai and sql cells become marked code cells starting with their cell magic', () => {
    const nb = JSON.parse(exportIpynb(anodeNotebook()));
    expect(nb.cells[2]).toMatchObject({ cell_type: 'code', source: ['%%ai\n', 'What does cell 2 print?'], metadata: { anode: { cell_type: 'ai' }, hiddenFromAi: false } });
    expect(nb.cells[3]).toMatchObject({ cell_type: 'code', source: ['%%sql\n', 'SELECT *\n', 'FROM t'], metadata: { anode: { cell_type: 'sql' }, tags: ['query'] } });
  });

  test('round trips: same cells in the same order, with the same ids, types, sources, outputs and counts', () => {
    const doc = anodeNotebook();
    const again = roundTrip(exportIpynb(doc));
    expect(cells(again)).toEqual(cells(doc));
    expect(notebookState(again).title).toBe('Made in Anode <3');
  });

  test('whatever a peer wrote that nbformat cannot hold is repaired, never written invalid', () => {
    const doc = anodeNotebook();
    const id = insertCell(doc, 1, { type: 'code', source: 'x', id: 'not a valid id!' }, LOCAL);
    setCellMetadata(doc, id, 'tags', ['a,b', 'a,b'], LOCAL);
    setCellMetadata(doc, id, 'collapsed', 'yes', LOCAL);
    setCellMetadata(doc, id, 'scrolled', 3, LOCAL);
    appendOutputs(doc, id, [
      { output_type: 'display_data', data: { 'text/plain': 42 as unknown as string, 'application/json': [1, 2] }, metadata: {} },
      { output_type: 'bogus' } as never,
    ], EXECUTOR);
    setExecutionCount(doc, id, -3, EXECUTOR);
    const nb = JSON.parse(exportIpynb(doc));
    expect(validateNbformat45(nb)).toEqual([]);
    const cell = nb.cells[1];
    expect(cell.id).toBe('not-a-valid-id-');
    expect(cell.metadata).toEqual({});
    expect(cell.execution_count).toBeNull();
    expect(cell.outputs).toEqual([{ output_type: 'display_data', data: { 'text/plain': '42', 'application/json': [1, 2] }, metadata: {} }]);
  });

  test('the title, edited later, is what the file carries', () => {
    const doc = roundTrip(fixture('anode-cell-types.v4.5.ipynb'));
    setTitle(doc, 'Renamed', LOCAL);
    expect(JSON.parse(exportIpynb(doc)).metadata.title).toBe('Renamed');
    expect(notebookState(roundTrip(exportIpynb(doc))).title).toBe('Renamed');
  });

  test('an empty notebook and a notebook with a damaged cell still export validly', () => {
    const doc = createNotebookDoc({ cells: [] });
    expect(validateNbformat45(JSON.parse(exportIpynb(doc)))).toEqual([]);
    const d2 = anodeNotebook();
    cellsMap(d2).get('code-1')!.set('type', 'notebook-of-the-future');
    const nb = JSON.parse(exportIpynb(d2));
    expect(validateNbformat45(nb)).toEqual([]);
    expect(nb.cells[1].cell_type).toBe('raw');
  });

  test('the validator itself rejects what nbformat 4.5 rejects', () => {
    const good = JSON.parse(exportIpynb(anodeNotebook()));
    const broken = structuredClone(good);
    broken.cells[1].id = 'has space';
    delete broken.cells[1].execution_count;
    broken.cells[1].outputs[0].transient = {};
    broken.cells[0].extra = 1;
    broken.nbformat_minor = 4;
    expect(validateNbformat45(broken)).toEqual([
      '$.nbformat_minor: must be an integer >= 5',
      '$.cells[0]: additional property "extra"',
      '$.cells[1].id: invalid cell id "has space"',
      '$.cells[1]: missing required "execution_count"',
      '$.cells[1].execution_count: must be an integer >= 0 or null',
      '$.cells[1].outputs[0]: additional property "transient"',
    ]);
    expect(parseIpynb(JSON.stringify(good)).ok).toBe(true);
  });
});
