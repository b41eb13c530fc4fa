/**
 * SQL cells' Python half (workers/python/anode_kernel/sql.py) in real Pyodide: which variables are tables, how they
 * are exported, what parameters may be, and the result bound back as a SqlTable a user can work with.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PyodideInterface } from 'pyodide';
import { pyodideWithKernelSources } from './helpers/pyodide';

let pyodide: PyodideInterface;

/** Runs `code` in the kernel's user namespace, then returns the value of `expr` (Python) as JSON-decoded. */
function py(code: string, expr: string): unknown {
  pyodide.runPython(`from anode_kernel import sql as _s\nfrom anode_kernel.variables import namespace as _ns\nexec(${JSON.stringify(code)}, _ns())`);
  return JSON.parse(pyodide.runPython(`import json\njson.dumps(${expr})`) as string);
}

beforeAll(async () => {
  pyodide = await pyodideWithKernelSources();
}, 60_000);

describe('tables Python offers to SQL', () => {
  it('a dict of equal columns, a list of dicts and a SqlTable are tables; other values are not', () => {
    const tables = py(
      'import datetime\ncols = {"a": [1, 2], "b": ["x", "y"]}\nrows = [{"a": 1}, {"a": 2, "c": True}]\nragged = {"a": [1], "b": [1, 2]}\nn = 3\nwords = ["a"]\ndef f(): pass',
      'json.loads(_s.tables_json())',
    ) as Array<{ name: string; columns: string[] }>;
    const byName = Object.fromEntries(tables.map((t) => [t.name, t.columns]));
    expect(byName['cols']).toEqual(['a', 'b']);
    expect(byName['rows']).toEqual(['a', 'c']);
    expect(byName['ragged']).toBeUndefined();
    expect(byName['n']).toBeUndefined();
    expect(byName['words']).toBeUndefined();
  });

  it('columns are exported with a kind; NaN is NULL; mixed columns become text', () => {
    const out = py(
      'import datetime, math\nt = {"i": [1, None], "f": [1, 2.5], "nan": [math.nan, 1.0], "s": ["a", None], "mixed": [1, "x"], "d": [datetime.date(2024, 1, 2), None], "ts": [datetime.datetime(2024, 1, 2, 3, 4, 5), None], "ok": [True, False]}',
      'json.loads(_s.export_json("t"))',
    ) as { rows: number; columns: Array<{ name: string; kind: string; values: unknown[] }> };
    expect(out.rows).toBe(2);
    expect(out.columns.map((c) => [c.name, c.kind, c.values])).toEqual([
      ['i', 'int', [1, null]],
      ['f', 'float', [1, 2.5]],
      ['nan', 'float', [null, 1.0]],
      ['s', 'str', ['a', null]],
      ['mixed', 'str', ['1', 'x']],
      ['d', 'date', ['2024-01-02', null]],
      ['ts', 'timestamp', ['2024-01-02 03:04:05', null]],
      ['ok', 'bool', [true, false]],
    ]);
  });

  it('parameters are scalars; a missing name or a list is refused with a message naming it', () => {
    expect(py('low = 3\nwho = "x\' OR 1=1"', 'json.loads(_s.values_json(json.dumps(["low", "who"])))')).toEqual({ low: 3, who: "x' OR 1=1" });
    expect(py('', '_s.values_json(json.dumps(["nobody"]))')).toBe("\u0000error:NameError: name 'nobody' is not defined (used as {nobody} in the query)");
    expect(py('lst = [1]', '_s.values_json(json.dumps(["lst"]))')).toMatch(/^\u0000error:TypeError: \{lst\} is a list/);
  });
});

describe('the result in Python', () => {
  it('is a SqlTable: columns by name, rows by index, typed arrays and JSON columns, a readable repr', () => {
    pyodide.globals.set('arrays', [new Float64Array([0.5, 1.5])]);
    const got = py(
      '',
      `[_s.import_result("res", json.dumps({"truncated": False, "columns": [{"name": "x", "kind": "float", "typed": 0}, {"name": "name", "kind": "str", "values": ["a", None]}, {"name": "day", "kind": "date", "values": ["2024-01-02", None]}]}), arrays), _ns()["res"]["x"], _ns()["res"][1]["name"], len(_ns()["res"]), str(_ns()["res"]["day"][0]), repr(_ns()["res"]).splitlines()]`,
    ) as [string, number[], unknown, number, string, string[]];
    expect(got[0]).toBe('SqlTable');
    expect(got[1]).toEqual([0.5, 1.5]);
    expect(got[2]).toBeNull();
    expect(got[3]).toBe(2);
    expect(got[4]).toBe('2024-01-02');
    expect(got[5][0]).toMatch(/^x\s+name\s+day$/);
    expect(got[5].at(-1)).toBe('[2 rows × 3 columns]');
    // The result is a table for the next SQL cell too.
    expect((py('', 'json.loads(_s.tables_json())') as Array<{ name: string }>).map((t) => t.name)).toContain('res');
  });
});
