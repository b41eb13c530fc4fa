/**
 * One SQL run (loaded on the first SQL cell with the engine, so that Arrow stays out of the app shell): the notebook
 * files and Python tables the query names are handed to DuckDB, `{name}` parameters are bound, the query runs (Stop
 * cancels it), and the result is shown as a table and bound to the cell's Python variable.
 */
import { EXECUTOR, MAX_FILE_BYTES, checkPath, listFiles, putFiles, type ErrorOutput, type Output } from '../model';
import type { RunContext, RunOutcome } from '../kernel';
import { QueryCancelled, type Extension } from './engine';
import { sqlErrorOutput } from './errors';
import type { SqlHandlerDeps } from './handler';
import { FileReadError, readFilesWithoutExtensions, type NotebookFile } from './files-in';
import { resultBundle } from './output';
import { collectResult, pythonColumns, PYTHON_ROW_CAP } from './result';
import { scanSql, type SqlScan } from './scan';
import { arrowIPC } from './table-in';

/** An error raised on the Python side of a step: its last line (`NameError: name 'x' is not defined`). */
class PythonStepError extends Error {}

function pythonMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? text;
}

async function py<T>(step: Promise<T>): Promise<T> {
  try {
    return await step;
  } catch (e) {
    throw new PythonStepError(pythonMessage(e));
  }
}

function plainError(ename: string, evalue: string): ErrorOutput {
  return { output_type: 'error', ename, evalue, traceback: [`\x1b[1;31m${ename}\x1b[0m: ${evalue}`] };
}

