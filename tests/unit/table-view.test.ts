/**
 * The table view's logic (src/ui/table/table-model.ts), the data resource reader behind table outputs, and the
 * checks on explorer answers that may come from another peer.
 */
import { describe, expect, it } from 'vitest';
import { columnStats, filterRows, inferType, nextSort, pageOf, sortRows, toCsv, type Cell } from '../../src/ui/table/table-model';
import { readDataResource } from '../../src/ui/table/dataresource';
import { readInspectRequest, readInspectResult } from '../../src/kernel/inspect';

const rows: Cell[][] = [
  ['Oslo', 700, true],
  ['bergen', null, false],
  ['Åre', 3.5, null],
  ['Item 10', 12, true],
  ['Item 9', -1, false],
];

describe('table view: sort, filter, stats, pages, CSV', () => {
  it('sorts numbers numerically and text naturally, nulls last both ways, stable on ties', () => {
    const all = rows.map((_, i) => i);
    expect(sortRows(rows, all, { column: 1, dir: 'asc' })).toEqual([4, 2, 3, 0, 1]);
    expect(sortRows(rows, all, { column: 1, dir: 'desc' })).toEqual([0, 3, 2, 4, 1]);
    expect(sortRows(rows, all, { column: 0, dir: 'asc' }).map((i) => rows[i]![0])).toEqual(['Åre', 'bergen', 'Item 9', 'Item 10', 'Oslo']);
    expect(sortRows(rows, all, { column: 2, dir: 'asc' })).toEqual([1, 4, 0, 3, 2]);
    expect(sortRows(rows, all, null)).toEqual(all);
  });

  it('a header click cycles ascending, descending, unsorted; another column starts ascending', () => {
    expect(nextSort(null, 1)).toEqual({ column: 1, dir: 'asc' });
    expect(nextSort({ column: 1, dir: 'asc' }, 1)).toEqual({ column: 1, dir: 'desc' });
    expect(nextSort({ column: 1, dir: 'desc' }, 1)).toBeNull();
    expect(nextSort({ column: 1, dir: 'desc' }, 0)).toEqual({ column: 0, dir: 'asc' });
  });

  it('filters case-insensitively in every column or one', () => {
    expect(filterRows(rows, 'item')).toEqual([3, 4]);
    expect(filterRows(rows, '  ')).toEqual([0, 1, 2, 3, 4]);
    expect(filterRows(rows, 'true')).toEqual([0, 3]);
    expect(filterRows(rows, '1', 1)).toEqual([3, 4]);
    expect(filterRows(rows, 'oslo', 1)).toEqual([]);
  });

  it('quick stats: count, nulls, min/max/mean of numbers, distinct of the rest, over the rows given', () => {
    expect(columnStats(rows, 1, 'number')).toEqual({ count: 5, nulls: 1, min: -1, max: 700, mean: (700 + 3.5 + 12 - 1) / 4, distinct: null });
    expect(columnStats(rows, 2, 'boolean')).toEqual({ count: 5, nulls: 1, min: null, max: null, mean: null, distinct: 2 });
    expect(columnStats(rows, 1, 'number', [3, 4])).toMatchObject({ count: 2, min: -1, max: 12, mean: 5.5 });
    expect(columnStats([], 0, 'number')).toEqual({ count: 0, nulls: 0, min: null, max: null, mean: null, distinct: null });
  });

  it('pages are clamped to the rows there are', () => {
    expect(pageOf(10_000, 50, 3)).toEqual({ index: 3, count: 200, start: 150, end: 200 });
    expect(pageOf(10_000, 50, 999)).toMatchObject({ index: 199, start: 9950, end: 10_000 });
    expect(pageOf(0, 50, 2)).toEqual({ index: 0, count: 1, start: 0, end: 0 });
  });

  it('infers a column type from its values', () => {
    expect(inferType([1, null, 2.5])).toBe('number');
    expect(inferType([true, null])).toBe('boolean');
    expect(inferType([1, 'a'])).toBe('string');
    expect(inferType([null])).toBe('string');
  });

  it('CSV: quoted where needed, in the order shown, formulas defused', () => {
    const csv = toCsv(
      [
        { name: 'name', type: 'string' },
        { name: 'n', type: 'number' },
      ],
      [
        ['a, "b"', 1],
        ['=cmd()', -2],
        ['line\nbreak', null],
      ],
      [2, 0, 1],
    );
    expect(csv).toBe('name,n\r\n"line\nbreak",\r\n"a, ""b""",1\r\n\'=cmd(),-2\r\n');
  });
});

describe('data resource outputs', () => {
  it('reads a pandas table-schema bundle: declared types, records by field name, nested values as text', () => {
    const t = readDataResource({
      schema: { fields: [{ name: 'index', type: 'integer' }, { name: 'when', type: 'datetime' }, { name: 'x' }], primaryKey: ['index'] },
      data: [
        { index: 0, when: '2024-01-01T00:00:00.000', x: { a: 1 } },
        { index: 1, when: null, x: 'text' },
        'not a row',
      ],
    });
    expect(t?.columns).toEqual([
      { name: 'index', type: 'number' },
      { name: 'when', type: 'date' },
      { name: 'x', type: 'string' },
    ]);
    expect(t?.rows).toEqual([
      [0, '2024-01-01T00:00:00.000', '{"a":1}'],
      [1, null, 'text'],
    ]);
  });

  it('rejects what is not a data resource', () => {
    expect(readDataResource(null)).toBeNull();
    expect(readDataResource({ data: [] })).toBeNull();
    expect(readDataResource({ schema: { fields: 'x' }, data: [] })).toBeNull();
  });
});

describe('explorer answers and questions from peers', () => {
  it('bounds and type-checks a table answer; anything else is an error result', () => {
    const r = readInspectResult({
      name: 'x',
      type: 'list',
      token: 't',
      path: [0, 'bad'],
      offset: 5,
      total: 10,
      view: 'table',
      columns: [{ name: 'value', type: 'weird' }],
      rows: [[1, 2], ['<b>x</b>'], 'no', [{ o: 1 }], [Infinity]],
      moreColumns: -3,
    });
    expect(r).toEqual({
      name: 'x',
      type: 'list',
      token: 't',
      path: [0],
      offset: 5,
      total: 10,
      view: 'table',
      columns: [{ name: 'value', type: 'string' }],
      rows: [[1], ['<b>x</b>'], [null], [null], [null]],
      moreColumns: 0,
      index: false,
    });
    expect(readInspectResult('{not json')).toMatchObject({ view: 'error' });
    expect(readInspectResult({ view: 'table' })).toMatchObject({ view: 'error' });
    expect(readInspectResult({ error: 'gone', missing: true })).toEqual({ view: 'error', error: 'gone', missing: true });
  });

  it('bounds a question: page size capped, negative positions refused', () => {
    expect(readInspectRequest({ path: [1, 2], offset: 3, limit: 1e9, view: 'tree' })).toEqual({ path: [1, 2], offset: 3, limit: 500, view: 'tree' });
    expect(readInspectRequest({ path: [-1], offset: 0, limit: 10 })).toBeNull();
    expect(readInspectRequest({ path: 'x' })).toBeNull();
    expect(readInspectRequest({ path: [], offset: -4, limit: 0 })).toEqual({ path: [], offset: 0, limit: 1, view: 'auto' });
  });
});
