/**
 * Reading the variable explorer's answers (InspectResult, see protocol.ts). They come from Python, and in a room from
 * another person's browser: every field is checked and bounded here, and anything else becomes an error result.
 * Never throws.
 */
import type { InspectCell, InspectChild, InspectColumnType, InspectRequest, InspectResult } from './protocol';

/** What the explorer asks for per page, and the most any answer may hold. */
export const INSPECT_PAGE = 100;
const MAX_ITEMS = 500;
const MAX_COLUMNS = 60;
const MAX_TEXT = 2_000;

const COLUMN_TYPES: readonly InspectColumnType[] = ['number', 'string', 'boolean', 'date'];

const str = (v: unknown, max: number): string => (typeof v === 'string' ? v.slice(0, max) : '');
const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);

/** An untrusted table cell: finite numbers, booleans and null as themselves, text cut short, anything else null. */
export function readCell(v: unknown): InspectCell {
  if (v === null || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v as InspectCell;
  return typeof v === 'string' ? v.slice(0, MAX_TEXT) : null;
}

function child(v: unknown): InspectChild | null {
  if (typeof v !== 'object' || v === null) return null;
  const c = v as Record<string, unknown>;
  return {
    key: str(c.key, 300),
    type: str(c.type, 100),
    preview: str(c.preview, 300),
    size: typeof c.size === 'string' ? c.size.slice(0, 60) : null,
    expandable: c.expandable === true,
  };
}

const failure = (error: string, missing = false): InspectResult => ({ view: 'error', error, missing });

/** An answer (parsed JSON or JSON text) as an InspectResult. */
export function readInspectResult(raw: unknown): InspectResult {
  let v = raw;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return failure('The kernel’s answer could not be read.');
    }
  }
  if (typeof v !== 'object' || v === null) return failure('The kernel’s answer could not be read.');
  const r = v as Record<string, unknown>;
  if (typeof r.error === 'string') return failure(r.error.slice(0, 500), r.missing === true);
  const base = {
    name: str(r.name, 200),
    type: str(r.type, 100),
    token: str(r.token, 200),
    path: Array.isArray(r.path) ? r.path.slice(0, 100).filter((i): i is number => Number.isInteger(i)) : [],
    offset: count(r.offset),
    total: count(r.total),
  };
  if (r.view === 'table' && Array.isArray(r.columns) && Array.isArray(r.rows)) {
    const columns = r.columns.slice(0, MAX_COLUMNS).map((c) => {
      const o = (typeof c === 'object' && c !== null ? c : {}) as Record<string, unknown>;
      const type = COLUMN_TYPES.find((t) => t === o.type) ?? 'string';
      return { name: str(o.name, 200), type };
    });
    const rows = r.rows
      .slice(0, MAX_ITEMS)
      .map((row) => (Array.isArray(row) ? columns.map((_, j) => readCell(row[j])) : columns.map(() => null)));
    return { ...base, view: 'table', columns, rows, moreColumns: count(r.moreColumns), index: r.index === true };
  }
  if (r.view === 'tree' && Array.isArray(r.children)) {
    return { ...base, view: 'tree', children: r.children.slice(0, MAX_ITEMS).flatMap((c) => child(c) ?? []) };
  }
  if (r.view === 'value') return { ...base, view: 'value', text: str(r.text, MAX_TEXT) };
  return failure('The kernel’s answer could not be read.');
}

/** A request as read from a peer: bounded, or null when it is not one. */
export function readInspectRequest(v: unknown): InspectRequest | null {
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  if (!Array.isArray(r.path) || r.path.length > 100 || !r.path.every((i) => Number.isInteger(i) && (i as number) >= 0)) return null;
  return {
    path: r.path as number[],
    offset: Math.min(count(r.offset), Number.MAX_SAFE_INTEGER),
    limit: Math.max(1, Math.min(count(r.limit), MAX_ITEMS)),
    view: r.view === 'tree' ? 'tree' : 'auto',
  };
}
