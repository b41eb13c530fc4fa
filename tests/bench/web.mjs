#!/usr/bin/env node
// Python reading the web, in real Chromium against a built app served like `npm start` serves it, from a local
// data server (tests/fixtures/data-server.mjs) that allows CORS:
//   - a 50 MB CSV read with urllib.request.urlopen(url).read(), timed in Python (request sent to bytes in Python);
//   - the same plus parsing it with the csv module (what pandas.read_csv(url) would add its own parser to);
//   - the page's longest frame gap while Python downloads (the page must not freeze: the worker waits, not it),
//     beside the same while Python only sleeps (what the machine's load does to frames anyway).
// Usage: node tests/bench/web.mjs [--dist dir] [--runs 5] [--mb 50]. Default dist: ./dist (the app).
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { startDataServer } from '../fixtures/data-server.mjs';
import { LAUNCH, median, option, root, serveApp, setSource } from './lib/app.mjs';

const DIST = option('dist', join(root, 'dist'));
const RUNS = Number(option('runs', 5));
const MB = Number(option('mb', 50));
const PORT = Number(option('port', 4191));

const ms = (x) => `${x.toFixed(0)} ms`;

/**
 * Runs the first cell and waits for a line `BENCH {json}` ending in `"i": <run>` in its output (the previous run's
 * line may still be shown when the key is pressed); meanwhile records the page's longest gap
 * between animation frames (a frozen page shows as one long gap).
 */
async function runCell(page, code, run) {
  await setSource(page, code);
  await page.evaluate(() => {
    const w = window;
    w.__gap = 0;
    w.__frames = true;
    let last = performance.now();
    const tick = (t) => {
      w.__gap = Math.max(w.__gap, t - last);
      last = t;
      if (w.__frames) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await page.keyboard.press('Control+Enter');
  const out = page.locator('[data-cell-id] .outputs').first();
  await out.getByText(new RegExp(`BENCH \\{.*"i": ${run}\\}|Error`)).waitFor({ timeout: 300_000 });
  const text = (await out.textContent()) ?? '';
  const gap = await page.evaluate(() => {
    window.__frames = false;
    return window.__gap;
  });
  const m = new RegExp(`BENCH (\\{.*"i": ${run}\\})`).exec(text);
  if (!m) throw new Error(`the cell failed: ${text.slice(0, 2000)}`);
  return { ...JSON.parse(m[1]), gap };
}

const data = await startDataServer();
const url = `${data.url}/cors/big.csv?mb=${MB}`;
// The server makes the file on its first request: not part of any figure.
const size = (await (await fetch(url)).arrayBuffer()).byteLength;
const app = await serveApp(DIST, PORT);
const browser = await chromium.launch(LAUNCH);
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.locator('[data-testid="kernel-status"]').getByText(/idle/i).waitFor({ timeout: 120_000 });
  await runCell(page, 'import csv, io, time, json, gc, urllib.request\nprint(\'BENCH {"i": -1}\')', -1);
  const read = [];
  const parse = [];
  const gaps = [];
  const parseGaps = [];
  // Run k is cell runs 2k (the download) and 2k + 1 (the parse), so each gap belongs to one of them.
  for (let i = 0; i < RUNS; i++) {
    const r = await runCell(
      page,
      `raw = None; gc.collect()
t0 = time.perf_counter()
raw = urllib.request.urlopen(${JSON.stringify(url)}).read()
t1 = time.perf_counter()
print("BENCH " + json.dumps({"bytes": len(raw), "read": (t1 - t0) * 1000, "i": ${2 * i}}))`,
      2 * i,
    );
    if (r.bytes !== size) throw new Error(`read ${r.bytes} bytes, expected ${size}`);
    const p = await runCell(
      page,
      `t1 = time.perf_counter()
rows = sum(1 for _ in csv.reader(io.StringIO(raw.decode())))
t2 = time.perf_counter()
print("BENCH " + json.dumps({"rows": rows, "parse": (t2 - t1) * 1000, "i": ${2 * i + 1}}))`,
      2 * i + 1,
    );
    read.push(r.read);
    parse.push(r.read + p.parse);
    gaps.push(r.gap);
    parseGaps.push(p.gap);
    console.log(
      `run ${i + 1}: read ${ms(r.read)} (page's longest frame gap ${ms(r.gap)}), read+csv ${ms(r.read + p.parse)} (${p.rows} rows; gap while parsing ${ms(p.gap)})`,
    );
  }
  // The same gap while Python merely sleeps: what the machine's load alone does to the page's frames.
  const idle = [];
  for (let i = 0; i < RUNS; i++) {
    const t = 2 * RUNS + i;
    idle.push((await runCell(page, `time.sleep(2)\nprint('BENCH {"i": ${t}}')`, t)).gap);
  }
  const rd = median(read);
  const pr = median(parse);
  const gp = median(gaps);
  const mbs = size / 2 ** 20;
  console.log(`dist: ${DIST}`);
  console.log(`${mbs.toFixed(1)} MB CSV, urlopen(url).read() in Python: median ${ms(rd.median)} (min ${ms(rd.min)}, max ${ms(rd.max)}, n=${rd.n}), ${(mbs / (rd.median / 1000)).toFixed(0)} MB/s`);
  console.log(`same, then csv.reader over every row: median ${ms(pr.median)} (min ${ms(pr.min)}, max ${ms(pr.max)}, n=${pr.n})`);
  const ig = median(idle);
  const pg = median(parseGaps);
  console.log(
    `page's longest frame gap while Python downloads: median ${ms(gp.median)} (max ${ms(gp.max)}); while it parses: median ${ms(pg.median)}; while it sleeps 2 s: median ${ms(ig.median)} (max ${ms(ig.max)})`,
  );
  const r1 = (x) => Math.round(x);
  console.log(
    `WEB_BENCH ${JSON.stringify({ csvMB: Math.round(mbs * 10) / 10, readMs: r1(rd.median), readCsvMs: r1(pr.median), pageMaxFrameGapMs: r1(gp.median), pageMaxFrameGapParsingMs: r1(pg.median), pageMaxFrameGapSleepingMs: r1(ig.median) })}`,
  );
} finally {
  await browser.close();
  app.kill();
  await data.close();
}
