/**
 * SQL cells without a browser: `{var}` parameters and the names a query uses, DuckDB's errors pointing at the
 * user's own line and column, and the result variable's name in the document and through .ipynb files.
 */
import { describe, expect, test } from 'vitest';
import { LOCAL, SQL_RESULT_DEFAULT, createNotebookDoc, insertCell, parseSqlMagic, setSqlResultName, snapshotCell, sqlResultName } from '../../src/model';
import { exportIpynb, importNotebook, parseIpynb } from '../../src/model/ipynb';
import { paramVariable, scanSql, sourceOffset } from '../../src/sql/scan';
import { sqlErrorOutput } from '../../src/sql/errors';

describe('parameters', () => {
  test('{name} becomes a DuckDB variable, never the value itself', () => {
    const s = scanSql('SELECT * FROM t WHERE a > {low} AND b = {name} OR a < {low}');
    expect(s.params).toEqual(['low', 'name']);
    expect(s.text).toBe(
      `SELECT * FROM t WHERE a > getvariable('${paramVariable('low')}') AND b = getvariable('${paramVariable('name')}') OR a < getvariable('${paramVariable('low')}')`,
    );
  });

  test('braces inside strings, quoted names and comments stay as written', () => {
    const src = `SELECT '{x}', "{y}" -- {z}\n/* {w} */ FROM t WHERE s = $$ {v} $$`;
    const s = scanSql(src);
    expect(s.params).toEqual([]);
    expect(s.text).toBe(src);
  });

  test('a struct literal is not a parameter', () => {
    expect(scanSql("SELECT {'a': 1} AS s").params).toEqual([]);
  });

  test('names and file names the query uses are found outside comments', () => {
    const s = scanSql(`SELECT x FROM sales JOIN "Other Table" USING (id) -- FROM hidden\nJOIN read_csv('data/b.csv') ON 1 WHERE s = 'it''s'`);
    expect([...s.words]).toEqual(expect.arrayContaining(['SELECT', 'x', 'sales', 'Other Table', 'read_csv']));
    expect(s.words.has('hidden')).toBe(false);
    expect(s.strings).toEqual(['data/b.csv', "it's"]);
  });

  test('files a query writes are the literals after TO', () => {
    const s = scanSql("COPY (SELECT 'a' AS x) TO 'out/x.parquet' (FORMAT parquet); SELECT * FROM 'in.csv'");
    expect(s.writes).toEqual(['out/x.parquet']);
    expect(s.strings).toEqual(['a', 'out/x.parquet', 'in.csv']);
  });

  test('an offset in the sent text maps back to the user’s text', () => {
    const s = scanSql('SELECT {a} + nope');
    const sent = s.text.indexOf('nope');
    expect(sourceOffset(s, sent)).toBe('SELECT {a} + '.length);
    // Inside a replaced parameter: its start.
    expect(sourceOffset(s, s.text.indexOf('getvariable') + 3)).toBe('SELECT '.length);
  });
});

