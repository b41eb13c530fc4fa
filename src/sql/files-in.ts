/**
 * Parquet and JSON notebook files for a DuckDB without its parquet or json extension (offline before the first
 * download, a CDN-free deployment): each reference ./file-refs.ts finds to a notebook file is decoded here (Parquet
 * by ./parquet-in.ts, JSON by ./json-in.ts), put into DuckDB as a table, and the reference in the sent text replaced
 * by that table's name. Where the extension loads, nothing is replaced: DuckDB reads the file itself, with every
 * option it has.
 */
import { tableToIPC } from 'apache-arrow';
import type { Extension, SqlEngine } from './engine';
import { fileRefs, type FileFormat } from './file-refs';
import { jsonColumns, jsonRows } from './json-in';
import { replaceSpans, type SpanEdit, type SqlScan } from './scan';
import { arrowIPC } from './table-in';

/** A notebook file that could not be decoded; the message names the file, for the person who uploaded it. */
export class FileReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FileReadError';
  }
}

/** A notebook file as the run sees it: its content hash and a way to its bytes. */
export interface NotebookFile {
  hash: string;
  bytes(): Promise<Uint8Array | null>;
}

function extensionOf(format: FileFormat): Extension {
  return format === 'parquet' ? 'parquet' : 'json';
}

/** The file as an Arrow IPC stream; throws a {@link FileReadError} naming it when it cannot be read. */
export async function decodeFile(path: string, format: FileFormat, bytes: Uint8Array): Promise<Uint8Array> {
  const what = format === 'parquet' ? 'Parquet' : 'JSON';
  let ipc: Uint8Array | null;
  try {
    if (format === 'parquet') {
      // Loaded on the first Parquet file only: most notebooks never read one.
      const { parquetTable } = await import('./parquet-in');
      ipc = tableToIPC(await parquetTable(bytes), 'stream');
    } else {
      ipc = arrowIPC(jsonColumns(jsonRows(bytes, format)));
    }
  } catch (e) {
    throw new FileReadError(`${path} could not be read as ${what}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!ipc) throw new FileReadError(`${path} has no columns to read as ${what}.`);
  return ipc;
}

/**
 * The scan with every Parquet or JSON notebook file that DuckDB cannot read itself replaced by a decoded table, and
 * the paths so replaced (their bytes need not be registered with DuckDB).
 */
export async function readFilesWithoutExtensions(engine: SqlEngine, scan: SqlScan, lookup: (literal: string) => NotebookFile | null): Promise<{ scan: SqlScan; decoded: Set<string> }> {
  const edits: SpanEdit[] = [];
  const decoded = new Set<string>();
  for (const ref of fileRefs(scan)) {
    const file = lookup(ref.path);
    if (!file || (await engine.hasExtension(extensionOf(ref.format)))) continue;
    const table = await engine.putFileTable(ref.path, file.hash, async () => {
      const bytes = await file.bytes();
      if (!bytes) throw new FileReadError(`${ref.path} is not on this device yet (its content is still coming from a peer).`);
      return decodeFile(ref.path, ref.format, bytes);
    });
    edits.push({ start: ref.start, end: ref.end, text: table });
    decoded.add(ref.path);
  }
  return { scan: replaceSpans(scan, edits), decoded };
}
