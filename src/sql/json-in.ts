/**
 * A JSON file as a table, for DuckDB without its json extension: an array of objects (or one object) is rows; a
 * file with one value a line (NDJSON, JSON Lines) is a row a line. Columns are the objects' keys in order of first
 * appearance, each given the kind DuckDB's `read_json` would infer for plain values (integers, floats, booleans,
 * ISO dates and timestamps, strings), then built into Arrow by ./table-in.ts like a Python table.
 *
 * Not like `read_json`: nested objects and arrays stay JSON text (DuckDB would make STRUCTs and LISTs), and integers
 * beyond 2^53 lose precision (JavaScript's numbers).
 */
import type { SqlColumnIn } from '../kernel';
import type { FileFormat } from './file-refs';

/** Rows that are not objects (`[1, 2]`, a line `"a"`) go into one column of this name, as in DuckDB. */
const VALUE_COLUMN = 'json';

function lines(text: string): unknown[] {
  const rows: unknown[] = [];
  const all = text.split('\n');
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!.trim();
    if (!line) continue;
    try {
      rows.push(JSON.parse(line));
    } catch (e) {
      throw new Error(`line ${i + 1}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return rows;
}

/** The file's rows: parsed as one JSON document first (unless it is NDJSON by name), else as one value a line. */
export function jsonRows(bytes: Uint8Array, format: FileFormat): unknown[] {
  const text = new TextDecoder().decode(bytes);
  if (format === 'json') {
    try {
      const doc: unknown = JSON.parse(text);
      return Array.isArray(doc) ? doc : [doc];
    } catch (e) {
      // One document it is not; it may be one value a line (what `read_json` auto-detects too).
      if (!/\n\s*\S/.test(text.trim())) throw e;
    }
  }
  return lines(text);
}

const DATE = /^\d{4}-\d\d-\d\d$/;
const TIMESTAMP = /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d{1,9})?$/;

function kindOf(values: unknown[]): SqlColumnIn['kind'] {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (!present.length) return 'str';
  if (present.every((v) => typeof v === 'boolean')) return 'bool';
  if (present.every((v) => typeof v === 'number')) return present.every((v) => Number.isSafeInteger(v)) ? 'int' : 'float';
  if (present.every((v) => typeof v === 'string' && DATE.test(v))) return 'date';
  if (present.every((v) => typeof v === 'string' && TIMESTAMP.test(v))) return 'timestamp';
  return 'str';
}

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** Rows as columns with kinds (a key missing from a row is NULL there). */
export function jsonColumns(rows: unknown[]): SqlColumnIn[] {
  const names: string[] = [];
  const seen = new Set<string>();
  const isRecord = (r: unknown): r is Record<string, unknown> => typeof r === 'object' && r !== null && !Array.isArray(r);
  for (const r of rows) {
    const keys = isRecord(r) ? Object.keys(r) : [VALUE_COLUMN];
    for (const k of keys) if (!seen.has(k)) (seen.add(k), names.push(k));
  }
  return names.map((name) => {
    const values = rows.map((r) => (isRecord(r) ? r[name] : name === VALUE_COLUMN ? r : undefined) ?? null);
    const kind = kindOf(values);
    return { name, kind, values: kind === 'str' ? values.map(asText) : values };
  });
}
