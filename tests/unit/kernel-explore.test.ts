/**
 * The variable explorer's introspection (workers/python/anode_kernel/explore.py) in real Pyodide under Node: a page
 * of a large list, a dict as a tree walked by position, records and rows as tables, a byte budget, and that no user
 * __repr__ runs and nothing past the page is touched.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PyodideInterface } from 'pyodide';
import type { InspectRequest, InspectResult } from '../../src/kernel/protocol';
import { readInspectResult } from '../../src/kernel/inspect';
import { pyodideWithKernelSources } from './helpers/pyodide';

let pyodide: PyodideInterface;

beforeAll(async () => {
  pyodide = await pyodideWithKernelSources();
  pyodide.runPython('from anode_kernel import explore as _x\n_ns = {}');
}, 60_000);

function define(code: string): void {
  pyodide.runPython(`exec(${JSON.stringify(code)}, _ns)`);
}

function inspect(name: string, req: Partial<InspectRequest> = {}): InspectResult {
  const r = { path: [], offset: 0, limit: 100, view: 'auto', ...req };
  const json = pyodide.runPython(
    `_x.inspect_json(${JSON.stringify(name)}, ${JSON.stringify(JSON.stringify(r.path))}, ${r.offset}, ${r.limit}, ${JSON.stringify(r.view)}, _ns)`,
  ) as string;
  return readInspectResult(json);
}

describe('variable explorer slices', () => {
  it('a list of 100,000 ints is a table paged by the kernel: one page at a time, the total counted', () => {
    define('big = list(range(100_000))');
    const first = inspect('big');
    expect(first.view).toBe('table');
    if (first.view !== 'table') return;
    expect(first.total).toBe(100_000);
    expect(first.columns).toEqual([{ name: 'value', type: 'number' }]);
    expect(first.rows).toHaveLength(100);
    expect(first.rows[0]).toEqual([0]);
    const last = inspect('big', { offset: 99_950 });
    expect(last.view === 'table' && last.rows.map((r) => r[0])).toEqual(Array.from({ length: 50 }, (_, i) => 99_950 + i));
  });

  it('never touches elements past the page, nor calls a user __repr__', () => {
    define('class Loud:\n    def __repr__(self): raise RuntimeError("repr called")\nmixed = [1, 2, 3] + [Loud()] * 1000\nwrapped = {"x": Loud(), "y": [Loud()]}');
    const page = inspect('mixed', { limit: 3 });
    // The first 50 elements decide the shape: not all scalars, so a tree; the Loud ones show their type.
    expect(page.view).toBe('tree');
    const tree = inspect('wrapped');
    expect(tree.view === 'tree' && tree.children.map((c) => [c.key, c.type, c.preview, c.expandable])).toEqual([
      ["'x'", 'Loud', '<Loud object>', false],
      ["'y'", 'list', '[<Loud>]', true],
    ]);
  });

  it('a dict is a tree, walked by position into nested containers, children paged', () => {
    define('d = {"a": 1, "b": [10, 20, {"c": 3.5, "n": None, "t": True}], "s": "x" * 5000}');
    const root = inspect('d');
    expect(root.view).toBe('tree');
    if (root.view !== 'tree') return;
    expect(root.total).toBe(3);
    expect(root.children[1]).toMatchObject({ key: "'b'", type: 'list', size: 'len 3', expandable: true });
    expect(root.children[2]!.preview.length).toBeLessThanOrEqual(200);
    const inner = inspect('d', { path: [1, 2], view: 'tree' });
    expect(inner.view === 'tree' && inner.children.map((c) => [c.key, c.preview])).toEqual([
      ["'c'", '3.5'],
      ["'n'", 'None'],
      ["'t'", 'True'],
    ]);
    const paged = inspect('d', { limit: 2, offset: 2 });
    expect(paged.view === 'tree' && paged.children.map((c) => c.key)).toEqual(["'s'"]);
    define('wide = {i: i for i in range(5000)}');
    const wide = inspect('wide', { offset: 4990 });
    expect(wide.view === 'tree' && [wide.total, wide.children.length, wide.children[0]!.key]).toEqual([5000, 10, '4990']);
  });

  it('records and equal-length rows are tables with typed columns', () => {
    define('recs = [{"city": "Oslo", "pop": 700_000, "big": 2**60}, {"city": "Bergen", "pop": None}]\nrows = [(1, "a", 2.5), (2, "b", float("nan"))]');
    const recs = inspect('recs');
    expect(recs.view === 'table' && recs.columns).toEqual([
      { name: 'city', type: 'string' },
      { name: 'pop', type: 'number' },
      { name: 'big', type: 'number' },
    ]);
    // An integer JavaScript cannot hold exactly travels as its digits.
    expect(recs.view === 'table' && recs.rows).toEqual([
      ['Oslo', 700000, '1152921504606846976'],
      ['Bergen', null, null],
    ]);
    const rows = inspect('rows');
    expect(rows.view === 'table' && rows.rows).toEqual([
      [1, 'a', 2.5],
      [2, 'b', 'nan'],
    ]);
  });

  it('dates and decimals in records show as their library writes them, not as a type name', () => {
    define('import datetime, decimal\nevents = [{"on": datetime.date(2024, 1, 2), "cost": decimal.Decimal("1.50")}]');
    expect(inspect('events')).toMatchObject({ view: 'table', rows: [['2024-01-02', '1.50']] });
  });

  it('a page stops at the byte budget, and a page size over the cap is cut', () => {
    define('texts = ["y" * 1000] * 5000');
    const r = inspect('texts', { limit: 100_000 });
    expect(r.view).toBe('table');
    if (r.view !== 'table') return;
    // Cells are cut to 200 characters; 500 rows at most per answer, and fewer once it passes ~200 KB.
    expect(r.rows[0]![0]).toHaveLength(200);
    expect(r.rows.length).toBeLessThanOrEqual(500);
    expect(r.total).toBe(5000);
  });

  it('says when a variable is gone, or a path no longer leads anywhere; a change gets a new token', () => {
    define('xs = [1, 2, 3]');
    const before = inspect('xs');
    expect(inspect('nope')).toEqual({ view: 'error', error: 'nope is no longer defined in the kernel.', missing: true });
    expect(inspect('xs', { path: [7] })).toMatchObject({ view: 'error', missing: false });
    define('xs = [1, 2, 3, 4]');
    const after = inspect('xs');
    expect(before.view === 'table' && after.view === 'table' && before.token !== after.token).toBe(true);
  });

  it('other objects show their bounded text', () => {
    define('n = 3.25\nclass K:\n    pass\nk = K()');
    expect(inspect('n')).toMatchObject({ view: 'value', text: '3.25' });
    expect(inspect('k')).toMatchObject({ view: 'value', text: '<K object>' });
  });
});
