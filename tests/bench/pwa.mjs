#!/usr/bin/env node
// PWA figures, in real Chromium against a built app:
//   - the shell's JavaScript: what index.html loads before the app runs (entry chunk + modulepreloads), gzip -9,
//     against the 250 KB budget; the lazy chunks beside it; Pyodide's core, raw and gzip;
//   - first-visit transfer: bytes the host sent during a first visit until the service worker controls the page
//     and the kernel is ready (the host here does not compress, so these are raw bytes: the precache included);
//   - offline warm start: with the host stopped and the context offline, reload → kernel ready (median), beside
//     the same warm start with service workers blocked (HTTP cache, host up), to show what the worker costs.
// Prints human lines and one `PWA_BENCH {json}` line.
// Usage: node tests/bench/pwa.mjs [--dist dir] [--runs 5]. Default dist: ./dist (must be a build with the
// service worker: npm run build).
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { staticHandler } from '../../scripts/static-host.mjs';
import { chromium } from '@playwright/test';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const repo = fileURLToPath(new URL('../..', import.meta.url));
const DIST = normalize(opt('dist', join(repo, 'dist')));
/** Fresh profiles for the first-visit transfer. */
const FIRST_VISITS = Number(process.env.BENCH_FIRST_VISITS ?? 5);
const RUNS = Number(opt('runs', 5));
const BUDGET_KB = 250;
const LAUNCH = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
};
const STATUS = '[data-testid="kernel-status"]';

if (!existsSync(join(DIST, 'sw.js'))) {
  console.error(`No service worker in ${DIST}: build first (npm run build).`);
  process.exit(1);
}

const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kb = (n) => Math.round((n / 1024) * 10) / 10;

