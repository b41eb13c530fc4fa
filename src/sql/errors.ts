/**
 * DuckDB's error messages as a notebook error output: its class ("Parser Error", "Catalog Error"), its message, and
 * where in the cell it points. DuckDB marks the spot with `LINE n: <text>` and a caret under it, in the text it was
 * sent (parameters replaced, long lines cut with `...`); the position is found again in the user's own text.
 * No JavaScript stack ever reaches the output: it means nothing to the person who wrote the query.
 */
import type { ErrorOutput } from '../model';
import { sourceOffset, type SqlScan } from './scan';

export interface SqlErrorPosition {
  /** 1-based, in the cell's text. */
  line: number;
  column: number;
}

const MARK = /\n*LINE (\d+): ([^\n]*)\n( *)\^/;

/** Where DuckDB's message points, as an offset in the text it was sent; null when it points nowhere. */
function sentOffset(message: string, sent: string): number | null {
  const m = MARK.exec(message);
  if (!m) return null;
  const lineNo = Number(m[1]);
  const lines = sent.split('\n');
  const line = lines[lineNo - 1];
  if (line === undefined) return null;
  let shown = m[2]!;
  const caret = m[3]!.length - `LINE ${m[1]}: `.length;
  let shift = 0;
  if (shown.startsWith('...')) {
    shown = shown.slice(3);
    shift = 3;
  }
  if (shown.endsWith('...')) shown = shown.slice(0, -3);
  const at = shown ? line.indexOf(shown) : 0;
  const column = Math.max(0, (at < 0 ? 0 : at) + caret - shift);
  const lineStart = lines.slice(0, lineNo - 1).reduce((n, l) => n + l.length + 1, 0);
  return lineStart + Math.min(column, line.length);
}

function position(source: string, offset: number): SqlErrorPosition {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) + 1 };
}

/**
 * duckdb-wasm hands some errors over as DuckDB's JSON (`{"exception_type":"Parser","exception_message":"…"}`):
 * the same as the plain text form (`Parser Error: …`).
 */
function plainText(message: string): string {
  const start = message.indexOf('{"exception_type"');
  if (start < 0) return message;
  try {
    const o = JSON.parse(message.slice(start)) as { exception_type?: unknown; exception_message?: unknown };
    if (typeof o.exception_type === 'string' && typeof o.exception_message === 'string') return `${o.exception_type} Error: ${o.exception_message}`;
  } catch {
    // Not JSON after all: shown as it came.
  }
  return message;
}

/** The message without DuckDB's excerpts (we show our own, from the user's text) and without an `Error:` prefix. */
function cleanMessage(message: string): string {
  const cut = message.search(/\n*LINE \d+: /);
  return (cut < 0 ? message : message.slice(0, cut)).replace(/^(Error: )+/, '').trim();
}

/**
 * A DuckDB error as an output. `lineOffset` counts lines of the cell before the query (a `%%sql` line).
 * Returns the output and the position it names, if any.
 */
export function sqlErrorOutput(raw: string, scan: SqlScan, source: string, lineOffset = 0): { output: ErrorOutput; position: SqlErrorPosition | null } {
  const message = plainText(raw);
  const text = cleanMessage(message);
  const m = /^([A-Z][A-Za-z ]*Error): ([\s\S]*)$/.exec(text);
  const ename = m ? m[1]! : 'SQL Error';
  const body = (m ? m[2]! : text).replace(/\s*\n+\s*/g, ' ').trim();
  const off = sentOffset(message, scan.text);
  const pos = off === null ? null : position(source, Math.min(sourceOffset(scan, off), source.length));
  const where = pos ? { line: pos.line + lineOffset, column: pos.column } : null;
  const evalue = where ? `${body} (line ${where.line}, column ${where.column})` : body;
  const traceback = [`\x1b[1;31m${ename}\x1b[0m: ${evalue}`];
  if (pos && where) {
    const srcLine = source.split('\n')[pos.line - 1] ?? '';
    const gutter = `${where.line} | `;
    traceback.push('', `${gutter}${srcLine}`, `${' '.repeat(gutter.length - 2)}| ${' '.repeat(pos.column - 1)}\x1b[1;31m^\x1b[0m`);
  }
  return { output: { output_type: 'error', ename, evalue, traceback }, position: where };
}
