/**
 * Where a query reads a file as Parquet or JSON, which duckdb-wasm can only do with an extension it downloads: a
 * string literal right after `FROM` or `JOIN` whose name ends in .parquet, .json, .ndjson or .jsonl, or a reader
 * call whose only argument is a string literal (`read_parquet('x.parquet')`, `read_json('x.json')`). Without the
 * extension, such a reference to a notebook file is replaced by a table Anode decoded itself (./files-in.ts).
 *
 * Only these forms: the same text anywhere else (`SELECT 'x.parquet' AS name`, a comment, a reader call with
 * options) is a value or an option DuckDB must see as written.
 */
import type { SqlScan, SqlToken } from './scan';

/** How the file is decoded: Parquet, JSON (an array, one object, or one value a line), or one value a line. */
export type FileFormat = 'parquet' | 'json' | 'ndjson';

/** A file read as a table, and the span of the sent text that names it (the literal, or the whole reader call). */
export interface FileRef {
  /** The literal as written (`./x.parquet` included). */
  path: string;
  format: FileFormat;
  start: number;
  end: number;
}

const READERS: Record<string, FileFormat> = {
  read_parquet: 'parquet',
  parquet_scan: 'parquet',
  read_json: 'json',
  read_json_auto: 'json',
  read_ndjson: 'ndjson',
  read_ndjson_auto: 'ndjson',
};

/** The format a file name implies; null for any other file (CSV is built into DuckDB). */
export function formatOfName(path: string): FileFormat | null {
  const ext = /\.([a-z]+)$/i.exec(path)?.[1]?.toLowerCase();
  if (ext === 'parquet') return 'parquet';
  if (ext === 'json') return 'json';
  if (ext === 'ndjson' || ext === 'jsonl') return 'ndjson';
  return null;
}

function isPunct(t: SqlToken | undefined, c: string): boolean {
  return t?.kind === 'other' && t.text === c;
}

/** The Parquet and JSON file references of a scanned query, in order. */
export function fileRefs(scan: SqlScan): FileRef[] {
  const refs: FileRef[] = [];
  const t = scan.tokens;
  for (let i = 0; i < t.length; i++) {
    const tok = t[i]!;
    if (tok.kind === 'word') {
      const format = READERS[tok.text.toLowerCase()];
      const arg = t[i + 3] && isPunct(t[i + 1], '(') && t[i + 2]?.kind === 'string' && isPunct(t[i + 3], ')') ? t[i + 2]! : null;
      if (format && arg) {
        refs.push({ path: arg.text, format, start: tok.start, end: t[i + 3]!.end });
        i += 3;
      }
      continue;
    }
    const before = t[i - 1];
    if (tok.kind !== 'string' || before?.kind !== 'word' || !/^(from|join)$/i.test(before.text)) continue;
    const format = formatOfName(tok.text);
    if (format) refs.push({ path: tok.text, format, start: tok.start, end: tok.end });
  }
  return refs;
}