describe('errors', () => {
  const err = (message: string, source: string, lineOffset = 0) => sqlErrorOutput(message, scanSql(source), source, lineOffset);

  test("DuckDB's class, message and position, without its excerpt or any stack", () => {
    const { output, position } = err(
      'Catalog Error: Table with name nope does not exist!\nDid you mean "pg_enum"?\n\nLINE 2: FROM nope\n             ^',
      'SELECT *\nFROM nope',
    );
    expect(output.ename).toBe('Catalog Error');
    expect(output.evalue).toBe('Table with name nope does not exist! Did you mean "pg_enum"? (line 2, column 6)');
    expect(position).toEqual({ line: 2, column: 6 });
    expect(output.traceback.join('\n')).toContain('2 | FROM nope');
    expect(output.traceback.join('\n')).not.toMatch(/\bat \w|\.js:\d/);
  });

  test('a long line cut with "..." by DuckDB still gives the right column', () => {
    const source = `SELECT ${Array.from({ length: 30 }, (_, i) => `c${i}`).join(', ')} FROM t WHERE`;
    const at = source.indexOf('c20');
    const shown = `...${source.slice(at - 10, at + 40)}...`;
    const caret = ' '.repeat('LINE 1: '.length + 3 + 10) + '^';
    const { position } = err(`Parser Error: syntax error at or near "c20"\n\nLINE 1: ${shown}\n${caret}`, source);
    expect(position).toEqual({ line: 1, column: at + 1 });
  });

  test('positions after a parameter, and after a %%sql line, are the user’s', () => {
    const source = 'SELECT {p} + nope';
    const s = scanSql(source);
    const col = s.text.indexOf('nope');
    const msg = `Binder Error: Referenced column "nope" not found\n\nLINE 1: ${s.text}\n${' '.repeat('LINE 1: '.length + col)}^`;
    expect(sqlErrorOutput(msg, s, source).position).toEqual({ line: 1, column: source.indexOf('nope') + 1 });
    expect(sqlErrorOutput(msg, s, source, 1).position).toEqual({ line: 2, column: source.indexOf('nope') + 1 });
  });

  test("DuckDB's JSON form of an error reads like its text form", () => {
    const source = 'SELECT 1 +\n  FROM x WHERE';
    const json = JSON.stringify({ exception_type: 'Parser', exception_message: 'syntax error at or near "FROM"\n\nLINE 2:   FROM x WHERE\n          ^' });
    const { output, position } = err(json, source);
    expect(output.ename).toBe('Parser Error');
    expect(output.evalue).toBe('syntax error at or near "FROM" (line 2, column 3)');
    expect(position).toEqual({ line: 2, column: 3 });
  });

  test('a message without a position is shown as is', () => {
    const { output, position } = err('Error: Invalid Input Error: No files found that match the pattern "x.csv"', "FROM 'x.csv'");
    expect(position).toBeNull();
    expect(output.ename).toBe('Invalid Input Error');
    expect(output.evalue).toBe('No files found that match the pattern "x.csv"');
  });
});

describe('the result variable', () => {
  test('defaults to _sql; a name Python cannot assign is refused', () => {
    const doc = createNotebookDoc({ title: 't', cells: [] });
    const id = insertCell(doc, 0, { type: 'sql', source: 'SELECT 1' }, LOCAL);
    expect(sqlResultName(snapshotCell(doc, id)!.metadata)).toBe(SQL_RESULT_DEFAULT);
    expect(setSqlResultName(doc, id, 'df_sales', LOCAL)).toBe(true);
    expect(sqlResultName(snapshotCell(doc, id)!.metadata)).toBe('df_sales');
    for (const bad of ['1x', 'class', 'a-b', '', 'x y']) expect(setSqlResultName(doc, id, bad, LOCAL)).toBe(false);
    expect(sqlResultName(snapshotCell(doc, id)!.metadata)).toBe('df_sales');
    setSqlResultName(doc, id, SQL_RESULT_DEFAULT, LOCAL);
    expect(snapshotCell(doc, id)!.metadata).toEqual({});
  });

  test('goes through an .ipynb export and import with the SQL cell', () => {
    const doc = createNotebookDoc({ title: 't', cells: [] });
    const id = insertCell(doc, 0, { type: 'sql', source: 'SELECT *\nFROM sales', metadata: { tags: ['q'] } }, LOCAL);
    setSqlResultName(doc, id, 'df_sales', LOCAL);
    const text = exportIpynb(doc);
    const file = JSON.parse(text) as { cells: Array<{ source: string[]; metadata: Record<string, unknown> }> };
    expect(file.cells[0]!.source.join('')).toBe('%%sql\nSELECT *\nFROM sales');
    expect(file.cells[0]!.metadata).toEqual({ tags: ['q'], anode: { sql_result: 'df_sales', cell_type: 'sql' } });
    const parsed = parseIpynb(text);
    if (!parsed.ok) throw new Error('parse failed');
    const again = importNotebook(parsed.notebook);
    const cell = snapshotCell(again, [...again.getMap('cells').keys()][0]!)!;
    expect(cell.type).toBe('sql');
    expect(cell.source).toBe('SELECT *\nFROM sales');
    expect(sqlResultName(cell.metadata)).toBe('df_sales');
    expect(exportIpynb(again)).toBe(text);
  });

  test('%%sql in a code cell is a query; a name after it names the result', () => {
    expect(parseSqlMagic('%%sql\nSELECT 1')).toEqual({ query: 'SELECT 1', resultName: null });
    expect(parseSqlMagic('%%sql df_out\nSELECT 1')).toEqual({ query: 'SELECT 1', resultName: 'df_out' });
    expect(parseSqlMagic('%%sqlite\nSELECT 1')).toBeNull();
    expect(parseSqlMagic('print(1)')).toBeNull();
  });
});
