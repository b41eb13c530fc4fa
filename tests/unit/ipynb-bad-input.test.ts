/** Bad input: every broken file is refused with a message naming the problem, and nothing is created or changed. */
import { describe, expect, test } from 'vitest';
import * as Y from 'yjs';
import { createNotebookDoc } from '../../src/model';
import { MAX_IPYNB_BYTES, checkIpynbSize, importNotebook, parseIpynb } from '../../src/model/ipynb';
import { fixture } from '../fixtures/notebooks/helpers';

/** A valid 4.5 notebook with one code cell, where `cell` and `nb` override fields (undefined deletes). */
function notebook(cell: Record<string, unknown> = {}, nb: Record<string, unknown> = {}): string {
  const c: Record<string, unknown> = { id: 'c1', cell_type: 'code', metadata: {}, source: 'x', outputs: [], execution_count: null, ...cell };
  const n: Record<string, unknown> = { nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [c], ...nb };
  for (const o of [c, n]) for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return JSON.stringify(n);
}
const withOutput = (output: unknown) => notebook({ outputs: [{ output_type: 'stream', name: 'stdout', text: 'ok' }, output] });

const cases: Array<[string, string, RegExp]> = [
  ['a truncated file', fixture('bad/truncated.ipynb'), /^This file is not a complete notebook: it ends too early, as if it was cut off/],
  ['JSON that is not a notebook', fixture('bad/not-a-notebook.json'), /^This file is JSON but not a Jupyter notebook: it has no "nbformat" version\.$/],
  ['a future nbformat', fixture('bad/future-version.ipynb'), /^This notebook uses nbformat 5, newer than Anode reads \(4\.0–4\.5, 3 and 2\)\.$/],
  ['an ancient nbformat', notebook({}, { nbformat: 1 }), /nbformat 1, older than Anode reads.*upgrade it/],
  ['a source that is a number', fixture('bad/cell-source-number.ipynb'), /^cell 3: source must be a string or list of strings, not 42$/],
  ['an error output without traceback', fixture('bad/error-without-traceback.ipynb'), /^cell 8, output 1: missing traceback$/],
  ['an empty file', '', /^This file is empty\.$/],
  ['whitespace only', '  \n\t', /^This file is empty\.$/],
  ['plain text', 'hello, notebook', /^This file is not valid JSON, so it is not a notebook/],
  ['a JSON list', '[1, 2]', /not a Jupyter notebook: it holds a list, not an object with "nbformat" and "cells"/],
  ['JSON null', 'null', /it holds null/],
  ['a JSON string', '"cells"', /it holds "cells"/],
  ['nbformat as a string', notebook({}, { nbformat: '4' }), /"nbformat" must be a whole number, not "4"/],
  ['a bad nbformat_minor', notebook({}, { nbformat_minor: 'five' }), /"nbformat_minor" must be a whole number, not "five"/],
  ['no cells', notebook({}, { cells: undefined }), /it has no "cells" list/],
  ['cells as an object', notebook({}, { cells: {} }), /"cells" must be a list, not an object/],
  ['notebook metadata as a list', notebook({}, { metadata: [] }), /its metadata must be an object, not a list/],
  ['a cell that is a string', notebook({}, { cells: ['print(1)'] }), /^cell 1 must be an object, not "print\(1\)"$/],
  ['a cell without cell_type', notebook({ cell_type: undefined }), /^cell 1: missing cell_type$/],
  ['a numeric cell_type', notebook({ cell_type: 3 }), /^cell 1: cell_type must be a string, not 3$/],
  ['a cell without source', notebook({ source: undefined }), /^cell 1: missing source$/],
  ['a source list with a number', notebook({ source: ['a\n', 2] }), /^cell 1: source must be a string or list of strings, not a list$/],
  ['cell metadata as a string', notebook({ metadata: 'none' }), /^cell 1: metadata must be an object, not "none"$/],
  ['execution_count as a string', notebook({ execution_count: '3' }), /^cell 1: execution_count must be a whole number or null, not "3"$/],
  ['a negative execution_count', notebook({ execution_count: -1 }), /^cell 1: execution_count must be a whole number or null, not -1$/],
  ['a fractional execution_count', notebook({ execution_count: 1.5 }), /^cell 1: execution_count must be a whole number or null, not 1\.5$/],
  ['outputs as an object', notebook({ outputs: {} }), /^cell 1: outputs must be a list, not an object$/],
  ['an output that is a string', withOutput('oops'), /^cell 1, output 2 must be an object, not "oops"$/],
  ['an output without output_type', withOutput({ text: 'x' }), /^cell 1, output 2: missing output_type$/],
  ['a stream without text', withOutput({ output_type: 'stream', name: 'stdout' }), /^cell 1, output 2: missing text$/],
  ['a stream with numeric text', withOutput({ output_type: 'stream', name: 'stdout', text: 5 }), /^cell 1, output 2: text must be a string or list of strings, not 5$/],
  ['a stream name that is not a string', withOutput({ output_type: 'stream', name: 1, text: '' }), /^cell 1, output 2: name must be a string, not 1$/],
  ['display_data without data', withOutput({ output_type: 'display_data', metadata: {} }), /^cell 1, output 2: missing data$/],
  ['image data as a number', withOutput({ output_type: 'display_data', data: { 'image/png': 7 }, metadata: {} }), /^cell 1, output 2: data\["image\/png"\] must be a string or list of strings, not 7$/],
  ['data as a list', withOutput({ output_type: 'execute_result', data: [], metadata: {}, execution_count: 1 }), /^cell 1, output 2: data must be an object of MIME type to data, not a list$/],
  ['output metadata as a string', withOutput({ output_type: 'display_data', data: {}, metadata: 'x' }), /^cell 1, output 2: metadata must be an object, not "x"$/],
  ['a result with a bad count', withOutput({ output_type: 'execute_result', data: {}, metadata: {}, execution_count: 'one' }), /^cell 1, output 2: execution_count must be a whole number or null/],
  ['an error with a numeric ename', withOutput({ output_type: 'error', ename: 1, evalue: '', traceback: [] }), /^cell 1, output 2: ename must be a string, not 1$/],
  ['a traceback of numbers', withOutput({ output_type: 'error', ename: 'E', evalue: '', traceback: [1] }), /^cell 1, output 2: traceback must be a list of strings, not a list$/],
  ['an output_type that is a number', withOutput({ output_type: 4 }), /^cell 1, output 2: output_type must be a string, not 4$/],
  ['attachments as a list', notebook({ cell_type: 'markdown', attachments: [] }), /^cell 1: attachments must be an object, not a list$/],
  ['an attachment that is a string', notebook({ cell_type: 'markdown', attachments: { 'a.png': 'iVBOR' } }), /^cell 1: attachment "a\.png" must be an object of MIME type to data/],
  ['an attachment with numeric data', notebook({ cell_type: 'raw', attachments: { 'a.png': { 'image/png': 1 } } }), /^cell 1: attachment "a\.png"\["image\/png"\] must be a string or list of strings, not 1$/],
  ['metadata nested absurdly deep', notebook({ metadata: { deep: JSON.parse('['.repeat(1000) + ']'.repeat(1000)) } }), /^cell 1: metadata is nested too deeply$/],
  ['a v3 notebook with broken worksheets', JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: {} }), /nbformat 3 notebook is damaged: "worksheets" must be a list/],
  ['a v3 cell with a bad input', JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [{ cells: [{ cell_type: 'code', input: 5, outputs: [] }] }] }), /^cell 1: source must be a string or list of strings, not 5$/],
];

