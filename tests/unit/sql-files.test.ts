/**
 * Parquet and JSON notebook files without DuckDB's extensions: which references in a query are replaced by a
 * decoded table (and nothing else), and JSON, NDJSON and Parquet files decoded into tables that real DuckDB
 * (duckdb-wasm's Node build, which has no parquet or json extension either) queries with the right types and sums.
 */
import { tableToIPC } from 'apache-arrow';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, test } from 'vitest';
import { fileRefs } from '../../src/sql/file-refs';
import { FileReadError, decodeFile } from '../../src/sql/files-in';
import { parquetTable } from '../../src/sql/parquet-in';
import { replaceSpans, scanSql, sourceOffset } from '../../src/sql/scan';
import { salesParquet, salesTotals } from '../fixtures/parquet';
import { nodeDuckDB, type NodeConnection } from './helpers/duckdb';

/** The query as sent, with every file reference replaced by `<path>`. */
function rewritten(sql: string): string {
  const scan = scanSql(sql);
  return replaceSpans(scan, fileRefs(scan).map((r) => ({ start: r.start, end: r.end, text: `<${r.path}:${r.format}>` }))).text;
}

describe('which references are replaced', () => {
  test('a Parquet or JSON file after FROM or JOIN, and a reader call with only the file, are replaced', () => {
    expect(rewritten("SELECT * FROM 'sales.parquet' s JOIN 'people.json' p USING (id) join 'log.jsonl' USING (id)")).toBe(
      'SELECT * FROM <sales.parquet:parquet> s JOIN <people.json:json> p USING (id) join <log.jsonl:ndjson> USING (id)',
    );
    expect(rewritten("SELECT count(*) FROM read_parquet('./a.parquet'), PARQUET_SCAN( 'b.bin' ), read_json_auto('c.json'), read_ndjson('d.txt')")).toBe(
      'SELECT count(*) FROM <./a.parquet:parquet>, <b.bin:parquet>, <c.json:json>, <d.txt:ndjson>',
    );
  });

  test('the same text as a value, in a comment, in a quoted name or with options is left as written; so is CSV', () => {
    const sql = [
      "SELECT 'x.parquet' AS name, \"FROM\" FROM t -- FROM 'y.parquet'",
      "/* read_parquet('z.parquet') */ SELECT * FROM read_parquet('a.parquet', hive_partitioning = false)",
      "SELECT * FROM 'sales.csv' WHERE f = 'from' UNION SELECT * FROM read_json(['a.json', 'b.json'])",
      "COPY t TO 'out.parquet'",
    ].join(';\n');
    expect(rewritten(sql)).toBe(sql);
  });

  test('errors after a replaced reference still point at the user’s text', () => {
    const src = "SELECT {a} FROM read_parquet('sales.parquet') WHERE nope";
    const scan = scanSql(src);
    const sent = replaceSpans(scan, fileRefs(scan).map((r) => ({ ...r, text: 'anode_files.f_0123' })));
    expect(sent.text).toContain('FROM anode_files.f_0123 WHERE');
    expect(sourceOffset(sent, sent.text.indexOf('nope'))).toBe(src.indexOf('nope'));
    expect(sourceOffset(sent, sent.text.indexOf('WHERE'))).toBe(src.indexOf('WHERE'));
  });
});

let conn: NodeConnection;
beforeAll(async () => {
  ({ conn } = await nodeDuckDB());
}, 120_000);

const enc = (s: string) => new TextEncoder().encode(s);
const rows = (sql: string) => conn.query(sql).toArray().map((r) => r.toJSON() as Record<string, unknown>);
const types = (table: string) => Object.fromEntries(rows(`DESCRIBE ${table}`).map((r) => [r.column_name, r.column_type]));

describe('JSON files as tables', () => {
  test('an array of objects: numbers, booleans, dates, timestamps, text, NULLs and missing keys; nested values as JSON text', async () => {
    const file = JSON.stringify([
      { id: 1, x: 1.5, ok: true, day: '2024-01-02', at: '2024-01-02T03:04:05', name: "it's", tags: ['a'] },
      { id: 2, x: 2, ok: false, day: null, at: '2024-01-03 00:00:00.250', name: null, tags: { k: 1 } },
      { id: 2 ** 40, x: null, extra: 'late' },
    ]);
    conn.insertArrowFromIPCStream(await decodeFile('a.json', 'json', enc(file)), { name: 'json_a', create: true });
    expect(types('json_a')).toEqual({ id: 'BIGINT', x: 'DOUBLE', ok: 'BOOLEAN', day: 'DATE', at: 'TIMESTAMP_MS', name: 'VARCHAR', tags: 'VARCHAR', extra: 'VARCHAR' });
    expect(rows("SELECT sum(id)::VARCHAR AS s, sum(x) AS x, count(ok)::INT AS ok, strftime(max(day), '%Y-%m-%d') AS day, strftime(max(\"at\"), '%Y-%m-%d %H:%M:%S.%g') AS \"at\", string_agg(tags, '|') AS tags, max(extra) AS extra FROM json_a")).toEqual([
      { s: String(3 + 2 ** 40), x: 3.5, ok: 2, day: '2024-01-02', at: '2024-01-03 00:00:00.250', tags: '["a"]|{"k":1}', extra: 'late' },
    ]);
  });

  test('one value a line (NDJSON), blank lines skipped; a .json file that is NDJSON is read as such', async () => {
    const text = '{"region":"north","amount":10}\n\n{"region":"south","amount":20}\n{"region":"north","amount":5}\n';
    for (const [name, format] of [['l.ndjson', 'ndjson'], ['l.json', 'json']] as const) {
      conn.insertArrowFromIPCStream(await decodeFile(name, format, enc(text)), { name: `t_${format}`, create: true });
      expect(rows(`SELECT region, sum(amount)::INT AS total FROM t_${format} GROUP BY region ORDER BY region`)).toEqual([
        { region: 'north', total: 15 },
        { region: 'south', total: 20 },
      ]);
    }
  });

  test('invalid JSON is an error naming the file and, for NDJSON, the line', async () => {
    await expect(decodeFile('bad.json', 'json', enc('[{"a": 1},'))).rejects.toThrow(/^bad\.json could not be read as JSON: /);
    await expect(decodeFile('bad.ndjson', 'ndjson', enc('{"a": 1}\n{"a": \n'))).rejects.toThrow(/bad\.ndjson could not be read as JSON: line 2: /);
    await expect(decodeFile('empty.json', 'json', enc('[]'))).rejects.toBeInstanceOf(FileReadError);
  });
});

