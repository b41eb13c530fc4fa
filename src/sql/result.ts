/**
 * A query's result as plain columns: what the output table shows and what goes back to Python. Built from the Arrow
 * record batches DuckDB streams, up to a cap of rows ({@link PYTHON_ROW_CAP}); a result with more rows is marked
 * truncated and the rest is never read (a ten-million-row SELECT costs what its first million cost).
 *
 * Numeric columns without NULLs stay typed arrays (copied out of Arrow's buffers, so they can be transferred to the
 * Python worker); everything else becomes JSON-able values with a kind that tells Python how to rebuild them.
 */
import { Type, util, type DataType, type Decimal, type Field, type RecordBatch, type Schema, type Vector } from 'apache-arrow';
import type { SqlColumnOut } from '../kernel';

/** Rows a result keeps: the output shows the first of them, Python gets all of them. */
export const PYTHON_ROW_CAP = 1_000_000;

type Typed = Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | Float32Array | Float64Array;

export interface ResultColumn {
  name: string;
  /** DuckDB's type as Arrow names it (Int32, Utf8, Timestamp<MICROSECOND>…). */
  type: string;
  kind: SqlColumnOut['kind'];
  /** Numbers, strings, booleans, null, bigint (64-bit integers), Uint8Array (binary) or plain JSON (lists, structs). */
  values: unknown[] | Typed;
}

export interface SqlResult {
  columns: ResultColumn[];
  rows: number;
  /** More rows existed than were kept. */
  truncated: boolean;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function isoDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function isoTimestamp(ms: number): string {
  const d = new Date(ms);
  const frac = d.getUTCMilliseconds() ? `.${pad(d.getUTCMilliseconds(), 3)}` : '';
  return `${isoDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac}`;
}

/** Lists, structs and maps as plain JSON: 64-bit integers as numbers when exact, else as strings. */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (v instanceof Uint8Array) return Array.from(v);
  if (typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') return plain((v as { toJSON(): unknown }).toJSON());
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object') return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
  return v;
}

function kindOf(type: DataType): SqlColumnOut['kind'] {
  switch (type.typeId) {
    case Type.Int:
      return 'int';
    case Type.Float:
      return 'float';
    case Type.Decimal:
      // SUM over integers is a HUGEINT, which Arrow carries as DECIMAL(38, 0): still an integer to the user.
      return (type as Decimal).scale === 0 ? 'int' : 'float';
    case Type.Bool:
      return 'bool';
    case Type.Utf8:
    case Type.LargeUtf8:
      return 'str';
    case Type.Date:
      return 'date';
    case Type.Timestamp:
      return 'timestamp';
    case Type.Binary:
    case Type.LargeBinary:
    case Type.FixedSizeBinary:
      return 'binary';
    default:
      return 'json';
  }
}

function convert(kind: SqlColumnOut['kind'], v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'int':
    case 'float':
    case 'bool':
    case 'str':
    case 'binary':
      return v;
    case 'date':
      return typeof v === 'number' ? isoDate(v) : String(v);
    case 'timestamp':
      return typeof v === 'number' ? isoTimestamp(v) : typeof v === 'bigint' ? isoTimestamp(Number(v)) : String(v);
    default:
      return plain(v);
  }
}

/** Same-named columns (`SELECT a, a`) get a suffix: Python's dict and DataFrame need distinct names. */
function distinctNames(fields: Field[]): string[] {
  const seen = new Set<string>();
  return fields.map((f) => {
    let name = f.name || 'column';
    for (let i = 1; seen.has(name); i++) name = `${f.name}_${i}`;
    seen.add(name);
    return name;
  });
}

function typedColumn(parts: Vector[], rows: number): Typed | null {
  const first = parts[0]?.toArray() as unknown;
  if (!ArrayBuffer.isView(first) || first instanceof DataView) return null;
  const Ctor = (first as Typed).constructor as { new (n: number): Typed };
  const out = new Ctor(rows);
  let at = 0;
  for (const p of parts) {
    const arr = p.toArray() as Typed;
    const n = Math.min(arr.length, rows - at);
    // Each copy owns its buffer: Arrow's views share one, which could not be transferred twice.
    (out as { set(a: ArrayLike<number | bigint>, at: number): void }).set(arr.subarray(0, n) as ArrayLike<number | bigint>, at);
    at += n;
  }
  return out;
}

/** The first `cap` rows of a streamed result; `more` says whether DuckDB had rows after the last batch given. */
export function collectResult(schema: Schema | null, batches: RecordBatch[], cap: number = PYTHON_ROW_CAP, more = false): SqlResult {
  const total = batches.reduce((n, b) => n + b.numRows, 0);
  const rows = Math.min(total, cap);
  const fields = schema?.fields ?? [];
  const names = distinctNames(fields);
  const columns = fields.map((field, j): ResultColumn => {
    const kind = kindOf(field.type);
    const parts = batches.map((b) => b.getChildAt(j)).filter((v): v is Vector => v !== null);
    const nulls = parts.reduce((n, p) => n + p.nullCount, 0);
    const plainNumbers = field.type.typeId === Type.Int || field.type.typeId === Type.Float;
    const typed = plainNumbers && nulls === 0 ? typedColumn(parts, rows) : null;
    if (typed) return { name: names[j]!, type: String(field.type), kind, values: typed };
    const values: unknown[] = new Array(rows);
    const scale = field.type.typeId === Type.Decimal ? (field.type as Decimal).scale : null;
    // Decimals arrive as 128-bit words: an exact bigint when whole (Arrow's converter may answer with a decimal
    // string: BigInt takes either), else the nearest double.
    const read = (v: unknown): unknown =>
      v === null || scale === null ? convert(kind, v) : scale === 0 ? BigInt(String(util.bigNumToBigInt(v as Parameters<typeof util.bigNumToBigInt>[0]))) : util.bigNumToNumber(v as Parameters<typeof util.bigNumToNumber>[0], scale);
    let at = 0;
    for (const p of parts) {
      for (let i = 0; i < p.length && at < rows; i++) values[at++] = read(p.get(i));
    }
    return { name: names[j]!, type: String(field.type), kind, values };
  });
  return { columns, rows, truncated: more || total > cap };
}

/** The result as Python receives it: JSON-able columns, and typed ones as arrays (copies) named by index. */
export function pythonColumns(result: SqlResult): { columns: SqlColumnOut[]; arrays: ArrayBufferView[] } {
  const arrays: ArrayBufferView[] = [];
  const columns = result.columns.map((c): SqlColumnOut => {
    if (ArrayBuffer.isView(c.values)) {
      // A copy: the arrays are transferred to the Python worker, and the result's own are still to be shown.
      arrays.push(c.values.slice());
      return { name: c.name, kind: c.kind, typed: arrays.length - 1 };
    }
    const values = c.kind === 'int' ? c.values.map(plain) : c.kind === 'binary' ? c.values.map((v) => (v instanceof Uint8Array ? Array.from(v) : null)) : c.values;
    return { name: c.name, kind: c.kind, values };
  });
  return { columns, arrays };
}

/** One value as the output table shows it. */
export function displayValue(c: ResultColumn, i: number): string | null {
  const v = (c.values as ArrayLike<unknown>)[i];
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) {
    const hex = Array.from(v.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
    return `0x${hex}${v.length > 16 ? '…' : ''} (${v.length} bytes)`;
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
