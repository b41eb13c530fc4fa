/**
 * `application/vnd.dataresource+json` output (a Frictionless data resource with a Table Schema, what pandas'
 * `to_json(orient="table")` and its `display.html.table_schema` option emit) read into the table view's columns and
 * rows. The bundle is untrusted: fields and cells are checked and bounded, nested values become short JSON text.
 */
import { readCell } from '../../kernel';
import { inferType, type Cell, type Column, type ColumnType } from './table-model';

/** Rows and columns a bundle may bring into the view; beyond these the view says how many were left out. */
export const MAX_RESOURCE_ROWS = 200_000;
const MAX_RESOURCE_COLUMNS = 200;

export interface DataResource {
  columns: Column[];
  rows: Cell[][];
  /** Rows in the bundle, including those past MAX_RESOURCE_ROWS. */
  total: number;
}

const TYPES: Record<string, ColumnType> = {
  integer: 'number',
  number: 'number',
  boolean: 'boolean',
  date: 'date',
  datetime: 'date',
  time: 'date',
  year: 'number',
};

function cellOf(v: unknown): Cell {
  if (typeof v === 'object' && v !== null) {
    try {
      return JSON.stringify(v).slice(0, 200);
    } catch {
      return null;
    }
  }
  return readCell(v);
}

/** The bundle's table, or null when it is not a data resource with a schema and rows. Never throws. */
export function readDataResource(bundle: unknown): DataResource | null {
  if (typeof bundle !== 'object' || bundle === null) return null;
  const b = bundle as Record<string, unknown>;
  const schema = b.schema as { fields?: unknown } | null | undefined;
  if (typeof schema !== 'object' || schema === null || !Array.isArray(schema.fields) || !Array.isArray(b.data)) return null;
  const fields = schema.fields.slice(0, MAX_RESOURCE_COLUMNS).map((f, i) => {
    const o = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    const name = typeof o.name === 'string' ? o.name.slice(0, 200) : String(i);
    return { name, declared: typeof o.type === 'string' ? TYPES[o.type] : undefined };
  });
  const data = b.data as unknown[];
  const rows: Cell[][] = [];
  for (const r of data.slice(0, MAX_RESOURCE_ROWS)) {
    if (Array.isArray(r)) rows.push(fields.map((_, j) => cellOf(r[j])));
    else if (typeof r === 'object' && r !== null) rows.push(fields.map((f) => cellOf((r as Record<string, unknown>)[f.name])));
  }
  const columns = fields.map((f, j) => ({ name: f.name, type: f.declared ?? inferType(rows.slice(0, 1000).map((row) => row[j] ?? null)) }));
  return { columns, rows, total: data.length };
}
