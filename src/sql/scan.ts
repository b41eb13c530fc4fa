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
      if (lastWord.toUpperCase() === 'TO') writes.push(text);
      lastWord = '';
    } else if (c === '"') {
      end = skipQuoted(source, i, '"');
      words.add(source.slice(i + 1, end - 1).replace(/""/g, '"'));
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
    }
    out += source.slice(i, end);
    i = end;
  }
  return { text: out, params, words, strings, writes, replacements };
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
