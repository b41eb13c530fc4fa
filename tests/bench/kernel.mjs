#!/usr/bin/env node
// Kernel figures, in real Chromium against a built app served like `npm start` serves it:
//   - kernel ready with IPython (after) and without it (before), same run, same server, same browser:
//       after:  the app with IPython vendored, cold (fresh profile: every file downloaded) and warm (persistent
//               profile, HTTP cache primed, the stored interpreter snapshot restored, as a returning user), and
//               warm with the snapshot dropped (what the snapshot saves);
//       before: the same build with IPython taken out of its lock, which the kernel boots as plain Python, cold
//               and warm. The kernel keeps no snapshot without IPython (the next start tries IPython again), so
//               its warm start is from scratch; a warm start from a snapshot of the plain interpreter, as the app
//               did before IPython, is measured on Pyodide's core alone (a page that boots the same core in a
//               worker, from scratch and from its snapshot): the app's own page, sandbox and hand-over are not in
//               that figure;
//     each measured in the page from navigation start until the kernel is ready (the status reads "idle");
//   - the size of the download IPython adds to a first visit (its wheels);
//   - round trip from the run key (Ctrl+Enter in the first cell) to the new result painted, median and p95 over
//     100 runs;
//   - time to show 10,000 lines of stdout (key press to the last line painted).
// Usage: node tests/bench/kernel.mjs [--dist dir] [--runs 100] [--trials 5] [--only warm]. Default dist: ./dist (the app), into
// which Debian's IPython is vendored first (the tests' mirror: no CDN here); another --dist is taken as is.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { buildDebianMirror } from '../../scripts/debian-mirror.mjs';
import { updatePrecacheRevision, vendor } from '../../scripts/vendor-packages.mjs';
import { option, root, serveApp, setSource } from './lib/app.mjs';

const DIST = option('dist', join(root, 'dist'));
const RUNS = Number(option('runs', 100));
/** Boots per warm figure (at least 3). A cold figure is always 3 boots: each downloads everything again. */
const TRIALS = Math.max(3, Number(option('trials', 5)));
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
 * it), as vendored into DIST (the tests vendor Debian's; a CDN deployment downloads Pyodide's, of similar size);
 * null when they are not vendored in DIST.
 */
function shellDownloadFiles() {
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
  return files.length && files.every((f) => existsSync(f)) ? files : null;
}

const shellDownloadBytes = () => shellDownloadFiles()?.reduce((n, f) => n + statSync(f).size, 0) ?? null;

function shellDownload() {
  const files = shellDownloadFiles();
  if (!files) return 'IPython download: not vendored in this build (it would come from the package base)';
  return `IPython download (first visit, ${files.length} wheels vendored in this build): ${(shellDownloadBytes() / 1024 / 1024).toFixed(2)} MB`;
}

/** Milliseconds from navigation start until the kernel status reads idle, measured inside the page. */
async function readyTime(page, url) {
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

/** Kernel ready in a fresh profile each time (nothing cached, no snapshot): `ready(page, url)` measures one. */
async function cold(browser, url, ready = readyTime) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    times.push(await ready(page, url));
    await ctx.close();
  }
  return stats(times);
}

/** The boot's phase marks (client.ts markBoot): ms from navigation start at which each phase ended. */
const bootPhases = (page) =>
  page.evaluate(() =>
    Object.fromEntries(
      performance
        .getEntriesByType('mark')
        .filter((m) => m.name.startsWith('anode-kernel:'))
        .map((m) => [m.name.slice('anode-kernel:'.length), m.startTime]),
    ),
  );

/** Each phase's median over boots, in the order the phases ended: "name median" pairs. */
function phaseMedians(boots) {
  const names = [...new Set(boots.flatMap((b) => Object.keys(b)))];
  const rows = names.map((name) => [name, stats(boots.map((b) => b[name]).filter((x) => x !== undefined)).median]);
  return rows.sort((a, b) => a[1] - b[1]).map(([name, t]) => `${name} ${t.toFixed(0)}`).join(', ');
}

/** How the page's kernel started: 'snapshot' (a stored memory snapshot restored) or 'scratch'. */
const startedFrom = (page) => page.evaluate(() => document.querySelector('.kernel-badge')?.getAttribute('data-started-from'));

/** Drops the stored interpreter snapshot, so that the next boot starts from scratch. */
const dropSnapshots = (page) =>
  page.evaluate(async () => {
    for (const name of await caches.keys()) if (name.startsWith('anode-python-snapshot-')) await caches.delete(name);
  });

/**
 * Warm starts of the app at `url` in a persistent profile. With `snapshot` false the stored interpreter snapshot
 * is dropped before each load (or there is none: the kernel without IPython stores none).
 */