/** `./sales.csv` and `sales.csv` name the same notebook file. */
function filePath(literal: string): string {
  return literal.replace(/^\.\//, '');
}

/**
 * duckdb-wasm builds in neither Parquet nor JSON: they are DuckDB extensions it downloads from extensions.duckdb.org
 * the first time a query needs them. Without them Anode reads notebook files itself (./files-in.ts), but only in
 * the plain forms; anything else fails with an engine error that does not say why. The hint does.
 */
const EXTENSION_HINT =
  "Without DuckDB's parquet and json extensions (downloaded from extensions.duckdb.org on first use, then kept for offline use), Anode reads notebook files itself only as FROM 'x.parquet' or read_parquet('x.parquet'), read_json('x.json') and read_ndjson('x.ndjson') with no options; writing Parquet or JSON, options, globs and URLs need the extension: check the connection.";

/** The extensions the query's words or strings suggest it needs. */
function extensionsUsed(scan: SqlScan): Extension[] {
  const words = [...scan.words].map((w) => w.toLowerCase());
  const used: Extension[] = [];
  if (words.some((w) => /^(read_parquet|parquet_scan|parquet)$/.test(w)) || scan.strings.some((s) => /\.parquet$/i.test(s))) used.push('parquet');
  if (words.some((w) => /^(read_json|read_json_auto|read_ndjson|read_ndjson_auto|json)$/.test(w)) || scan.strings.some((s) => /\.(json|ndjson|jsonl)$/i.test(s))) used.push('json');
  return used;
}

/** Whether a failed query may have failed for want of an extension (asked of the engine only then). */
async function missingExtension(deps: SqlHandlerDeps, scan: SqlScan): Promise<boolean> {
  // An engine that did not start has no extensions to ask about, and its error says so itself.
  if (!deps.engine.isStarted) return false;
  for (const ext of extensionsUsed(scan)) if (!(await deps.engine.hasExtension(ext).catch(() => false))) return true;
  return false;
}

/** Files the query wrote (`COPY … TO 'x.parquet'`) become notebook files: the Files panel and Python see them. */
async function keepWrittenFiles(ctx: RunContext, deps: SqlHandlerDeps, targets: string[]): Promise<void> {
  for (const path of targets) {
    if (checkPath(path)) continue;
    const file = await deps.engine.written(path, deps.storeFile);
    if (!file) continue;
    if (file.bytes.length > MAX_FILE_BYTES) {
      ctx.writer.write([{ type: 'stream', name: 'stderr', text: `${path} is over the ${MAX_FILE_BYTES / 2 ** 20} MB limit for a notebook's file: it stays in SQL's memory only.\n` }]);
      continue;
    }
    putFiles(ctx.doc, [{ path, hash: file.hash, size: file.bytes.length, mtime: Date.now(), by: 'SQL' }], EXECUTOR);
  }
}

export async function runQuery(ctx: RunContext, deps: SqlHandlerDeps, query: string, resultName: string, lineOffset: number): Promise<RunOutcome> {
  const { doc, kernel, writer } = ctx;
  const started = performance.now();
  const source = scanSql(query);
  let scan = source;
  if (!scan.text.trim()) return { state: 'done', executionCount: null };
  const append = (o: Output) => writer.append(o);
  const endRun = deps.engine.beginRun();
  try {
    await deps.engine.start();
    const files = listFiles(doc);
    const notebookFile = (literal: string): NotebookFile | null => {
      const hash = files.get(filePath(literal))?.hash;
      if (!hash) return null;
      return {
        hash,
        bytes: async () => {
          const blob = await deps.fileBytes(hash);
          return blob ? new Uint8Array(await blob.arrayBuffer()) : null;
        },
      };
    };
    const read = await readFilesWithoutExtensions(deps.engine, source, notebookFile);
    scan = read.scan;
    for (const literal of source.strings) {
      const file = notebookFile(literal);
      // Registered under the name as written: that is the name DuckDB looks up.
      if (file && !read.decoded.has(literal)) await deps.engine.putFile(literal, file.hash, file.bytes);
    }
    for (const target of scan.writes) if (!checkPath(target)) await deps.engine.prepareWrite(target);
    const sql = kernel.sql;
    if (sql) {
      const tables = await py(sql.tables());
      for (const t of tables) {
        if (!scan.words.has(t.name)) continue;
        const exported = await py(sql.exportTable(t.name));
        const ipc = arrowIPC(exported.columns);
        if (ipc) await deps.engine.putTable(t.name, ipc);
      }
      if (scan.params.length) await deps.engine.setParams(await py(sql.values(scan.params)));
    } else if (scan.params.length) {
      append(plainError('ParameterError', `{${scan.params[0]}}: parameters come from Python, and this kernel cannot provide them.`));
      return { state: 'error', executionCount: null, stopQueue: true };
    }
    const rows = await deps.engine.query(scan.text, PYTHON_ROW_CAP);
    await keepWrittenFiles(ctx, deps, scan.writes);
    const result = collectResult(rows.schema, rows.batches, PYTHON_ROW_CAP, rows.more);
    let variable: { name: string; type: string } | null = null;
    if (sql && result.columns.length) {
      const { columns, arrays } = pythonColumns(result);
      variable = { name: resultName, type: await py(sql.importResult(resultName, columns, arrays, result.truncated)) };
    }
    append({ output_type: 'display_data', ...resultBundle(result, { elapsedMs: performance.now() - started, variable }) });
    return { state: 'done', executionCount: null };
  } catch (e) {
    if (e instanceof QueryCancelled) {
      append(plainError('Interrupted', e.message));
      return { state: 'interrupted', executionCount: null, stopQueue: true };
    }
    if (e instanceof PythonStepError) {
      const m = /^(\w+): ([\s\S]*)$/.exec(e.message);
      append(plainError(m ? m[1]! : 'PythonError', m ? m[2]! : e.message));
      return { state: 'error', executionCount: null, stopQueue: true };
    }
    if (e instanceof FileReadError) {
      append(plainError('FileError', e.message));
      return { state: 'error', executionCount: null, stopQueue: true };
    }
    const message = e instanceof Error ? e.message : String(e);
    const out = sqlErrorOutput(message, scan, query, lineOffset).output;
    append((await missingExtension(deps, scan)) ? { ...out, traceback: [...out.traceback, '', EXTENSION_HINT] } : out);
    return { state: 'error', executionCount: null, stopQueue: true };
  } finally {
    endRun();
  }
}

