/**
 * The table view's logic, apart from any DOM: column types, filtering, sorting, quick statistics, paging and CSV.
 * Rows are arrays of plain cells (untrusted values from Python or a notebook file: only ever shown as text).
 * Sorting and filtering return row indices, so a 10,000-row table is never copied.
 */
import type { InspectCell, InspectColumnType } from '../../kernel';

export type Cell = InspectCell;
export type ColumnType = InspectColumnType;

export interface Column {
  name: string;
  type: ColumnType;
}

export type SortDir = 'asc' | 'desc';
export interface SortKey {
  column: number;
  dir: SortDir;
}

/** Quick statistics of one column over the rows given (nulls counted apart; numbers and strings summarised). */
export interface ColumnStats {
  count: number;
  nulls: number;
  min: number | null;
  max: number | null;
  mean: number | null;
  /** Distinct non-null values (strings, booleans, dates). */
  distinct: number | null;
}

/** The type most of a column's non-null values have: all numbers → number, all booleans → boolean, else string. */
export function inferType(values: Iterable<Cell>): ColumnType {
  let numbers = 0;
  let booleans = 0;
  let others = 0;
  for (const v of values) {
    if (v === null) continue;
    if (typeof v === 'number') numbers++;
    else if (typeof v === 'boolean') booleans++;
    else others++;
  }
  if (others || (numbers && booleans)) return 'string';
  return booleans ? 'boolean' : numbers ? 'number' : 'string';
}

/** A cell as the text shown and copied (an empty string for null). */
export function cellText(v: Cell): string {
  return v === null ? '' : String(v);
}

/** Indices of the rows where any cell (or the given column's cell) contains `query`, case-insensitively. */
export function filterRows(rows: readonly Cell[][], query: string, column: number | null = null): number[] {
  const q = query.trim().toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (!q) out.push(i);
    else if (column !== null ? cellText(row[column] ?? null).toLowerCase().includes(q) : row.some((c) => cellText(c).toLowerCase().includes(q))) out.push(i);
  }
  return out;
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(a: Cell, b: Cell): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (typeof a === 'number' && typeof b !== 'number') return -1; // numbers before text in a mixed column
  if (typeof b === 'number' && typeof a !== 'number') return 1;
  return collator.compare(cellText(a), cellText(b));
}

/**
 * `indices` ordered by a column; nulls always last whatever the direction. Stable: equal values keep their order.
 * Returns a new array.
 */
export function sortRows(rows: readonly Cell[][], indices: readonly number[], key: SortKey | null): number[] {
  const out = [...indices];
  if (!key) return out;
  const sign = key.dir === 'asc' ? 1 : -1;
  out.sort((i, j) => {
    const a = rows[i]![key.column] ?? null;
    const b = rows[j]![key.column] ?? null;
    if (a === null || b === null) return a === b ? i - j : a === null ? 1 : -1;
    return sign * compare(a, b) || i - j;
  });
  return out;
}

/** The next sort after a click on a column's header: ascending, then descending, then none. */
export function nextSort(current: SortKey | null, column: number): SortKey | null {
  if (current?.column !== column) return { column, dir: 'asc' };
  return current.dir === 'asc' ? { column, dir: 'desc' } : null;
}

export function columnStats(rows: readonly Cell[][], column: number, type: ColumnType, indices?: readonly number[]): ColumnStats {
  let count = 0;
  let nulls = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let numbers = 0;
  const seen = type === 'number' ? null : new Set<string>();
  const n = indices ? indices.length : rows.length;
  for (let k = 0; k < n; k++) {
    const v = rows[indices ? indices[k]! : k]![column] ?? null;
    count++;
    if (v === null) {
      nulls++;
      continue;
    }
    if (typeof v === 'number') {
      numbers++;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    seen?.add(cellText(v));
  }
  const numeric = type === 'number' && numbers > 0;
  return {
    count,
    nulls,
    min: numeric ? min : null,
    max: numeric ? max : null,
    mean: numeric ? sum / numbers : null,
    distinct: seen ? seen.size : null,
  };
}

export interface Page {
  /** 0-based. */
  index: number;
  count: number;
  start: number;
  end: number;
}

/** Page `index` (clamped) of `total` rows, `size` per page. */
export function pageOf(total: number, size: number, index: number): Page {
  const count = Math.max(1, Math.ceil(total / size));
  const i = Math.min(Math.max(0, index), count - 1);
  return { index: i, count, start: i * size, end: Math.min(total, (i + 1) * size) };
}

function csvField(v: Cell): string {
  const s = cellText(v);
  // RFC 4180 quoting; a leading = + - @ is prefixed so that a spreadsheet does not run it as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v !== 'number' ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The given rows (in that order) as CSV with a header line, CRLF line ends (RFC 4180). */
export function toCsv(columns: readonly Column[], rows: readonly Cell[][], indices?: readonly number[]): string {
  const lines = [columns.map((c) => csvField(c.name)).join(',')];
  const order = indices ?? rows.map((_, i) => i);
  for (const i of order) lines.push(rows[i]!.map(csvField).join(','));
  return lines.join('\r\n') + '\r\n';
}