async function warm(url0, snapshot = true, n = TRIALS) {
  const dir = mkdtempSync(join(tmpdir(), 'anode-bench-'));
  const ctx = await chromium.launchPersistentContext(dir, LAUNCH);
  try {
    // Primes the HTTP cache and the wasm code cache. Later loads reopen the notebook this one landed on (a
    // returning user's start page may be a notebook list), one tab at a time.
    let prev = ctx.pages()[0] ?? (await ctx.newPage());
    await readyTime(prev, url0);
    const url = prev.url();
    const times = [];
    const from = [];
    const phases = [];
    for (let i = 0; i < n; i++) {
      // The snapshot is written in the background after a boot from scratch: let it land (or drop it).
      if (snapshot) await prev.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith('anode-python-snapshot-')), null, { timeout: 30_000 });
      else await dropSnapshots(prev);
      await prev.close();
      const page = await ctx.newPage();
      times.push(await readyTime(page, url));
      from.push(await startedFrom(page));
      phases.push(await bootPhases(page));
      prev = page;
    }
    await prev.close();
    return { ...stats(times), from: [...new Set(from)].join('/'), phases: phaseMedians(phases) };
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
  await readyTime(page, URL_);
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

/**
 * The "before" build: a copy of DIST whose lock has no IPython (the kernel then boots as plain Python and fetches
 * no wheels), plus a page that boots Pyodide's core alone in a worker (bench-core.html). Removed by the caller.
 */
function beforeBuild() {
  const dir = mkdtempSync(join(tmpdir(), 'anode-bench-plain-'));
  cpSync(DIST, dir, { recursive: true });
  const lockPath = join(dir, 'pyodide', 'pyodide-lock.json');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
  delete lock.packages.ipython;
  lock.info.anode_vendored = (lock.info.anode_vendored ?? []).filter((k) => k !== 'ipython');
  const text = JSON.stringify(lock);
  writeFileSync(lockPath, text);
  // The service worker checks the lock against its precache integrity: kept true, or it would not install.
  updatePrecacheRevision(dir, 'pyodide/pyodide-lock.json', text);
  writeFileSync(
    join(dir, 'bench-core.html'),
    `<!doctype html><meta charset="utf-8"><script type="module">
const w = new Worker('./bench-core-worker.mjs', { type: 'module' });
w.onmessage = ({ data }) => {
  if (data.ready) [window.__anodeReady, window.__coreFrom] = [performance.now(), data.from];
  if (data.stored) window.__coreStored = true;
  if (data.error) window.__coreError = data.error;
};
</script>`,
  );
  // As the kernel's worker does, minus IPython and the kernel's own Python: ready once loadPyodide resolves.
  writeFileSync(
    join(dir, 'bench-core-worker.mjs'),
    `import { loadPyodide } from './pyodide/pyodide.mjs';
const indexURL = new URL('./pyodide/', import.meta.url).href;
try {
  const cache = await caches.open('bench-core-snapshot');
  const hit = await cache.match('snapshot');
  if (hit) {
    await loadPyodide({ indexURL, _loadSnapshot: new Uint8Array(await hit.arrayBuffer()) });
    postMessage({ ready: true, from: 'snapshot' });
  } else {
    const py = await loadPyodide({ indexURL, _makeSnapshot: true });
    postMessage({ ready: true, from: 'scratch' });
    await cache.put('snapshot', new Response(py.makeMemorySnapshot()));
    postMessage({ stored: true });
  }
} catch (e) {
  postMessage({ error: String(e) });
}`,
  );
  return dir;
}

/** Milliseconds from navigation start until the core page's Pyodide is ready. */
async function coreReadyTime(page, url) {
  await page.goto(url);
  await page.waitForFunction(() => window.__anodeReady || window.__coreError, null, { timeout: 120_000 });
  const error = await page.evaluate(() => window.__coreError);
  if (error) throw new Error(`Pyodide's core did not boot: ${error}`);
  return page.evaluate(() => window.__anodeReady);
}

