/**
 * SQL cells' Python half on a Jupyter kernel: the browser kernel's own workers/python/anode_kernel/sql.py, installed
 * with the Variables helpers (./introspect.ts) and asked through user_expressions. DuckDB stays on the page; this
 * hands it the server's tables and parameter values and binds a query's result to a variable there (a pandas
 * DataFrame when the server has pandas), so a SQL cell means the same on either kernel.
 */
import type { KernelSql } from '../types';
import type { SqlColumnIn, SqlColumnOut, SqlTableInfo } from '../protocol';
import { encoded } from './introspect';

/** What sql.py answers instead of raising (see its `_answers`). */
const ERROR_MARK = '\x00error:';

/** A Python string literal (JSON's string escapes are Python's). */
const py = (s: string): string => JSON.stringify(s);

/** A typed column's values as JSON text Python's json reads exactly: big integers whole, NaN and infinities named. */
function typedJson(values: ArrayBufferView): string {
  const items = Array.from(values as unknown as ArrayLike<number | bigint>, (v) => {
    if (typeof v === 'bigint') return v.toString();
    if (Number.isNaN(v)) return 'NaN';
    if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
    return String(v);
  });
  return `[${items.join(',')}]`;
}

/**
 * A result's columns as the JSON `import_result` reads, typed columns inlined as values (the browser kernel passes
 * them as buffers; a Jupyter message carries text).
 */
export function resultJson(columns: SqlColumnOut[], arrays: ArrayBufferView[], truncated: boolean): string {
  const inlined: string[] = [];
  const cols = columns.map(({ typed, ...c }) => {
    if (typed === undefined || !arrays[typed]) return c;
    inlined.push(typedJson(arrays[typed]));
    return { ...c, values: `\u0000typed${inlined.length - 1}` };
  });
  return JSON.stringify({ columns: cols, truncated }).replace(/"\\u0000typed(\d+)"/g, (_, i: string) => inlined[Number(i)]!);
}

/** The SQL bridge of a Jupyter kernel whose helper answers come from `ask` (null: no answer). */
export function jupyterSql(ask: (expression: string) => Promise<string | null>): KernelSql {
  const call = async (expression: string): Promise<string> => {
    const text = await ask(encoded('sql', expression));
    if (text === null) throw new Error('The Jupyter kernel did not answer (is it busy, restarting or gone?)');
    if (text.startsWith(ERROR_MARK)) throw new Error(text.slice(ERROR_MARK.length));
    return text;
  };
  return {
    tables: async () => JSON.parse(await call('tables_json()')) as SqlTableInfo[],
    exportTable: async (name) => JSON.parse(await call(`export_json(${py(name)})`)) as { rows: number; columns: SqlColumnIn[] },
    values: async (names) => JSON.parse(await call(`values_json(${py(JSON.stringify(names))})`)) as Record<string, unknown>,
    importResult: (name, columns, arrays, truncated) => call(`import_result(${py(name)}, ${py(resultJson(columns, arrays, truncated))}, [])`),
  };
}
