/** Reading .ipynb files: the corpus in tests/fixtures/notebooks, every nbformat version and every output type. */
import { describe, expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { exportIpynb, ATTACHMENTS_KEY, IPYNB_METADATA_KEY, attachmentUrl, importNotebook, parseIpynb } from '../../src/model/ipynb';
import { cellOrder, readMeta, type Output } from '../../src/model';
import { cells, fixture, mustParse } from '../fixtures/notebooks/helpers';

const types = (outs: Output[]): string[] => outs.map((o) => o.output_type);

describe('a notebook saved by JupyterLab (nbformat 4.5)', () => {
  const nb = mustParse(fixture('all-outputs.v4.5.ipynb'));

  test('keeps every cell in order with its type, id, source and execution count', () => {
    expect(nb.nbformat).toBe(4);
    expect(nb.nbformatMinor).toBe(5);
    expect(nb.warnings).toEqual([]);
    expect(nb.cells.map((c) => c.type)).toEqual(['markdown', ...Array(11).fill('code'), 'raw']);
    expect(nb.cells[1]!.id).toBe('a1b2c3d4');
    expect(nb.cells[1]!.source).toBe("import sys\nprint('hello, world')\nprint('warning: low disk', file=sys.stderr)\n");
    expect(nb.cells[1]!.executionCount).toBe(1);
    expect(nb.cells[11]!.executionCount).toBeNull();
  });

  test('keeps stream, display_data, execute_result and error outputs with their text joined', () => {
    expect(nb.cells[1]!.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'hello, world\n' },
      { output_type: 'stream', name: 'stderr', text: 'warning: low disk\n' },
    ]);
    const table = nb.cells[2]!.outputs[0]!;
    expect(table.output_type).toBe('execute_result');
    if (table.output_type !== 'execute_result') return;
    expect(table.execution_count).toBe(2);
    expect(table.data['text/html']).toContain('<td>Lisbon</td>');
    expect(table.data['text/plain']).toBe('     city  temp\n0  Lisbon  21.5\n1    Oslo   9.0');
    expect(types(nb.cells[3]!.outputs)).toEqual(['display_data']);
    expect(types(nb.cells[6]!.outputs)).toEqual(['display_data', 'display_data', 'display_data']);
    const err = nb.cells[7]!.outputs[0]!;
    expect(err).toMatchObject({ output_type: 'error', ename: 'ZeroDivisionError', evalue: 'division by zero' });
    if (err.output_type === 'error') expect(err.traceback).toHaveLength(4);
  });

  test('keeps JSON MIME types as values and output metadata', () => {
    const json = nb.cells[5]!.outputs[0]!;
    if (json.output_type !== 'execute_result') throw new Error('expected execute_result');
    expect(json.data['application/json']).toEqual({ a: [1, 2, { b: null }], ok: true });
    expect(json.metadata).toEqual({ 'application/json': { expanded: false, root: 'root' } });
    const plot = nb.cells[8]!.outputs[0]!;
    if (plot.output_type !== 'display_data') throw new Error('expected display_data');
    expect(plot.data['application/vnd.plotly.v1+json']).toMatchObject({ data: [{ type: 'bar' }] });
  });

  test('keeps cell metadata and notebook metadata', () => {
    expect(nb.cells[1]!.metadata).toMatchObject({ tags: ['setup'], execution: { 'iopub.status.busy': expect.any(String) } });
    expect(nb.cells[3]!.metadata).toEqual({ collapsed: false, scrolled: 'auto' });
    expect(nb.cells[12]!.metadata).toEqual({ raw_mimetype: 'text/restructuredtext', format: 'text/restructuredtext' });
    expect(nb.metadata['kernelspec']).toEqual({ display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' });
    expect(nb.metadata['toc']).toEqual({ base_numbering: 1, nav_menu: {} });
  });

  test('keeps carriage returns in stream text as written', () => {
    expect(nb.cells[10]!.outputs[0]).toEqual({ output_type: 'stream', name: 'stdout', text: '0\r1\r2\r\n' });
  });
});

describe('attachments', () => {
  test("markdown attachments land in the cell's attachments with line lists joined", () => {
    const nb = mustParse(fixture('attachments.v4.5.ipynb'));
    const att = nb.cells[0]!.attachments as Record<string, Record<string, string>>;
    expect(Object.keys(att).sort()).toEqual(['logo copy.svg', 'pixel.png']);
    expect(att['pixel.png']!['image/png']).toMatch(/^iVBORw0KGgo/);
    expect(att['logo copy.svg']!['image/svg+xml']).toMatch(/^<svg[^]*<\/svg>\n$/);
    expect(nb.cells[1]!.attachments).toEqual({ 'notes.txt': { 'text/plain': 'first\nsecond\n' } });
    expect(nb.cells[0]!.metadata).toEqual({});
    expect(nb.cells[2]!.attachments).toBeUndefined();
  });

  test('nbformat 4.1 attachments are read too', () => {
    const nb = mustParse(fixture('attachments.v4.1.ipynb'));
    expect(nb.nbformatMinor).toBe(1);
    expect(nb.cells[0]!.attachments).toHaveProperty(['dot.png', 'image/png']);
    expect(nb.cells[1]!.metadata).toEqual({ scrolled: true });
  });

  test('the imported document carries attachments in the cell, where markdown links resolve', () => {
    const doc = importNotebook(mustParse(fixture('attachments.v4.5.ipynb')));
    const att = cells(doc)[0]!.attachments;
    expect(cells(doc)[0]!.metadata).not.toHaveProperty(ATTACHMENTS_KEY);
    expect(att).toHaveProperty(['pixel.png', 'image/png']);
    expect(attachmentUrl(att, 'attachment:pixel.png')).toMatch(/^data:image\/png;base64,iVBOR[\w+/]+=*$/);
    expect(attachmentUrl(att, 'attachment:logo%20copy.svg')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    expect(attachmentUrl(att, 'attachment:missing.png')).toBeNull();
    expect(attachmentUrl(att, 'https://example.org/a.png')).toBeNull();
    expect(attachmentUrl(undefined, 'attachment:pixel.png')).toBeNull();
  });
});

describe('unicode and large sources', () => {
  test('emoji, right-to-left text, astral characters and line separators survive exactly', () => {
    const nb = mustParse(fixture('unicode.v4.4.ipynb'));
    expect(nb.cells[0]!.source).toContain('مرحبا بالعالم — שלום עולם — 你好，世界');
    expect(nb.cells[0]!.source).toContain('👩\u200d👩\u200d👧\u200d👦');
    expect(nb.cells[1]!.source).toBe("s = '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u2028 separator'\nprint('ÅÄÖ 🎉')\nprint('النص العربي')\ns");
    expect(nb.cells[1]!.outputs[0]).toEqual({ output_type: 'stream', name: 'stdout', text: 'ÅÄÖ 🎉\nالنص العربي\n' });
    expect(nb.cells[2]!.source).toBe('# Windows line endings\r\nx = 1\r\ny = 2\r\n');
    expect(nb.metadata['authors']).toEqual([{ name: 'Zoë Ågren' }]);
  });

  test('a "__proto__" key is left out with a warning, so no object gets a prototype from the file', () => {
    const nb = mustParse(fixture('unicode.v4.4.ipynb'));
    const md = nb.cells[1]!.metadata;
    expect(Object.hasOwn(md, '__proto__')).toBe(false);
    expect(nb.warnings).toEqual(['keys named "__proto__" were left out']);
    const snap = cells(importNotebook(nb))[1]!;
    expect(Object.getPrototypeOf(snap.metadata)).toBe(Object.prototype);
    expect(snap.metadata['polluted']).toBeUndefined();
    expect(snap.metadata['constructor']).toBe('x');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const escaped = mustParse('{"nbformat":4,"nbformat_minor":5,"metadata":{"\\u005f_proto__":{"x":1}},"cells":[]}');
    expect(Object.getPrototypeOf(escaped.metadata)).toBe(Object.prototype);
    expect(Object.keys(escaped.metadata)).toEqual([]);
  });

  test('a cell of thousands of lines is read whole', () => {
    const nb = mustParse(fixture('large-source.v4.5.ipynb'));
    expect(nb.cells[0]!.source.split('\n')).toHaveLength(3501);
    expect(nb.cells[0]!.source.startsWith("row_00000 = compute(0, label='line 0 of")).toBe(true);
  });

  test('a 5 MB source imports in one piece', () => {
    const source = 'x = 1  # padding padding padding padding padding padding\n'.repeat(90_000);
    const text = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'big', cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null }] });
    const doc = importNotebook(mustParse(text));
    expect(cells(doc)[0]!.source).toBe(source);
  });
});