/** The JS index.html makes the browser load before the app runs: its module script and modulepreloads. */
function shellSizes() {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const initial = new Set(
    [...html.matchAll(/<(?:script[^>]*type="module"[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+)"/g)].map((m) =>
      m[1].replace(/^\.\//, ''),
    ),
  );
  const css = [...html.matchAll(/<link[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((m) => m[1].replace(/^\.\//, ''));
  const all = readdirSync(join(DIST, 'assets')).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`);
  const size = (files) =>
    files.reduce(
      (acc, f) => {
        const b = readFileSync(join(DIST, f));
        return { raw: acc.raw + b.length, gzip: acc.gzip + gz(b) };
      },
      { raw: 0, gzip: 0 },
    );
  const shell = size([...initial]);
  const lazy = size(all.filter((f) => !initial.has(f)));
  const cssSize = size(css);
  const core = size(readdirSync(join(DIST, 'pyodide')).filter((f) => statSync(join(DIST, 'pyodide', f)).isFile()).map((f) => `pyodide/${f}`));
  return { initial: [...initial], shell, lazy, css: cssSize, core };
}


/** A static host like `npm start` (isolation headers), counting the bytes it sends. */
async function host() {
  let sent = 0;
  const server = createServer(staticHandler({ root: () => DIST, onFile: (_rel, size) => (sent += size) }));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    sent: () => sent,
    close: () => new Promise((r) => { server.close(r); server.closeAllConnections(); }),
  };
}

/** Records, in the page, when the kernel status first reads idle (ms since navigation start). */
async function watchReady(ctx) {
  await ctx.addInitScript((sel) => {
    const check = () => {
      const el = document.querySelector(sel);
      if (el && /idle/i.test(el.textContent ?? '') && !window.__anodeReady) window.__anodeReady = performance.now();
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  }, STATUS);
}
const readyAt = async (page) => {
  await page.waitForFunction(() => window.__anodeReady, null, { timeout: 180_000 });
  return page.evaluate(() => window.__anodeReady);
};

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))];
  return { median: q(0.5), p95: q(0.95), min: s[0], max: s[s.length - 1], n: s.length };
}

/**
 * Bytes a first visit downloads until the service worker controls the page, in fresh profiles: the precache
 * must reuse the kernel's own download of Pyodide's core, not fetch it again (which happened in some visits).
 */
async function firstVisits(n) {
  const bytes = [];
  for (let i = 0; i < n; i++) {
    const h = await host();
    const profile = mkdtempSync(join(tmpdir(), 'anode-pwa-bench-'));
    const ctx = await chromium.launchPersistentContext(profile, LAUNCH);
    try {
      const page = ctx.pages()[0] ?? (await ctx.newPage());
      await page.goto(h.url);
      await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 180_000 });
      bytes.push(h.sent());
    } finally {
      await ctx.close();
      await h.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }
  return stats(bytes);
}

async function main() {
  const sizes = shellSizes();
  const fresh = await firstVisits(FIRST_VISITS);
  const h = await host();
  const profile = mkdtempSync(join(tmpdir(), 'anode-pwa-bench-'));
  const ctx = await chromium.launchPersistentContext(profile, LAUNCH);
  let firstVisit;
  let offline;
  let onlineFirstReady;
  try {
    await watchReady(ctx);
    const page = ctx.pages()[0] ?? (await ctx.newPage());
    await page.goto(h.url);
    onlineFirstReady = await readyAt(page);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 180_000 });
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    firstVisit = h.sent();
    // No network at all from here: host gone, context offline.
    await h.close();
    await ctx.setOffline(true);
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      await page.reload();
      times.push(await readyAt(page));
    }
    offline = stats(times);
  } finally {
    await ctx.close();
    await h.close().catch(() => undefined);
    rmSync(profile, { recursive: true, force: true });
  }

  // The same warm start without the service worker (HTTP cache only, host up), under the same machine load:
  // what the worker costs or saves.
  const h2 = await host();
  const profile2 = mkdtempSync(join(tmpdir(), 'anode-pwa-bench-'));
  const ctx2 = await chromium.launchPersistentContext(profile2, { ...LAUNCH, serviceWorkers: 'block' });
  let noSw;
  try {
    await watchReady(ctx2);
    const page = ctx2.pages()[0] ?? (await ctx2.newPage());
    await page.goto(h2.url);
    await readyAt(page);
    const times = [];
    for (let i = 0; i < RUNS; i++) {
      await page.reload();
      times.push(await readyAt(page));
    }
    noSw = stats(times);
  } finally {
    await ctx2.close();
    await h2.close();
    rmSync(profile2, { recursive: true, force: true });
  }

  const r = (x) => Math.round(x);
  console.log(`shell JS (initial: ${sizes.initial.join(', ')}): ${kb(sizes.shell.gzip)} KB gzip, ${kb(sizes.shell.raw)} KB raw (budget ${BUDGET_KB} KB gzip)`);
  console.log(`lazy JS chunks: ${kb(sizes.lazy.gzip)} KB gzip; CSS ${kb(sizes.css.gzip)} KB gzip`);
  console.log(`Pyodide core: ${kb(sizes.core.raw)} KB raw, ${kb(sizes.core.gzip)} KB gzip`);
  console.log(`first visit, bytes sent by the host until the worker controls the page: ${kb(firstVisit)} KB (uncompressed)`);
  console.log(`first visit in ${fresh.n} fresh profiles, bytes sent: median ${kb(fresh.median)} KB, max ${kb(fresh.max)} KB (Pyodide core ${kb(sizes.core.raw)} KB: twice the core would mean a double download)`);
  console.log(`first visit, kernel ready: ${r(onlineFirstReady)} ms`);
  console.log(`offline warm start to kernel ready: median ${r(offline.median)} ms (min ${r(offline.min)}, max ${r(offline.max)}, n=${offline.n})`);
  console.log(`online warm start without a service worker (HTTP cache): median ${r(noSw.median)} ms (n=${noSw.n})`);
  const out = {
    firstVisitMedianKB: kb(fresh.median),
    firstVisitMaxKB: kb(fresh.max),
    shellJsGzipKB: kb(sizes.shell.gzip),
    shellJsRawKB: kb(sizes.shell.raw),
    shellBudgetKB: BUDGET_KB,
    lazyJsGzipKB: kb(sizes.lazy.gzip),
    cssGzipKB: kb(sizes.css.gzip),
    pyodideCoreRawKB: kb(sizes.core.raw),
    pyodideCoreGzipKB: kb(sizes.core.gzip),
    firstVisitTransferKB: kb(firstVisit),
    firstVisitKernelReadyMs: r(onlineFirstReady),
    offlineWarmStartMedianMs: r(offline.median),
    offlineWarmStartP95Ms: r(offline.p95),
    noServiceWorkerWarmStartMedianMs: r(noSw.median),
    runs: offline.n,
  };
  console.log(`PWA_BENCH ${JSON.stringify(out)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
