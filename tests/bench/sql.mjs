#!/usr/bin/env node
// SQL cells on DuckDB, in real Chromium against a built app served like `npm start` serves it:
//   - the first SQL cell of a page (engine cold: duckdb-wasm's worker and 34 MB wasm fetched from the app's server
//     and compiled, in a fresh browser context each time, so no HTTP or compiled-code cache), key press to table;
//   - a warm aggregate over a 1,000,000-row DuckDB table (GROUP BY into 97 rows), as the cell reports its time;
//   - a Python → SQL → Python round trip of a 100,000-row dict of columns (int, float, str): exported from Python,
//     queried (all rows), bound back into a Python variable; as the cell reports its time;
//   - an aggregate over an uploaded 200,000-row Parquet file without DuckDB's parquet extension (extensions.duckdb.org
//     aborted): the first query of the file (decoded by hyparquet into a table, src/sql/files-in.ts), and the same
//     query again (the decoded table reused); as the cell reports its time.
// Figures are medians. Usage: node tests/bench/sql.mjs [--dist dir] [--runs 5] [--port 4193]. Default dist: ./dist.
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { LAUNCH, median, option, root, serveApp, setSource } from './lib/app.mjs';

const DIST = option('dist', join(root, 'dist'));
const RUNS = Number(option('runs', 5));
const COLD_RUNS = Number(option('cold-runs', 3));
const PORT = Number(option('port', 4193));

const ms = (x) => `${x.toFixed(0)} ms`;
const fmt = (name, m) => `${name}: median ${ms(m.median)} (min ${ms(m.min)}, max ${ms(m.max)}, n=${m.n})`;

async function openApp(browser) {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.locator('[data-testid="kernel-status"]').getByText(/idle/i).waitFor({ timeout: 180_000 });
  return { context, page };
}

/**
 * Runs the cell at `index` with `source` and waits for its new output: every query here names a column after its
 * run, so the output's HTML differs from the one before. Returns the wall time from the key press.
 */
async function runAndWait(page, index, source) {
  const cell = page.locator('[data-cell-id]').nth(index);
  const before = await cell.locator('iframe').first().getAttribute('srcdoc', { timeout: 100 }).catch(() => null);
  await cell.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(source);
  const t0 = Date.now();
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(
    ({ index, before }) => {
      const c = document.querySelectorAll('[data-cell-id]')[index];
      const state = c?.getAttribute('data-run-state');
      const doc = c?.querySelector('iframe')?.getAttribute('srcdoc') ?? null;
      return (state === 'done' && doc !== null && doc !== before) || state === 'error';
    },
    { index, before },
    { timeout: 300_000, polling: 50 },
  );
  const wall = Date.now() - t0;
  if ((await cell.getAttribute('data-run-state')) !== 'done') throw new Error(`the cell failed: ${(await cell.locator('.outputs').textContent())?.slice(0, 2000)}`);
  return wall;
}