describe('older formats', () => {
  test('nbformat 4.0: string sources, no ids (generated, valid, unique), old metadata', () => {
    const nb = mustParse(fixture('old.v4.0.ipynb'));
    expect(nb.warnings).toEqual([]);
    expect(nb.cells.map((c) => c.source)).toEqual(['# Old notebook\nWritten by IPython 3.', 'print(6 * 7)\n1 + 5', '']);
    const ids = nb.cells.map((c) => c.id);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(nb.cells[2]!.metadata).toEqual({ collapsed: true });
    expect(nb.metadata['kernelspec']).toMatchObject({ name: 'python2' });
  });

  test('nbformat 3: worksheets become cells, headings become markdown, pyout/pyerr become nbformat 4 outputs', () => {
    const nb = mustParse(fixture('legacy.v3.ipynb'));
    expect(nb.nbformat).toBe(3);
    expect(nb.title).toBe('Legacy analysis');
    expect(nb.metadata).toEqual({ orig_nbformat: 3, orig_nbformat_minor: 0 }); // the v3 signature goes, as nbformat drops it
    expect(nb.cells.map((c) => [c.type, c.source])).toEqual([
      ['markdown', '# Legacy analysis'],
      ['markdown', 'Some *prose* from 2014.'],
      ['code', 'x = 6 * 7\nprint x\nx'],
      ['code', '1/0'],
      ['markdown', '### Appendix'],
      ['raw', 'raw text'],
    ]);
    expect(nb.cells[2]!.executionCount).toBe(1);
    expect(nb.cells[2]!.metadata).toEqual({ collapsed: false });
    expect(nb.cells[2]!.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: '42\n' },
      { output_type: 'execute_result', execution_count: 1, data: { 'text/plain': '42', 'text/html': '<b>42</b>' }, metadata: {} },
      { output_type: 'display_data', data: { 'image/png': expect.stringMatching(/^iVBOR/), 'text/plain': '<matplotlib.figure.Figure at 0x1>' }, metadata: {} },
    ]);
    expect(nb.cells[3]!.outputs[0]).toMatchObject({ output_type: 'error', ename: 'ZeroDivisionError' });
  });

  test('a newer 4.x minor is read with a warning', () => {
    const r = parseIpynb(JSON.stringify({ nbformat: 4, nbformat_minor: 7, metadata: {}, cells: [{ id: 'a', cell_type: 'code', metadata: {}, source: '1', outputs: [], execution_count: null, future_field: 1 }] }));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.notebook.warnings.join('\n')).toMatch(/4\.7, newer than 4\.5/);
  });
});

