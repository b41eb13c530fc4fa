#!/usr/bin/env node
// Kernel figures, in real Chromium against a built app served like `npm start` serves it:
//   - kernel ready, cold (fresh profile: every file downloaded) and warm (persistent profile, HTTP cache primed),
//     measured in the page from navigation start to the status element reading "idle";
//   - round trip from the run key (Ctrl+Enter in the first cell) to the new result painted, median and p95 over
//     100 runs;
//   - time to show 10,000 lines of stdout (key press to the last line painted).
// Usage: node tests/bench/kernel.mjs [--dist dir] [--runs 100]. Default dist: ./dist (the app).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { option, root, serveApp, setSource } from './lib/app.mjs';

const DIST = option('dist', join(root, 'dist'));
const RUNS = Number(option('runs', 100));
const PORT = Number(option('port', 4190));
const URL_ = `http://127.0.0.1:${PORT}/`;
const LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
};

const STATUS = '[data-testid="kernel-status"]';

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { median: q(0.5), p95: q(0.95), min: s[0], max: s[s.length - 1], n: s.length };
}
const ms = (x) => `${x.toFixed(1)} ms`;

/**
 * What IPython adds to a first visit: its wheels (ipython and its dependencies, jedi excepted as the kernel loads
 * it), as vendored into DIST (the tests vendor Debian's; a CDN deployment downloads Pyodide's, of similar size).
 */
