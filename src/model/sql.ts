/**
 * SQL cells in the document: the name of the Python variable a SQL cell's result is bound to, and the `%%sql`
 * cell magic that makes a code cell a SQL query. The name lives in the cell's metadata (`anode.sql_result`), so it
 * syncs with the cell and goes into .ipynb files inside Anode's metadata namespace.
 */
import type * as Y from 'yjs';
import { getCell } from './cells';
import type { Origin } from './origin';

/** The variable a SQL cell's result goes to when the cell names none. */
export const SQL_RESULT_DEFAULT = '_sql';

/** The metadata namespace (as in .ipynb files) and its field for the result's name. */
const NS = 'anode';
const FIELD = 'sql_result';

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

/** Whether `name` can be assigned to in Python (an ASCII identifier that is not a keyword). */
export function isResultName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(name) && !PY_KEYWORDS.has(name);
}

/** The result variable a cell's metadata names; the default when it names none or something unusable. */
export function sqlResultName(metadata: Record<string, unknown>): string {
  const ns = metadata[NS];
  const name = typeof ns === 'object' && ns !== null ? (ns as Record<string, unknown>)[FIELD] : undefined;
  return typeof name === 'string' && isResultName(name) ? name : SQL_RESULT_DEFAULT;
}

/**
 * Names the variable a SQL cell's result goes to (the default name clears the field). Returns false, changing
 * nothing, when `name` is not a Python identifier.
 */
export function setSqlResultName(doc: Y.Doc, cellId: string, name: string, origin: Origin): boolean {
  if (!isResultName(name)) return false;
  doc.transact(() => {
    const md = getCell(doc, cellId)?.get('metadata') as Y.Map<unknown> | undefined;
    if (!md || typeof md.get !== 'function') return;
    const ns = md.get(NS);
    const rest = typeof ns === 'object' && ns !== null ? { ...(ns as Record<string, unknown>) } : {};
    delete rest[FIELD];
    if (name !== SQL_RESULT_DEFAULT) rest[FIELD] = name;
    if (Object.keys(rest).length) md.set(NS, rest);
    else md.delete(NS);
  }, origin);
  return true;
}

/**
 * A code cell that starts with `%%sql` is a query (as with jupysql). An identifier after the magic names the result
 * variable (`%%sql df_sales`). Null when the source is not a `%%sql` cell.
 */
export function parseSqlMagic(source: string): { query: string; resultName: string | null } | null {
  const m = /^%%sql(?:[ \t]+([^\n]*))?(?:\r?\n|$)/.exec(source);
  if (!m) return null;
  const arg = (m[1] ?? '').trim();
  return { query: source.slice(m[0].length), resultName: isResultName(arg) ? arg : null };
}
