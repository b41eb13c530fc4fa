/**
 * A Parquet file as an Arrow table, for DuckDB without its parquet extension. hyparquet (pure JavaScript, loaded on
 * the first such file only) decodes the columns; hyparquet-compressors adds the codecs other writers use (zstd,
 * gzip, brotli, LZ4; snappy, DuckDB's and pyarrow's default, is hyparquet's own). Each column gets the Arrow type
 * DuckDB's `read_parquet` would give it, so sums stay integers, timestamps stay timestamps.
 *
 * Not like `read_parquet`: DECIMAL becomes DOUBLE, TIME stays its integer, and nested columns (lists, structs,
 * maps) become JSON text. The whole file is decoded at once, on the executor's page.
 */
import {
  Binary,
  Bool,
  DateDay,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  Table,
  TimestampMicrosecond,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
  makeData,
  makeVector,
  vectorFromArray,
  type Vector,
} from 'apache-arrow';
import type { ParquetParsers, SchemaElement, SchemaTree } from 'hyparquet';

/** Arrow types stored as one typed array (and a validity bitmap): filled directly, without Arrow's builders. */
type Fixed = Int8 | Int16 | Int32 | Int64 | Uint8 | Uint16 | Uint32 | Uint64 | Float32 | Float64 | DateDay | TimestampMicrosecond;
/** What a column becomes: a fixed-width type, text, bytes, booleans, or `json` (nested values as JSON text). */
type ColumnType = Fixed | Utf8 | Binary | Bool | 'json';

const decoder = new TextDecoder();

/**
 * Raw values instead of JavaScript objects: days for dates, microseconds for timestamps (a Date would cut them to
 * milliseconds), and text as its UTF-8 bytes, which is what Arrow stores (decoding every string only to encode it
 * again made text columns most of the time spent).
 */
const PARSERS: Partial<ParquetParsers> = {
  dateFromDays: (days: number) => days,
  timestampFromMilliseconds: (ms: bigint) => ms * 1000n,
  timestampFromMicroseconds: (us: bigint) => us,
  timestampFromNanoseconds: (ns: bigint) => ns / 1000n,
  stringFromBytes: (bytes: Uint8Array) => bytes,
  jsonFromBytes: (bytes: Uint8Array) => bytes,
};

function intType(bits: number | undefined, signed: boolean): Fixed {
  if (bits === 8) return signed ? new Int8() : new Uint8();
  if (bits === 16) return signed ? new Int16() : new Uint16();
  if (bits === 64) return signed ? new Int64() : new Uint64();
  return signed ? new Int32() : new Uint32();
}

/** The Arrow type of a top-level column (`read_parquet`'s mapping, within the limits above). */
export function columnType(el: SchemaElement, nested: boolean): ColumnType {
  if (nested) return 'json';
  const lt = el.logical_type;
  const ct = el.converted_type;
  if (ct === 'DECIMAL' || lt?.type === 'DECIMAL' || lt?.type === 'FLOAT16') return new Float64();
  if (ct === 'DATE' || lt?.type === 'DATE') return new DateDay();
  if (lt?.type === 'TIMESTAMP') return new TimestampMicrosecond(lt.isAdjustedToUTC ? 'UTC' : null);
  if (ct === 'TIMESTAMP_MILLIS' || ct === 'TIMESTAMP_MICROS' || el.type === 'INT96') return new TimestampMicrosecond();
  if (lt?.type === 'INTEGER') return intType(lt.bitWidth, lt.isSigned);
  const conv = ct && /^(U?)INT_(8|16|32|64)$/.exec(ct);
  if (conv) return intType(Number(conv[2]), !conv[1]);
  switch (el.type) {
    case 'BOOLEAN':
      return new Bool();
    case 'INT32':
      return new Int32();
    case 'INT64':
      return new Int64();
    case 'FLOAT':
      return new Float32();
    case 'DOUBLE':
      return new Float64();
    default: {
      const text = ct === 'UTF8' || ct === 'ENUM' || ct === 'JSON' || lt?.type === 'STRING' || lt?.type === 'ENUM' || lt?.type === 'JSON' || lt?.type === 'UUID';
      // Un-annotated bytes are BLOBs to DuckDB too; geometry comes as GeoJSON from hyparquet.
      if (lt?.type === 'GEOMETRY' || lt?.type === 'GEOGRAPHY') return 'json';
      return text ? new Utf8() : new Binary();
    }
  }
}