function shellDownload() {
  const lockPath = join(DIST, 'pyodide', 'pyodide-lock.json');
  const lock = existsSync(lockPath) ? JSON.parse(readFileSync(lockPath, 'utf8')) : { packages: {} };
  const seen = new Set();
  const visit = (key) => {
    if (!lock.packages[key] || seen.has(key)) return;
    seen.add(key);
    lock.packages[key].depends.forEach(visit);
  };
  visit('ipython');
  const files = [...seen].map((k) => join(DIST, 'pyodide', 'packages', lock.packages[k].file_name.split('/').pop()));
  if (!files.length || !files.every((f) => existsSync(f))) return 'IPython download: not vendored in this build (it would come from the package base)';
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  return `IPython download (first visit, ${files.length} wheels vendored in this build): ${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** Milliseconds from navigation start until the kernel status reads idle, measured inside the page. */
async function readyTime(page, url = URL_) {
  await page.addInitScript((sel) => {
    const check = () => {
      const el = document.querySelector(sel);
      if (el && /idle/i.test(el.textContent ?? '') && !window.__anodeReady) window.__anodeReady = performance.now();
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  }, STATUS);
  await page.goto(url);
  await page.waitForFunction(() => window.__anodeReady, null, { timeout: 120_000 });
  return page.evaluate(() => window.__anodeReady);
}

async function cold(browser, n = 3) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    times.push(await readyTime(page));
    await ctx.close();
  }
  return stats(times);
}

/** How the page's kernel started: 'snapshot' (a stored memory snapshot restored) or 'scratch'. */
const startedFrom = (page) => page.evaluate(() => document.querySelector('.kernel-badge')?.getAttribute('data-started-from'));

/** Drops the stored interpreter snapshot, so that the next boot starts from scratch. */
const dropSnapshots = (page) =>
  page.evaluate(async () => {
    for (const name of await caches.keys()) if (name.startsWith('anode-python-snapshot-')) await caches.delete(name);
  });

/**
 * Warm starts in a persistent profile. With `snapshot` false the stored interpreter snapshot is dropped before
 * each load, which shows what the snapshot saves.
 */
async function warm(n = 5, snapshot = true) {
  const dir = mkdtempSync(join(tmpdir(), 'anode-bench-'));
  const ctx = await chromium.launchPersistentContext(dir, LAUNCH);
  try {
    // Primes the HTTP cache and the wasm code cache. Later loads reopen the notebook this one landed on (a
    // returning user's start page may be a notebook list), one tab at a time.
    let prev = ctx.pages()[0] ?? (await ctx.newPage());
    await readyTime(prev);
    const url = prev.url();
    const times = [];
    const from = [];
    for (let i = 0; i < n; i++) {
      // The snapshot is written in the background after a boot from scratch: let it land (or drop it).
      if (snapshot) await prev.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith('anode-python-snapshot-')), null, { timeout: 30_000 });
      else await dropSnapshots(prev);
      await prev.close();
      const page = await ctx.newPage();
      times.push(await readyTime(page, url));
      from.push(await startedFrom(page));
      prev = page;
    }
    await prev.close();
    return { ...stats(times), from: [...new Set(from)].join('/') };
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Presses Ctrl+Enter; resolves with ms from the key event to the output being in the DOM (`dom`) and to the
 * frame after it (`painted`: headless Chromium's frame clock adds up to a frame interval here).
 */
async function timedRun(page, doneSource) {
  // Installed (awaited) before the key press, or the press could beat the listener.
  await page.evaluate((src) => {
    const done = new Function('text', `return (${src})(text)`);
    // The cell, not its .outputs: the UI may only render that box once there is output.
    const cell = document.querySelector('[data-cell-id]');
    const outText = () => cell.querySelector('.outputs')?.textContent ?? '';
    window.__anodeBench = new Promise((resolve) => {
      let t0 = null;
      const onKey = (e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.shiftKey)) t0 = performance.now();
      };
      document.addEventListener('keydown', onKey, true);
      const mo = new MutationObserver(() => {
        if (t0 === null || !done(outText())) return;
        mo.disconnect();
        document.removeEventListener('keydown', onKey, true);
        const dom = performance.now() - t0;
        // After the next paint: rAF runs before it, the task after rAF runs once it happened.
        requestAnimationFrame(() => setTimeout(() => resolve({ dom, painted: performance.now() - t0 }), 0));
      });
      mo.observe(cell, { subtree: true, childList: true, characterData: true });
    });
  }, doneSource.toString());
  await page.keyboard.press('Control+Enter');
  return page.evaluate(() => window.__anodeBench);
}

async function interactive(browser) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  page.on('crash', () => console.error('the page crashed'));
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await readyTime(page);
  await setSource(page, 'n = globals().get("n", 0) + 1\nf"<<{n}>>"');
  const rt = [];
  for (let k = 1; k <= RUNS + 3; k++) {
    const t = await timedRun(page, `(text) => text.includes("<<${k}>>")`);
    if (k > 3) rt.push(t); // the first runs pay for one-time work (imports, JIT)
  }
  const tenK = [];
  for (let i = 0; i < 3; i++) {
    // A marker after the last line tells this run's output from the previous one.
    await setSource(page, `for i in range(10_000):\n    print(i)\nprint("end-${i}")`);
    tenK.push(await timedRun(page, `(text) => text.includes("9999") && text.includes("end-${i}")`));
  }
  await ctx.close();
  return {
    roundTrip: stats(rt.map((t) => t.painted)),
    roundTripDom: stats(rt.map((t) => t.dom)),
    tenK: stats(tenK.map((t) => t.painted)),
  };
}

// The app's own build gets IPython vendored as the e2e tests get it (no CDN here); another --dist is taken as is.
if (!args.includes('--dist')) await (await import('../e2e/global-setup.mjs')).default();
const server = await serveApp(DIST, PORT);
const browser = await chromium.launch(LAUNCH);
try {
  const c = await cold(browser);
  const w = await warm();
  const ws = await warm(5, false);
  const { roundTrip, roundTripDom, tenK } = await interactive(browser);
  console.log(`dist: ${DIST}`);
  console.log(shellDownload());
  console.log(`kernel ready, cold (fresh profile): median ${ms(c.median)} (min ${ms(c.min)}, max ${ms(c.max)}, n=${c.n})`);
  console.log(`kernel ready, warm (cached profile, from ${w.from}): median ${ms(w.median)} (min ${ms(w.min)}, max ${ms(w.max)}, n=${w.n})`);
  console.log(`kernel ready, warm without the snapshot (from ${ws.from}): median ${ms(ws.median)} (min ${ms(ws.min)}, max ${ms(ws.max)}, n=${ws.n}); ratio ${(ws.median / w.median).toFixed(1)}x`);
  console.log(`run key -> result in the DOM: median ${ms(roundTripDom.median)}, p95 ${ms(roundTripDom.p95)} (n=${roundTripDom.n})`);
  console.log(`run key -> result painted: median ${ms(roundTrip.median)}, p95 ${ms(roundTrip.p95)} (n=${roundTrip.n})`);
  console.log(`10,000 lines of stdout shown: median ${ms(tenK.median)} (min ${ms(tenK.min)}, max ${ms(tenK.max)}, n=${tenK.n})`);
  const r1 = (x) => Math.round(x * 10) / 10;
  console.log(
    `KERNEL_BENCH ${JSON.stringify({
      coldReadyMs: r1(c.median),
      warmReadyMs: r1(w.median),
      warmStartedFrom: w.from,
      warmNoSnapshotReadyMs: r1(ws.median),
      runToDomMs: r1(roundTripDom.median),
      runToPaintMs: r1(roundTrip.median),
      runToPaintP95Ms: r1(roundTrip.p95),
      stdout10kMs: r1(tenK.median),
    })}`,
  );
} finally {
  await browser.close();
  server.kill();
}
