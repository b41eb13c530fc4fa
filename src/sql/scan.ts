/**
 * Reading a SQL cell's text before DuckDB does: which words could name Python tables, which string literals could
 * name the notebook's files, and where `{name}` parameters are. Strings, quoted identifiers and comments are skipped
 * as DuckDB's lexer skips them, so a `{x}` inside a string literal stays text and `'--'` is not a comment.
 *
 * Parameters are never pasted into the text: each `{name}` becomes `getvariable('…')`, a DuckDB variable the engine
 * sets beforehand through a prepared statement (`SET VARIABLE … = ?`), so a value is always one value, whatever
 * quotes it holds. (A prepared statement for the query itself would do too, but DuckDB-wasm cannot cancel a prepared
 * statement's run; a plain query with variables it can.)
 */

/** A `{name}` replaced in the text sent to DuckDB; offsets let errors point at the user's own text. */
interface Replacement {
  /** Offset in the sent text. */
  at: number;
  sentLength: number;
  sourceLength: number;
}

/**
 * A token outside comments and whitespace, with its place in the sent text: what ./file-refs.ts reads to tell a file
 * named as a table (`FROM 'x.parquet'`, `read_parquet('x.parquet')`) from the same text as a plain value.
 */
export interface SqlToken {
  /** `string` is a single-quoted literal (`text` unquoted); `word` an identifier or keyword; `other` the rest. */
  kind: 'string' | 'word' | 'other';
  text: string;
  /** Offsets in the sent text, end exclusive. */
  start: number;
  end: number;
}

export interface SqlScan {
  /** The text for DuckDB: the source with every `{name}` replaced by its variable. */
  text: string;
  /** Python names used as `{name}`, each once, in order of first use. */
  params: string[];
  /** Identifiers outside strings and comments (quoted ones without their quotes): candidate table names. */
  words: Set<string>;
  /** Contents of single-quoted string literals: candidate file names and URLs. */
  strings: string[];
  /** String literals right after `TO` (`COPY … TO 'out.parquet'`): files the query writes. */
  writes: string[];
  replacements: Replacement[];
  tokens: SqlToken[];
}

/** The DuckDB variable that holds the value of `{name}`. */
export function paramVariable(name: string): string {
  return `anode_param_${name}`;
}

const IDENT = /[A-Za-z_][A-Za-z0-9_]*/y;
const PARAM = /\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}/y;

/** Index just past a quoted run that starts at `i` with `quote`; a doubled quote is an escaped one. */
function skipQuoted(src: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < src.length) {
    if (src[j] === quote) {
      if (src[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return src.length;
}

export function scanSql(source: string): SqlScan {
  const params: string[] = [];
  const words = new Set<string>();
  const strings: string[] = [];
  const writes: string[] = [];
  const replacements: Replacement[] = [];
  const tokens: SqlToken[] = [];
  /** The last word outside strings and comments, to tell `TO 'file'` from other literals. */
  let lastWord = '';
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    let end = i + 1;
    if (c === "'") {
      end = skipQuoted(source, i, "'");
      const text = source.slice(i + 1, end - 1).replace(/''/g, "'");
      strings.push(text);
      tokens.push({ kind: 'string', text, start: out.length, end: out.length + end - i });
      if (lastWord.toUpperCase() === 'TO') writes.push(text);
      lastWord = '';
    } else if (c === '"') {
      end = skipQuoted(source, i, '"');
      const name = source.slice(i + 1, end - 1).replace(/""/g, '"');
      words.add(name);
      tokens.push({ kind: 'other', text: name, start: out.length, end: out.length + end - i });
    } else if (c === '-' && next === '-') {
      const nl = source.indexOf('\n', i);
      end = nl < 0 ? source.length : nl;
    } else if (c === '/' && next === '*') {
      const close = source.indexOf('*/', i + 2);
      end = close < 0 ? source.length : close + 2;
    } else if (c === '$' && next === '$') {
      const close = source.indexOf('$$', i + 2);
      end = close < 0 ? source.length : close + 2;
    } else if (c === '{') {
      PARAM.lastIndex = i;
      const m = PARAM.exec(source);
      if (m) {
        const name = m[1]!;
        if (!params.includes(name)) params.push(name);
        const sent = `getvariable('${paramVariable(name)}')`;
        replacements.push({ at: out.length, sentLength: sent.length, sourceLength: m[0].length });
        tokens.push({ kind: 'other', text: sent, start: out.length, end: out.length + sent.length });
        out += sent;
        i += m[0].length;
        continue;
      }
    } else if (/[A-Za-z_]/.test(c) && !/[A-Za-z0-9_$]/.test(source[i - 1] ?? '')) {
      IDENT.lastIndex = i;
      const m = IDENT.exec(source)!;
      words.add(m[0]);
      lastWord = m[0];
      end = i + m[0].length;
      tokens.push({ kind: 'word', text: m[0], start: out.length, end: out.length + m[0].length });
    } else if (!/\s/.test(c)) {
      tokens.push({ kind: 'other', text: c, start: out.length, end: out.length + 1 });
    }
    out += source.slice(i, end);
    i = end;
  }
  return { text: out, params, words, strings, writes, replacements, tokens };
}

/** The offset in the user's source of an offset in the text sent to DuckDB. */
export function sourceOffset(scan: SqlScan, sentOffset: number): number {
  let shift = 0;
  for (const r of scan.replacements) {
    if (r.at >= sentOffset) break;
    // Inside a replaced `{name}`: point at its start.
    if (sentOffset < r.at + r.sentLength) return r.at + shift;
    shift += r.sourceLength - r.sentLength;
  }
  return sentOffset + shift;
}

/** A span of the sent text and what replaces it. */
export interface SpanEdit {
  start: number;
  end: number;
  text: string;
}

/**
 * The scan with spans of its sent text replaced (non-overlapping, none inside a `{name}`): a notebook file read as a
 * table becomes that table's name. Each edit is recorded like a parameter, so DuckDB's error positions still map
 * back to the user's text. Tokens are dropped: they describe the text before the edits.
 */
export function replaceSpans(scan: SqlScan, edits: SpanEdit[]): SqlScan {
  if (!edits.length) return scan;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let text = '';
  let from = 0;
  let shift = 0;
  const added: Replacement[] = [];
  for (const e of sorted) {
    text += scan.text.slice(from, e.start) + e.text;
    added.push({ at: e.start + shift, sentLength: e.text.length, sourceLength: e.end - e.start });
    shift += e.text.length - (e.end - e.start);
    from = e.end;
  }
  text += scan.text.slice(from);
  /** Where an offset of the old sent text is in the new one (edits before it moved it). */
  const moved = (at: number) => sorted.reduce((n, e) => (e.end <= at ? n + e.text.length - (e.end - e.start) : n), at);
  const replacements = [...scan.replacements.map((r) => ({ ...r, at: moved(r.at) })), ...added].sort((a, b) => a.at - b.at);
  return { ...scan, text, replacements, tokens: [] };
}