describe('Parquet files as tables', () => {
  const N = 5000;
  test('a 5,000-row file in two row groups: integer, 64-bit, float, text, boolean, date and microsecond timestamp columns with NULLs', async () => {
    const table = await parquetTable(salesParquet(N));
    expect(table.numRows).toBe(N);
    conn.insertArrowFromIPCStream(tableToIPC(table, 'stream'), { name: 'pq_sales', create: true });
    expect(types('pq_sales')).toEqual({
      id: 'INTEGER',
      region: 'VARCHAR',
      amount: 'DOUBLE',
      units: 'BIGINT',
      small: 'SMALLINT',
      ok: 'BOOLEAN',
      day: 'DATE',
      seen: 'TIMESTAMP',
      note: 'VARCHAR',
    });
    const byRegion = rows('SELECT region, count(*)::INT AS n, sum(amount) AS amount FROM pq_sales GROUP BY region ORDER BY region');
    expect(byRegion).toEqual([...salesTotals(N)].map(([region, t]) => ({ region, n: t.n, amount: t.amount })));
    const sumIds = (N * (N - 1)) / 2;
    expect(rows(`SELECT sum(id)::BIGINT::VARCHAR AS ids, sum(units)::VARCHAR AS units, count(amount)::INT AS amounts, sum(small)::INT AS small, count_if(ok)::INT AS ok,
      count(day)::INT AS days, strftime(max(day), '%Y-%m-%d') AS last_day, strftime(max(seen), '%Y-%m-%d %H:%M:%S.%f') AS last_seen, count(note)::INT AS notes, max(note) AS max_note FROM pq_sales`)).toEqual([
      {
        ids: String(sumIds),
        units: String(BigInt(sumIds) * 1_000_000_000n),
        amounts: N - N / 10,
        small: 50 * 99 * (N / 100),
        ok: Math.ceil(N / 3),
        days: N - Math.ceil(N / 11),
        last_day: '2024-12-31',
        // 4999 × 1,001 µs after midnight: 5.003999 s.
        last_seen: '2024-01-01 00:00:05.003999',
        notes: N - Math.ceil(N / 7),
        max_note: 'n999',
      },
    ]);
  });

  test('JSON, UUID, bytes and 32-bit float columns keep their meaning', async () => {
    const file = parquetWriteBuffer({
      columnData: [
        { name: 'doc', data: [{ a: [1, 2] }, null, 'text'], type: 'JSON' },
        { name: 'uid', data: ['00112233-4455-6677-8899-aabbccddeeff', null, '00000000-0000-0000-0000-000000000001'], type: 'UUID' },
        { name: 'raw', data: [new Uint8Array([0, 255]), new Uint8Array([]), null], type: 'BYTE_ARRAY' },
        { name: 'f', data: [0.5, null, -2], type: 'FLOAT' },
      ],
    });
    conn.insertArrowFromIPCStream(tableToIPC(await parquetTable(new Uint8Array(file)), 'stream'), { name: 'pq_kinds', create: true });
    expect(types('pq_kinds')).toEqual({ doc: 'VARCHAR', uid: 'VARCHAR', raw: 'BLOB', f: 'FLOAT' });
    expect(rows("SELECT doc, uid, hex(raw) AS raw, f FROM pq_kinds")).toEqual([
      { doc: '{"a":[1,2]}', uid: '00112233-4455-6677-8899-aabbccddeeff', raw: '00FF', f: 0.5 },
      { doc: null, uid: null, raw: '', f: null },
      { doc: '"text"', uid: '00000000-0000-0000-0000-000000000001', raw: null, f: -2 },
    ]);
  });

  test('a file that is not Parquet, or is cut short, is an error naming the file', async () => {
    await expect(decodeFile('sales.parquet', 'parquet', enc('region,amount\nnorth,10\n'))).rejects.toThrow(/^sales\.parquet could not be read as Parquet: /);
    const cut = salesParquet(50);
    await expect(decodeFile('cut.parquet', 'parquet', cut.slice(0, cut.length - 20))).rejects.toThrow(/^cut\.parquet could not be read as Parquet: /);
  });
});
