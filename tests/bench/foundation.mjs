#!/usr/bin/env node
// Foundation figures, in real Chromium against the built app (dist/, not rebuilt here) served by
// scripts/serve.mjs on a free port:
//   - navigation to an editable first cell, cold: a fresh profile each run (first visit: the app creates the
//     Untitled notebook and focuses its editor; every file downloaded);
//   - the same, warm: a persistent profile on its second and later visits to a notebook (HTTP cache, service
//     worker and IndexedDB already there);
//   - opening a 500-cell notebook from IndexedDB: navigation to `#/n/<id>` until all 500 cells are in the page
//     and the last cell's editor is rendered. The notebook is written straight into IndexedDB the way y-indexeddb
//     stores it (database `anode:nb:<id>`, store `updates`), as one Yjs update built here with the document
//     schema of shared/ARCHITECTURE.md, plus its library entry (database `anode:library`, map `notebooks`).
// Times are measured inside the page from navigation start (performance.now()).
// Usage: node tests/bench/foundation.mjs [N=5] (medians over N runs). Prints one `FOUNDATION_BENCH {json}` line.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import * as Y from 'yjs';
import { generateNKeysBetween } from 'fractional-indexing';

const N = Math.max(1, Number(process.argv[2] ?? 5) || 5);
const CELLS = Number(process.env.BENCH_CELLS ?? 500);
const root = fileURLToPath(new URL('../..', import.meta.url));
const DIST = process.env.DIST ?? join(root, 'dist');
const LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
};
const TIMEOUT = 180_000;

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = (s.length - 1) / 2;
  const median = (s[Math.floor(mid)] + s[Math.ceil(mid)]) / 2;
  return { median, min: s[0], max: s[s.length - 1], n: s.length };
}
const ms = (x) => `${x.toFixed(0)} ms`;
const round = (st) => ({ median_ms: +st.median.toFixed(1), min_ms: +st.min.toFixed(1), max_ms: +st.max.toFixed(1), n: st.n });

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(port) {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`No build in ${DIST}: run "npx vite build" first.`);
  const child = spawn(process.execPath, [join(root, 'scripts/serve.mjs')], {
    env: { ...process.env, DIST, PORT: String(port), NO_SIGNALING: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('running') && resolve());
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return child;
}

/**
 * Records, inside the page, the first moment the first cell's editor is editable (contenteditable and focused
 * for a new notebook, contenteditable for an existing one) and the moment `cells` cells are present with the
 * last one's editor rendered. Cheap checks on each DOM mutation; no polling.
 */
async function instrument(page, cells) {
  await page.addInitScript((want) => {
    const w = window;
    const list = document.getElementsByClassName('cell');
    const check = () => {
      if (w.__firstEditable === undefined) {
        const first = list[0]?.querySelector('.cm-content[contenteditable="true"]');
        if (first) w.__firstEditable = performance.now();
      }
      // Open means every cell is on the page and the ones in view are editable (editors further down are built
      // as they scroll near, src/ui/CellView.tsx).
      if (w.__allCells === undefined && list.length >= want && list[0].querySelector('.cm-content')) {
        w.__allCells = performance.now();
      }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true });
  }, cells);
}

async function firstEditable(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.__firstEditable !== undefined, null, { timeout: TIMEOUT });
  return page.evaluate(() => window.__firstEditable);
}

/** Cold: a fresh profile per run, first visit (the app creates and opens a new notebook). */
async function coldFirstCell(browser, base) {
  const times = [];
  for (let i = 0; i < N; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await instrument(page, 1);
    times.push(await firstEditable(page, base));
    // The new notebook really is ready to type into.
    await page.locator('[data-cell-id] .cm-content').first().waitFor();
    await ctx.close();
  }
  return stats(times);
}