function fixedVector(type: Fixed, values: ArrayLike<unknown>): Vector {
  const n = values.length;
  const data = new type.ArrayType(n);
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) {
      nulls++;
      continue;
    }
    // The typed array's element type is one of number and bigint; hyparquet's values match it except where noted.
    (data as unknown as unknown[])[i] = big ? (typeof v === 'bigint' ? v : BigInt(v as number)) : Number(v);
    valid[i >> 3]! |= 1 << (i & 7);
  }
  // makeData has one overload per type family; the fixed-width ones take the same props, so Int32's stands for all.
  const props = { type, length: n, nullCount: nulls, data, nullBitmap: nulls ? valid : undefined } as unknown as { type: Int32; data: Int32Array; length: number; nullCount: number; nullBitmap?: Uint8Array };
  return makeVector(makeData(props)) as Vector;
}

/** A text or bytes column from UTF-8 bytes (strings, from hyparquet's UUIDs, are encoded): offsets and one buffer. */
function bytesVector(type: Utf8 | Binary, values: unknown[]): Vector {
  const n = values.length;
  const encoder = new TextEncoder();
  const parts: Array<Uint8Array | null> = values.map((v) => (v instanceof Uint8Array ? v : typeof v === 'string' ? encoder.encode(v) : null));
  const offsets = new Int32Array(n + 1);
  const valid = new Uint8Array((n + 7) >> 3);
  let nulls = 0;
  let size = 0;
  for (let i = 0; i < n; i++) {
    const p = parts[i];
    if (p) {
      size += p.length;
      valid[i >> 3]! |= 1 << (i & 7);
    } else nulls++;
    offsets[i + 1] = size;
  }
  const data = new Uint8Array(size);
  for (let i = 0; i < n; i++) {
    const p = parts[i];
    if (p) data.set(p, offsets[i]!);
  }
  // As in fixedVector: Utf8's props stand for Binary's, which are the same.
  const props = { type, length: n, nullCount: nulls, valueOffsets: offsets, data, nullBitmap: nulls ? valid : undefined } as unknown as {
    type: Utf8;
    length: number;
    nullCount: number;
    valueOffsets: Int32Array;
    data: Uint8Array;
    nullBitmap?: Uint8Array;
  };
  return makeVector(makeData(props)) as Vector;
}

/** JSON text of a nested value; 64-bit integers (bigint in hyparquet) as numbers, like DuckDB's JSON does. */
function jsonText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x instanceof Uint8Array ? decoder.decode(x) : x));
}

function vector(type: ColumnType, values: unknown[]): Vector {
  if (type === 'json') return vectorFromArray(values.map(jsonText), new Utf8());
  if (type instanceof Utf8 || type instanceof Binary) return bytesVector(type, values);
  if (type instanceof Bool) return vectorFromArray(values.map((v) => v ?? null), type) as Vector;
  return fixedVector(type, values);
}

/** Decodes a whole Parquet file. Throws hyparquet's error for a file that is not Parquet or is damaged. */
export async function parquetTable(bytes: Uint8Array): Promise<Table> {
  const [{ parquetMetadata, parquetRead, parquetSchema }, { compressors }] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(file, { parsers: PARSERS });
  const rows = Number(metadata.num_rows);
  const top: SchemaTree[] = parquetSchema(metadata).children;
  const columns = new Map(top.map((c) => [c.element.name, new Array<unknown>(rows).fill(null)]));
  await parquetRead({
    file,
    metadata,
    compressors,
    parsers: PARSERS,
    utf8: false,
    onChunk: ({ columnName, columnData, rowStart }) => {
      const out = columns.get(columnName);
      if (!out) return;
      for (let i = 0; i < columnData.length && rowStart + i < rows; i++) out[rowStart + i] = columnData[i];
    },
  });
  return new Table(Object.fromEntries(top.map((c) => [c.element.name, vector(columnType(c.element, c.children.length > 0), columns.get(c.element.name)!)])));
}
