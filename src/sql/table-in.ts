/**
 * A Python table as DuckDB receives it: the columns Python exported (workers/python/anode_kernel/sql.py) built into
 * an Arrow table with one typed column each, so that DuckDB sees integers as integers and dates as dates.
 */
import { Bool, Float64, Int32, Int64, Table, Utf8, tableToIPC, DateMillisecond, TimestampMillisecond, vectorFromArray, type Vector } from 'apache-arrow';
import type { SqlColumnIn } from '../kernel';

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function isoToMs(v: unknown, time: boolean): number | null {
  if (typeof v !== 'string') return null;
  // Python's isoformat is local and naive: read it as UTC so that DuckDB shows the same wall-clock value.
  const t = Date.parse(time ? `${v.replace(' ', 'T')}Z`.replace(/([+-]\d\d:\d\d)Z$/, '$1') : `${v}T00:00:00Z`);
  return Number.isNaN(t) ? null : t;
}

function column(c: SqlColumnIn): Vector {
  const v = c.values;
  switch (c.kind) {
    case 'int': {
      const small = v.every((x) => x === null || (typeof x === 'number' && x >= INT32_MIN && x <= INT32_MAX));
      if (small) return vectorFromArray(v as Array<number | null>, new Int32());
      return vectorFromArray(v.map((x) => (typeof x === 'number' ? BigInt(Math.trunc(x)) : null)), new Int64());
    }
    case 'float':
      return vectorFromArray(v as Array<number | null>, new Float64());
    case 'bool':
      return vectorFromArray(v as Array<boolean | null>, new Bool());
    case 'date':
      return vectorFromArray(v.map((x) => { const ms = isoToMs(x, false); return ms === null ? null : new Date(ms); }), new DateMillisecond());
    case 'timestamp':
      return vectorFromArray(v.map((x) => isoToMs(x, true)), new TimestampMillisecond());
    default:
      return vectorFromArray(v.map((x) => (x === null || x === undefined ? null : String(x))), new Utf8());
  }
}

/** An Arrow table of the exported columns (a table with no columns cannot be created in DuckDB: null). */
export function arrowTable(columns: SqlColumnIn[]): Table | null {
  if (!columns.length) return null;
  return new Table(Object.fromEntries(columns.map((c) => [c.name, column(c)])));
}

/**
 * The same as an Arrow IPC stream, which is how DuckDB takes it (its `insertArrowTable` serialises to this anyway;
 * bytes do not depend on both sides sharing one Arrow library instance).
 */
export function arrowIPC(columns: SqlColumnIn[]): Uint8Array | null {
  const table = arrowTable(columns);
  return table ? tableToIPC(table, 'stream') : null;
}