/** Warm: one persistent profile; the first visit primes it, later visits to the notebook are measured. */
async function warmFirstCell(base) {
  const dir = mkdtempSync(join(tmpdir(), 'anode-bench-'));
  const ctx = await chromium.launchPersistentContext(dir, LAUNCH);
  try {
    const prime = ctx.pages()[0] ?? (await ctx.newPage());
    await prime.goto(base);
    await prime.waitForURL(/#\/n\/[a-z0-9]+$/, { timeout: TIMEOUT });
    await prime.locator('[data-cell-id] .cm-content').first().waitFor({ timeout: TIMEOUT });
    await prime.keyboard.type('x = 1');
    const url = prime.url();
    await prime.close();
    const times = [];
    for (let i = 0; i < N; i++) {
      const page = await ctx.newPage();
      await instrument(page, 1);
      times.push(await firstEditable(page, url));
      await page.close();
    }
    return stats(times);
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A notebook document (schema version 1) with `count` cells, as one Yjs update; and its library entry. */
function bigNotebook(id, count) {
  const doc = new Y.Doc();
  const keys = generateNKeysBetween(null, null, count);
  doc.transact(() => {
    const meta = doc.getMap('meta');
    meta.set('id', id);
    meta.set('title', `Bench ${count} cells`);
    meta.set('created', Date.now());
    meta.set('schemaVersion', 1);
    meta.set('language', 'python');
    const cells = doc.getMap('cells');
    for (let i = 0; i < count; i++) {
      const cell = new Y.Map();
      const markdown = i % 10 === 0;
      cell.set('type', markdown ? 'markdown' : 'code');
      cell.set('order', keys[i]);
      const source = new Y.Text();
      source.insert(0, markdown ? `## Section ${i / 10}\n\nSome *notes* about step ${i}.` : `x${i} = ${i} * 2\nprint("step", x${i})`);
      cell.set('source', source);
      cell.set('metadata', new Y.Map());
      const outputs = new Y.Array();
      if (!markdown) outputs.push([{ output_type: 'stream', name: 'stdout', text: `step ${i * 2}\n` }]);
      cell.set('outputs', outputs);
      cell.set('executionCount', markdown ? null : i);
      cells.set(`c${i.toString(36).padStart(11, '0')}`, cell);
    }
  });
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  const lib = new Y.Doc();
  const now = Date.now();
  lib.getMap('notebooks').set(id, { title: `Bench ${count} cells`, created: now, updated: now });
  const libUpdate = Y.encodeStateAsUpdate(lib);
  lib.destroy();
  return { update, libUpdate };
}

/** Writes updates into IndexedDB databases laid out as y-indexeddb lays them out. */
async function storeUpdates(page, entries) {
  await page.evaluate(async (list) => {
    const put = (name, bytes) =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open(name);
        req.onupgradeneeded = () => {
          req.result.createObjectStore('updates', { autoIncrement: true });
          req.result.createObjectStore('custom');
        };
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction(['updates'], 'readwrite');
          tx.objectStore('updates').add(new Uint8Array(bytes));
          tx.oncomplete = () => (db.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      });
    for (const [name, bytes] of list) await put(name, bytes);
  }, entries.map(([name, bytes]) => [name, Array.from(bytes)]));
}

/** Opening the 500-cell notebook from IndexedDB: a full page load of its URL, N times in one profile. */
async function bigOpen(browser, base) {
  const ctx = await browser.newContext();
  try {
    const setup = await ctx.newPage();
    await setup.goto(base);
    await setup.waitForURL(/#\/n\/[a-z0-9]+$/, { timeout: TIMEOUT });
    const id = 'bench' + Math.random().toString(36).slice(2, 12);
    const { update, libUpdate } = bigNotebook(id, CELLS);
    await storeUpdates(setup, [[`anode:nb:${id}`, update], ['anode:library', libUpdate]]);
    await setup.close();
    const times = [];
    for (let i = 0; i < N; i++) {
      const page = await ctx.newPage();
      await instrument(page, CELLS);
      await page.goto(`${base}#/n/${id}`);
      await page.waitForFunction(() => window.__allCells !== undefined, null, { timeout: TIMEOUT });
      times.push(await page.evaluate(() => window.__allCells));
      const count = await page.locator('[data-cell-id]').count();
      if (count !== CELLS) throw new Error(`expected ${CELLS} cells, saw ${count}`);
      await page.close();
    }
    return { stats: stats(times), bytes: update.length };
  } finally {
    await ctx.close();
  }
}

const port = await freePort();
const base = `http://127.0.0.1:${port}/`;
const server = await startServer(port);
const browser = await chromium.launch(LAUNCH);
try {
  console.log(`Foundation bench, N=${N}, ${base}`);
  const cold = await coldFirstCell(browser, base);
  console.log(`editable first cell, cold (fresh profile, new notebook): median ${ms(cold.median)} (min ${ms(cold.min)}, max ${ms(cold.max)})`);
  const warm = await warmFirstCell(base);
  console.log(`editable first cell, warm (persistent profile, return visit): median ${ms(warm.median)} (min ${ms(warm.min)}, max ${ms(warm.max)})`);
  const big = await bigOpen(browser, base);
  console.log(`open a ${CELLS}-cell notebook from IndexedDB (${(big.bytes / 1024).toFixed(0)} KiB update), all cells on the page, editors in view ready: median ${ms(big.stats.median)} (min ${ms(big.stats.min)}, max ${ms(big.stats.max)})`);
  console.log(
    'FOUNDATION_BENCH ' +
      JSON.stringify({
        n: N,
        first_cell_cold: round(cold),
        first_cell_warm: round(warm),
        [`open_${CELLS}_cells`]: { ...round(big.stats), cells: CELLS, update_bytes: big.bytes },
      }),
  );
} finally {
  await browser.close();
  server.kill();
}