describe('Colab notebooks', () => {
  const nb = mustParse(fixture('colab.ipynb'));

  test('suggest the Colab name as the title (when the file name is not known) and keep the Colab metadata', () => {
    expect(nb.title).toBeNull();
    expect(nb.suggestedTitle).toBe('Copy of Training');
    expect(readMeta(importNotebook(nb))?.title).toBe('Copy of Training');
    expect(readMeta(importNotebook(nb, { fileName: 'colab.ipynb' }))?.title).toBe('colab');
    expect(nb.metadata['colab']).toMatchObject({ toc_visible: true, gpuType: 'T4' });
    expect(nb.metadata['accelerator']).toBe('GPU');
    expect(nb.metadata['widgets']).toBeDefined();
  });

  test('keep per-cell Colab metadata and vendor JSON output types', () => {
    expect(nb.cells[1]!.metadata).toMatchObject({ id: 'Pq34efGH', colab: { height: 35 } });
    expect(nb.cells[1]!.outputs[0]).toMatchObject({ data: { 'application/vnd.google.colaboratory.intrinsic+json': { type: 'string' } } });
    expect(nb.cells[3]!.source).toBe('');
  });
});

describe('Anode cell types in a file', () => {
  const nb = mustParse(fixture('anode-cell-types.v4.5.ipynb'));

  test('marked ai and sql code cells come back as ai and sql cells without their magic line', () => {
    expect(nb.cells.map((c) => c.type)).toEqual(['ai', 'sql', 'code', 'ai']);
    expect(nb.cells[0]!.source).toBe('Summarise the dataframe above in two sentences.');
    expect(nb.cells[0]!.metadata).toEqual({ anode: { model: 'claude' } });
    expect(nb.cells[1]!.source).toBe('SELECT city, temp\nFROM df\nWHERE temp > 10');
    expect(nb.cells[1]!.metadata).toEqual({});
    expect(nb.cells[1]!.executionCount).toBe(3);
  });

  test('an unmarked %%sql cell stays code, and a marked cell whose magic line was deleted keeps all its text', () => {
    expect(nb.cells[2]!.source).toBe('%%sql\nSELECT 1');
    expect(nb.cells[3]!.source).toBe('Text whose %%ai line was deleted in Jupyter');
  });

  test("the file's own title becomes the notebook title; its file name only when it has none", () => {
    expect(readMeta(importNotebook(nb))?.title).toBe('Anode cell types');
    expect(readMeta(importNotebook(nb, { fileName: 'C:\\Users\\ada\\My%20work.ipynb' }))?.title).toBe('Anode cell types');
    const untitled = { ...nb, title: null };
    expect(readMeta(importNotebook(untitled, { fileName: 'C:\\Users\\ada\\My%20work.ipynb' }))?.title).toBe('My work');
    expect(readMeta(importNotebook(nb, { fileName: 'https://example.org/nb/report.IPYNB?raw=1', title: 'Chosen' }))?.title).toBe('Chosen');
    expect(readMeta(importNotebook(untitled, { fileName: 'https://example.org/nb/report.ipynb?raw=1' }))?.title).toBe('report');
  });

  test('a file titled "Untitled" (a notebook never renamed) takes the name it was saved under', () => {
    const named = (title: string) => readMeta(importNotebook({ ...nb, title }, { fileName: 'pasted.ipynb' }))?.title;
    expect(named('Untitled')).toBe('pasted');
    expect(named(' untitled ')).toBe('pasted');
    expect(named('Untitled analysis')).toBe('Untitled analysis');
    expect(readMeta(importNotebook({ ...nb, title: 'Untitled' }))?.title).toBe('Untitled');
  });
});

