/**
 * A query's result as the output shows it and as Python receives it, from real DuckDB (duckdb-wasm's Node build),
 * and Python's tables as DuckDB receives them.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { collectResult, displayValue, pythonColumns } from '../../src/sql/result';
import { DISPLAY_ROWS, PAGE_ROWS, resultBundle, summary } from '../../src/sql/output';
import { chartSvg } from '../../src/sql/chart';
import { arrowIPC } from '../../src/sql/table-in';
import { nodeDuckDB, type NodeConnection } from './helpers/duckdb';

let conn: NodeConnection;
beforeAll(async () => {
  ({ conn } = await nodeDuckDB());
}, 60_000);

function query(sql: string, cap?: number) {
  const t = conn.query(sql);
  return collectResult(t.schema, t.batches, cap);
}

type Result = ReturnType<typeof query>;
const column = (r: Result, name: string) => r.columns.find((c) => c.name === name)!;
const shown = (r: Result, name: string) => Array.from({ length: r.rows }, (_, i) => displayValue(column(r, name), i));
const info = { elapsedMs: 12, variable: { name: '_sql', type: 'SqlTable' } };

describe('values as shown', () => {
  test('sums of integers stay integers; decimals, dates, timestamps, NULL, lists and bytes read as a person would', () => {
    const r = query(`SELECT SUM(x) AS s, 1.25::DECIMAL(10,2) AS d, DATE '2024-02-29' AS day, TIMESTAMP '2024-02-29 13:04:05.250' AS ts,
      NULL::INT AS n, [1, 2] AS l, {'k': 'v'} AS st, 'abc'::BLOB AS b, 12345678901234::BIGINT AS big FROM (VALUES (10), (5)) t(x)`);
    expect(Object.fromEntries(r.columns.map((c) => [c.name, displayValue(c, 0)]))).toEqual({
      s: '15',
      d: '1.25',
      day: '2024-02-29',
      ts: '2024-02-29 13:04:05.250',
      n: null,
      l: '[1,2]',
      st: '{"k":"v"}',
      b: '0x616263 (3 bytes)',
      big: '12345678901234',
    });
  });

  test('same-named columns get distinct names', () => {
    expect(query('SELECT 1 AS a, 2 AS a').columns.map((c) => c.name)).toEqual(['a', 'a_1']);
  });
});

describe('what Python receives', () => {
  test('numeric columns without NULLs as typed arrays (copies), the rest as JSON with kinds', () => {
    const r = query("SELECT i, i / 2 AS half, CASE WHEN i = 2 THEN NULL ELSE i END AS gap, 'r' || i AS name, DATE '2024-01-01' + i::INT AS day FROM range(3) t(i)");
    const { columns, arrays } = pythonColumns(r);
    expect(columns.map((c) => [c.name, c.kind, c.typed ?? null])).toEqual([
      ['i', 'int', 0],
      ['half', 'float', 1],
      ['gap', 'int', null],
      ['name', 'str', null],
      ['day', 'date', null],
    ]);
    expect(Array.from(arrays[0] as BigInt64Array)).toEqual([0n, 1n, 2n]);
    expect(arrays[0]).not.toBe(column(r, 'i').values);
    expect(columns[2]!.values).toEqual([0, 1, null]);
    // A sum over integers (a HUGEINT, a DECIMAL(38, 0) in Arrow) reaches Python as numbers.
    expect(pythonColumns(query('SELECT SUM(x) AS s FROM (VALUES (10), (5)) v(x)')).columns[0]!.values).toEqual([15]);
    expect(columns[4]!.values).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
  });

  test('a result over the cap is cut and says so', () => {
    const r = query('SELECT * FROM range(2500)', 1000);
    expect(r.rows).toBe(1000);
    expect(r.truncated).toBe(true);
    expect(summary(r, info)).toContain('more than 1,000 rows (only the first 1,000 were read: add LIMIT or aggregate)');
  });
});

describe('the output', () => {
  test('a table with row count, columns, time and the variable; a pager for more than a page', () => {
    const r = query('SELECT i, i * i AS sq FROM range(120) t(i)');
    const out = resultBundle(r, info);
    expect(out.data['text/plain']).toContain('120 rows × 2 columns · 12 ms · in _sql (SqlTable)');
    expect(out.data['text/plain']!.split('\n').slice(0, 3)).toEqual(['i  sq', '0  0', '1  1']);
    const html = out.data['text/html']!;
    expect(html.match(/<tr>/g)!.length).toBe(121);
    expect(html).toContain('aria-label="Next page"');
    expect(html).toContain(`size=${PAGE_ROWS}`);
  });

  test('a huge result keeps only the first rows in the document', () => {
    const r = query('SELECT i FROM range(5000) t(i)');
    const out = resultBundle(r, info);
    expect(out.data['text/html']!.match(/<tr>/g)!.length).toBe(DISPLAY_ROWS + 1);
    expect(out.data['text/plain']).toContain(`showing the first ${DISPLAY_ROWS}`);
    expect(out.data['text/html']!.length).toBeLessThan(100_000);
  });

  test('values are escaped: markup in data is text', () => {
    const r = query(`SELECT '<img src=x onerror=alert(1)>' AS "<b>"`);
    const html = resultBundle(r, info).data['text/html']!;
    expect(html).not.toContain('<img');
    expect(html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    expect(html).toContain('<th>&#60;b&#62;');
  });
});

describe('the quick chart', () => {
  test('few labelled rows are bars, one per row, sized by value, behind a Chart toggle', () => {
    const r = query("SELECT * FROM (VALUES ('north', 10), ('south', 40), ('west', -5)) v(region, total)");
    const html = resultBundle(r, info).data['text/html']!;
    expect(html).toContain('<button class="view" aria-pressed="false">Chart</button>');
    expect(html).toContain('<div class="chart-view" hidden>');
    const svg = chartSvg(r, r.rows)!;
    expect(svg).toContain('aria-label="Chart: total by region"');
    const heights = [...svg.matchAll(/<rect [^>]*height="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(heights).toHaveLength(3);
    expect(heights[1]! / heights[0]!).toBeCloseTo(4, 1);
    expect(heights[2]! / heights[0]!).toBeCloseTo(0.5, 1);
    expect(svg).toContain('<title>south: 40</title>');
  });

  test('many rows, or no label column, are lines (one per numeric column, at most three)', () => {
    const r = query('SELECT i, i * i AS sq, -i AS neg, i / 2 AS half FROM range(200) t(i)');
    const svg = chartSvg(r, r.rows)!;
    expect(svg.match(/<polyline /g)).toHaveLength(3);
    expect(svg).toContain('aria-label="Chart: i, sq, neg by row"');
    expect(svg.match(/<polyline [^>]*points="([^"]*)"/)![1]!.split(' ')).toHaveLength(200);
  });

  test('nothing to chart without a number; labels are escaped', () => {
    expect(chartSvg(query("SELECT 'a' AS s"), 1)).toBeNull();
    expect(resultBundle(query("SELECT 'a' AS s"), info).data['text/html']).not.toContain('Chart');
    const svg = chartSvg(query(`SELECT '<script>x</script>' AS "<b>", 1 AS n`), 1)!;
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
  });
});

describe("Python's tables in DuckDB", () => {
  test('columns keep their types: integers, floats with NULL, strings, booleans, dates, timestamps', () => {
    const ipc = arrowIPC([
      { name: 'id', kind: 'int', values: [1, 2, 3] },
      { name: 'big', kind: 'int', values: [1, 2 ** 40, null] },
      { name: 'x', kind: 'float', values: [1.5, null, 2] },
      { name: 'name', kind: 'str', values: ['a', "it's", null] },
      { name: 'ok', kind: 'bool', values: [true, false, null] },
      { name: 'day', kind: 'date', values: ['2024-01-02', null, '2024-03-04'] },
      { name: 'seen', kind: 'timestamp', values: ['2024-01-02 03:04:05', null, '2024-03-04 00:00:00.250000'] },
    ])!;
    conn.insertArrowFromIPCStream(ipc, { name: 'py_t', create: true });
    const types = conn.query('DESCRIBE py_t').toArray().map((r) => (r.toJSON() as { column_type: string }).column_type);
    expect(types).toEqual(['INTEGER', 'BIGINT', 'DOUBLE', 'VARCHAR', 'BOOLEAN', 'DATE', 'TIMESTAMP_MS']);
    const r = query("SELECT sum(id) AS s, sum(big) AS b, count(x) AS nx, string_agg(name, '|') AS names, strftime(max(day), '%Y-%m-%d') AS last, strftime(min(seen), '%H:%M:%S') AS first FROM py_t");
    expect(Object.fromEntries(r.columns.map((c) => [c.name, displayValue(c, 0)]))).toEqual({
      s: '6',
      b: String(1 + 2 ** 40),
      nx: '2',
      names: "a|it's",
      last: '2024-03-04',
      first: '03:04:05',
    });
  });

  test('a table without columns is not sent', () => {
    expect(arrowIPC([])).toBeNull();
  });
});