/** Warm boots of the core page in a persistent profile: the first stores the snapshot, the next restore it. */
async function coreWarm(url, n = TRIALS) {
  const dir = mkdtempSync(join(tmpdir(), 'anode-bench-core-'));
  const ctx = await chromium.launchPersistentContext(dir, LAUNCH);
  try {
    const first = ctx.pages()[0] ?? (await ctx.newPage());
    await coreReadyTime(first, url);
    await first.waitForFunction(() => window.__coreStored || window.__coreError, null, { timeout: 60_000 });
    await first.close();
    const times = [];
    const from = new Set();
    for (let i = 0; i < n; i++) {
      const page = await ctx.newPage();
      times.push(await coreReadyTime(page, url));
      from.add(await page.evaluate(() => window.__coreFrom));
      await page.close();
    }
    return { ...stats(times), from: [...from].join('/') };
  } finally {
    await ctx.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The kernel badge's title (what the kernel said about its boot) on a fresh load of `url`. */
async function bootNotice(browser, url) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await readyTime(page, url);
  const title = await page.locator('.kernel-badge').getAttribute('title');
  await ctx.close();
  return title ?? '';
}

if (option('dist', null) === null) {
  const mirror = buildDebianMirror();
  await vendor({ names: [], base: mirror.dir, lock: mirror.lock, out: null, dist: DIST }, () => undefined);
}
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');
const loadBefore = load();
const plainDir = beforeBuild();
const server = await serveApp(DIST, PORT);
const plainServer = await serveApp(plainDir, PORT + 1);
const PLAIN_URL = `http://127.0.0.1:${PORT + 1}/`;
const CORE_URL = `${PLAIN_URL}bench-core.html`;
const browser = await chromium.launch(LAUNCH);
try {
  const notice = await bootNotice(browser, PLAIN_URL);
  if (!/IPython is unavailable/.test(notice)) throw new Error(`the "before" build booted with IPython? Its kernel says: ${notice}`);
  if (option('only', null) === 'warm') {
    // The one figure the issue sets a target for, alone (minutes instead of half an hour).
    const w = await warm(URL_);
    console.log(`load average (1, 5, 15 min) at the start: ${loadBefore}; at the end: ${load()}`);
    console.log(`after:  kernel ready, warm (cached profile, from ${w.from}), with IPython: median ${ms(w.median)} (min ${ms(w.min)}, max ${ms(w.max)}, n=${w.n})`);
    console.log(`        phases (ms from navigation start, medians): ${w.phases}`);
  } else {
    // Interleaved, before and after, so that a change in the machine's load falls on both.
    const c = await cold(browser, URL_);
    const cp = await cold(browser, PLAIN_URL);
    const cc = await cold(browser, CORE_URL, coreReadyTime);
    const w = await warm(URL_);
    const wp = await warm(PLAIN_URL, false);
    const wc = await coreWarm(CORE_URL);
    const ws = await warm(URL_, false);
    const { roundTrip, roundTripDom, tenK } = await interactive(browser);
    const line = (label, x) => `${label}: median ${ms(x.median)} (min ${ms(x.min)}, max ${ms(x.max)}, n=${x.n})`;
    console.log(`dist: ${DIST}`);
    console.log(`load average (1, 5, 15 min) at the start: ${loadBefore}; at the end: ${load()}`);
    console.log(shellDownload());
    console.log(line('after:  kernel ready, cold (fresh profile), with IPython', c));
    console.log(line(`after:  kernel ready, warm (cached profile, from ${w.from}), with IPython`, w));
    console.log(line(`after:  kernel ready, warm with the snapshot dropped (from ${ws.from}), with IPython`, ws));
    console.log(line('before: kernel ready, cold (fresh profile), without IPython', cp));
    console.log(line(`before: kernel ready, warm (cached profile, from ${wp.from}: no snapshot without IPython)`, wp));
    console.log(line('before: Pyodide core alone ready, cold (fresh profile)', cc));
    console.log(line(`before: Pyodide core alone ready, warm (from ${wc.from})`, wc));
    console.log(`ratios after/before: cold ${(c.median / cp.median).toFixed(2)}x, warm ${(w.median / wp.median).toFixed(2)}x (app, snapshot vs none), warm ${(w.median / wc.median).toFixed(2)}x (app with IPython from its snapshot vs the core alone from its)`);
    console.log(`run key -> result in the DOM: median ${ms(roundTripDom.median)}, p95 ${ms(roundTripDom.p95)} (n=${roundTripDom.n})`);
    console.log(`run key -> result painted: median ${ms(roundTrip.median)}, p95 ${ms(roundTrip.p95)} (n=${roundTrip.n})`);
    console.log(line('10,000 lines of stdout shown', tenK));
    const r1 = (x) => Math.round(x * 10) / 10;
    console.log(
      `KERNEL_BENCH ${JSON.stringify({
        loadAverage: loadBefore,
        ipythonDownloadBytes: shellDownloadBytes(),
        coldReadyMs: r1(c.median),
        warmReadyMs: r1(w.median),
        warmStartedFrom: w.from,
        warmNoSnapshotReadyMs: r1(ws.median),
        coldReadyNoIPythonMs: r1(cp.median),
        warmReadyNoIPythonMs: r1(wp.median),
        coldReadyCoreMs: r1(cc.median),
        warmReadyCoreSnapshotMs: r1(wc.median),
        runToDomMs: r1(roundTripDom.median),
        runToPaintMs: r1(roundTrip.median),
        runToPaintP95Ms: r1(roundTrip.p95),
        stdout10kMs: r1(tenK.median),
      })}`,
    );
  }
} finally {
  await browser.close();
  server.kill();
  plainServer.kill();
  rmSync(plainDir, { recursive: true, force: true });
}