describe('cell ids', () => {
  test('duplicate, invalid and missing ids are replaced by fresh valid ids, each with a warning', () => {
    const nb = mustParse(fixture('bad-ids.v4.5.ipynb'));
    const ids = nb.cells.map((c) => c.id);
    expect(ids[0]).toBe('same');
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
    expect(nb.warnings).toHaveLength(4);
    expect(nb.warnings[0]).toMatch(/^cell 2: id "same" repeats the id of an earlier cell/);
    expect(nb.warnings[1]).toMatch(/^cell 3: id "has space" is not a valid cell id/);
    expect(nb.warnings[3]).toMatch(/^cell 5: has no id/);
  });
});

describe('importNotebook', () => {
  test('always makes a new document, seeded once, with the import origin', () => {
    const nb = mustParse(fixture('all-outputs.v4.5.ipynb'));
    const a = importNotebook(nb, { id: 'nb-1' });
    const b = importNotebook(nb);
    expect(a).not.toBe(b);
    expect(readMeta(a)).toMatchObject({ id: 'nb-1', title: 'Untitled', schemaVersion: 1, language: 'python' });
    expect(cellOrder(a)).toEqual(nb.cells.map((c) => c.id));
    expect(a.getMap('meta').get(IPYNB_METADATA_KEY)).toEqual(nb.metadata);
    const bare = importNotebook(mustParse(fixture('legacy.v3.ipynb')));
    expect(bare.getMap('meta').get(IPYNB_METADATA_KEY)).toMatchObject({
      orig_nbformat: 3,
      kernelspec: { name: 'python3' },
      language_info: { name: 'python' },
    });
    // What a peer receives when the new notebook is shared is the same notebook.
    const peer = new Y.Doc();
    Y.applyUpdate(peer, Y.encodeStateAsUpdate(a));
    expect(cells(peer)).toEqual(cells(a));
  });

  test('a notebook without cells imports without cells, so it exports without cells', () => {
    const doc = importNotebook(mustParse(fixture('empty.v4.5.ipynb')));
    expect(cells(doc)).toEqual([]);
    expect(JSON.parse(exportIpynb(doc)).cells).toEqual([]);
  });

  test('changing the parsed notebook afterwards does not change the document', () => {
    const nb = mustParse(fixture('all-outputs.v4.5.ipynb'));
    const doc = importNotebook(nb);
    (nb.cells[1]!.metadata['tags'] as string[]).push('later');
    nb.cells[1]!.outputs.length = 0;
    expect(cells(doc)[1]!.metadata['tags']).toEqual(['setup']);
    expect(cells(doc)[1]!.outputs).toHaveLength(2);
  });

  test('every import transaction carries the IMPORT origin', () => {
    const spy = vi.spyOn(Y.Doc.prototype, 'transact');
    try {
      importNotebook(mustParse(fixture('colab.ipynb')));
      const kinds = new Set(spy.mock.calls.map((c) => (c[1] as { kind?: string } | undefined)?.kind));
      expect([...kinds]).toEqual(['import']);
    } finally {
      spy.mockRestore();
    }
  });
});