/** The time the SQL cell reports in its summary ("… · 123 ms · …"). */
async function reported(page, index) {
  const text = await page.locator('[data-cell-id]').nth(index).frameLocator('iframe').locator('.sql-summary').textContent();
  const m = / · ([\d.]+) (ms|s) · /.exec(text ?? '');
  if (!m) throw new Error(`no time in ${text}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

async function addSqlCell(page) {
  await page.getByRole('button', { name: 'Add SQL cell' }).click();
}

const app = await serveApp(DIST, PORT);
const browser = await chromium.launch(LAUNCH);
try {
  const cold = [];
  for (let i = 0; i < COLD_RUNS; i++) {
    const { context, page } = await openApp(browser);
    await addSqlCell(page);
    cold.push(await runAndWait(page, 1, `SELECT 42 AS answer${i}`));
    console.log(`cold run ${i + 1}: ${ms(cold[i])}`);
    await context.close();
  }

  const { page } = await openApp(browser);
  await addSqlCell(page);
  await runAndWait(page, 1, 'CREATE OR REPLACE TABLE big AS SELECT i, i % 97 AS g, (i * 7919) % 1000 / 10.0 AS x FROM range(1000000) t(i);\nSELECT count(*) AS made FROM big');
  const agg = [];
  for (let i = 0; i < RUNS; i++) {
    await runAndWait(page, 1, `SELECT g, count(*) AS n${i}, avg(x) AS mean, max(i) AS top FROM big GROUP BY g ORDER BY g`);
    agg.push(await reported(page, 1));
  }
  console.log(fmt('warm aggregate over 1,000,000 rows (GROUP BY into 97 groups)', median(agg)));

  // Cell 0 is Python: the 100k-row table.
  await setSource(page, 't = {"id": list(range(100_000)), "x": [i * 0.5 for i in range(100_000)], "s": [f"r{i}" for i in range(100_000)]}\nprint("ready")');
  await page.keyboard.press('Control+Enter');
  await page.locator('[data-cell-id]').first().locator('.outputs').getByText('ready').waitFor({ timeout: 120_000 });
  const trip = [];
  for (let i = 0; i < RUNS; i++) {
    await runAndWait(page, 1, `SELECT *, ${i} AS run${i} FROM t`);
    trip.push(await reported(page, 1));
  }
  console.log(fmt('Python -> SQL -> Python, 100,000 rows x 3 columns (dict of columns in, SqlTable out)', median(trip)));
  // The Parquet files: int, double and text columns, snappy-compressed (the writer's default, as DuckDB's and
  // pyarrow's). Each run's file differs (its ids start at the run's number): new content is decoded again, as the
  // first query of a file is; the same bytes under another name would reuse the decoded table.
  const PQ_ROWS = 200_000;
  const parquetFile = (run) =>
    Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: Int32Array.from({ length: PQ_ROWS }, (_, i) => i + run), type: 'INT32' },
          { name: 'x', data: Float64Array.from({ length: PQ_ROWS }, (_, i) => ((i * 7919) % 1000) / 10), type: 'DOUBLE' },
          { name: 'g', data: Array.from({ length: PQ_ROWS }, (_, i) => `g${i % 97}`), type: 'STRING' },
        ],
      }),
    );
  await page.context().route(/extensions\.duckdb\.org/, (route) => route.abort('internetdisconnected'));
  if (!(await page.getByRole('region', { name: 'Files' }).isVisible())) await page.getByRole('button', { name: 'Files', exact: true }).click();
  const pqFirst = [];
  const pqAgain = [];
  let pqBytes = 0;
  for (let i = 0; i < RUNS; i++) {
    const name = `bench${i}.parquet`;
    const buffer = parquetFile(i);
    pqBytes = buffer.length;
    await page.getByTestId('file-picker').setInputFiles({ name, mimeType: 'application/octet-stream', buffer });
    await page.locator(`li[data-path="${name}"]`).waitFor({ timeout: 60_000 });
    await runAndWait(page, 1, `SELECT g, count(*) AS n${i}, avg(x) AS mean FROM '${name}' GROUP BY g ORDER BY g`);
    pqFirst.push(await reported(page, 1));
    await runAndWait(page, 1, `SELECT g, count(*) AS again${i}, avg(x) AS mean FROM '${name}' GROUP BY g ORDER BY g`);
    pqAgain.push(await reported(page, 1));
  }
  console.log(fmt(`Parquet without the extension, ${PQ_ROWS.toLocaleString('en')} rows (${(pqBytes / 2 ** 20).toFixed(1)} MB): first query (decode + insert)`, median(pqFirst)));
  console.log(fmt('the same file queried again (decoded table reused)', median(pqAgain)));

  console.log(fmt('first SQL cell, engine cold (fresh context: download + compile), key press to result', median(cold)));
  const r1 = (x) => Math.round(x);
  console.log(
    `SQL_BENCH ${JSON.stringify({ coldFirstCellMs: r1(median(cold).median), warmAggregate1MMs: r1(median(agg).median), roundTrip100kMs: r1(median(trip).median), parquet200kFirstMs: r1(median(pqFirst).median), parquet200kAgainMs: r1(median(pqAgain).median) })}`,
  );
} finally {
  await browser.close();
  app.kill();
}