describe('a file that cannot be imported', () => {
  test.each(cases)('%s is refused with a message naming the problem', (_what, text, message) => {
    const r = parseIpynb(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(message);
    expect(r).not.toHaveProperty('notebook'); // nothing to import, not even part of it
  });

  test('a file cut off anywhere is refused as cut off', () => {
    const text = fixture('attachments.v4.1.ipynb');
    for (let i = 1; i < text.trimEnd().length; i++) {
      const r = parseIpynb(text.slice(0, i));
      expect(r.ok ? 'imported' : r.error, `cut at ${i}`).toMatch(/^This file is not a complete notebook: it ends too early/);
    }
  });

  test('emoji and other astral characters count four bytes each, like UTF-8', () => {
    const text = notebook({ source: '🚀'.repeat(300) }); // 600 UTF-16 units, 1200 bytes of emoji
    expect(parseIpynb(text, { maxBytes: text.length + 600 }).ok).toBe(true);
    expect(parseIpynb(text, { maxBytes: text.length + 599 }).ok).toBe(false);
  });

  test('a file over the size limit is refused before it is parsed, with its size in the message', () => {
    const huge = '{"nbformat": 4, "cells": [' + ' '.repeat(MAX_IPYNB_BYTES) + ']}';
    const started = performance.now();
    const r = parseIpynb(huge);
    expect(performance.now() - started).toBeLessThan(500);
    expect(r).toEqual({ ok: false, error: 'This file is 100.0 MB; Anode opens notebooks up to 100.0 MB. Clear large outputs in Jupyter and try again.' });
    expect(parseIpynb(fixture('all-outputs.v4.5.ipynb'), { maxBytes: 4096 })).toMatchObject({ ok: false, error: expect.stringMatching(/^This file is 0\.0 MB; Anode opens notebooks up to 0\.0 MB/) });
    expect(checkIpynbSize(150 * 1024 * 1024)).toMatch(/^This file is 150\.0 MB; Anode opens notebooks up to 100\.0 MB/);
    expect(checkIpynbSize(1024)).toBeNull();
  });

  test('multi-byte text counts in UTF-8 bytes against the limit', () => {
    const text = notebook({ source: 'é'.repeat(600) });
    expect(text.length).toBeLessThan(1000);
    expect(parseIpynb(text, { maxBytes: 1000 }).ok).toBe(false);
    expect(parseIpynb(text, { maxBytes: 2000 }).ok).toBe(true);
  });

  test('an existing notebook is untouched when an import fails or succeeds', () => {
    const existing = createNotebookDoc({ title: 'Mine', cells: [{ source: 'keep me' }] });
    const before = Y.encodeStateVector(existing);
    let changed = false;
    existing.on('update', () => (changed = true));
    for (const [, text] of cases) parseIpynb(text);
    const ok = parseIpynb(fixture('colab.ipynb'));
    if (ok.ok) importNotebook(ok.notebook);
    expect(changed).toBe(false);
    expect(Y.encodeStateVector(existing)).toEqual(before);
  });
});

describe('a file with problems that can be repaired', () => {
  const read = (text: string) => {
    const r = parseIpynb(text);
    if (!r.ok) throw new Error(r.error);
    return r.notebook;
  };

  test('an unknown cell type is imported as a raw cell, with a warning', () => {
    const nb = read(notebook({ cell_type: 'widget', source: 'keep this' }));
    expect(nb.cells[0]).toMatchObject({ type: 'raw', source: 'keep this' });
    expect(nb.warnings).toEqual(['cell 1: unknown cell type "widget" was imported as a raw cell']);
  });

  test('an unknown output type is left out, with a warning', () => {
    const nb = read(withOutput({ output_type: 'hologram', data: {} }));
    expect(nb.cells[0]!.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'ok' }]);
    expect(nb.warnings).toEqual(['cell 1, output 2: unknown output type "hologram" was left out']);
  });

  test('metadata fields with types nbformat forbids are dropped, with a warning each', () => {
    const nb = read(notebook({ metadata: { collapsed: 'yes', tags: ['a', 'a'], custom: { any: 'thing' } } }, { metadata: { kernelspec: { name: 'python3' }, title: 7 } }));
    expect(nb.cells[0]!.metadata).toEqual({ custom: { any: 'thing' } });
    expect(nb.metadata).toEqual({});
    expect(nb.title).toBeNull();
    expect(nb.warnings).toEqual([
      'notebook metadata field "kernelspec" had an invalid value and was dropped',
      'notebook metadata field "title" had an invalid value and was dropped',
      'cell 1: metadata field "collapsed" had an invalid value and was dropped',
      'cell 1: metadata field "tags" had an invalid value and was dropped',
    ]);
  });

  test('missing metadata, outputs and execution_count default to empty', () => {
    const nb = read(notebook({ metadata: undefined, outputs: undefined, execution_count: undefined }));
    expect(nb.cells[0]).toMatchObject({ metadata: {}, outputs: [], executionCount: null });
  });

  test('a long stream and a huge output are cut to the document limits, visibly, with a warning', () => {
    const lines = Array.from({ length: 6000 }, (_, i) => `line ${i}\n`);
    const big = 'A'.repeat(6_000_000);
    const nb = read(notebook({ outputs: [{ output_type: 'stream', name: 'stdout', text: lines }, { output_type: 'display_data', data: { 'image/png': big }, metadata: {} }] }));
    const [stream, image] = nb.cells[0]!.outputs;
    expect(stream).toMatchObject({ output_type: 'stream', text: expect.stringMatching(/^\[output truncated, \d+ lines hidden\]\nline 10\d\d\n/) });
    expect(image).toEqual({ output_type: 'display_data', data: { 'text/plain': expect.stringMatching(/^\[output truncated: 6\.0 MB/) }, metadata: {} });
    expect(nb.warnings).toHaveLength(2);
  });

  test('attachments on a code cell are left out with a warning', () => {
    const nb = read(notebook({ attachments: { 'a.png': { 'image/png': 'iVBOR' } } }));
    expect(nb.cells[0]!.metadata).toEqual({});
    expect(nb.warnings).toEqual(['cell 1: attachments on a code cell were left out']);
  });

  test('thousands of repairs are summarised after the first fifty', () => {
    const text = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: Array.from({ length: 2000 }, () => ({ cell_type: 'raw', metadata: {}, source: '' })) });
    const nb = read(text);
    expect(nb.cells).toHaveLength(2000);
    expect(nb.warnings).toHaveLength(51);
    expect(nb.warnings[50]).toBe('…and 1950 more');
  });

  test('a byte-order mark at the start is ignored', () => {
    expect(read('\ufeff' + notebook()).cells).toHaveLength(1);
  });
});
