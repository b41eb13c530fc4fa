#!/usr/bin/env node
// Output floods (display() of every number, print(flush=True), update_display in a loop), in real Chromium against
// the built app: while each flood runs, how long "+ Code" takes to answer, from the browser's own click event
// (event.timeStamp: it includes the time the click waited behind the page's work) to the new cell in the DOM and to
// the next painted frame; then how long Interrupt takes to end the flood (click to KeyboardInterrupt shown).
// Figures are medians. Usage: node tests/bench/flood.mjs [--dist dir] [--clicks 7] [--port 4194]. Default dist: ./dist,
// which needs IPython vendored into it (the e2e global setup does that; so does `npm run vendor`).
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { LAUNCH, option, root, serveApp, setSource } from './lib/app.mjs';

const DIST = option('dist', join(root, 'dist'));
const CLICKS = Number(option('clicks', 7));
const PORT = Number(option('port', 4194));

const FLOODS = [
  ['display() of every number', 'from IPython.display import display\ni = 0\nwhile True:\n    display(i)\n    i += 1'],
  ['print(i, flush=True)', 'i = 0\nwhile True:\n    print(i, flush=True)\n    i += 1'],
  ['update_display', 'h = display(0, display_id=True)\ni = 0\nwhile True:\n    i += 1\n    h.update(i)'],
];

function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)], max: s[s.length - 1], n: s.length };
}
const fmt = (m) => `median ${m.median.toFixed(0)} ms, max ${m.max.toFixed(0)} ms (n=${m.n})`;

/** Clicks "+ Code" once; returns [ms to the new cell in the DOM, ms to the frame after it], from the click event. */
async function addCellLatency(page) {
  await page.evaluate(() => {
    const w = /** @type {any} */ (window);
    w.__bench = { click: null, added: null, painted: null };
    const before = document.querySelectorAll('[data-cell-id]').length;
    document.addEventListener('click', (e) => (w.__bench.click = e.timeStamp), { capture: true, once: true });
    const mo = new MutationObserver(() => {
      if (document.querySelectorAll('[data-cell-id]').length <= before) return;
      mo.disconnect();
      w.__bench.added = performance.now();
      requestAnimationFrame(() => (w.__bench.painted = performance.now()));
    });
    mo.observe(document.body, { childList: true, subtree: true });
  });
  await page.getByRole('button', { name: 'Add code cell', exact: true }).click();
  await page.waitForFunction(() => /** @type {any} */ (window).__bench.painted !== null, null, { timeout: 120_000, polling: 50 });
  const b = await page.evaluate(() => /** @type {any} */ (window).__bench);
  return [b.added - b.click, b.painted - b.click];
}

const server = await serveApp(DIST, PORT);
const browser = await chromium.launch(LAUNCH);
try {
  for (const [what, code] of FLOODS) {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    await page.goto(`http://127.0.0.1:${PORT}/`);
    const status = page.locator('[data-testid="kernel-status"]');
    await status.getByText(/idle/i).waitFor({ timeout: 180_000 });
    await setSource(page, code);
    await page.keyboard.press('Control+Enter');
    await status.getByText(/busy/i).waitFor({ timeout: 60_000 });
    // Let the flood build up (the cell's outputs reach their cap) before measuring.
    await page.waitForTimeout(5_000);
    const dom = [];
    const painted = [];
    for (let i = 0; i < CLICKS; i++) {
      const [d, p] = await addCellLatency(page);
      dom.push(d);
      painted.push(p);
      await page.waitForTimeout(300);
    }
    const busy = /busy/i.test((await status.textContent()) ?? '');
    console.log(`flood of ${what}${busy ? '' : ' (ended before the clicks were done: figures not valid)'}:`);
    console.log(`  "+ Code" to new cell ${fmt(stats(dom))}; to painted frame ${fmt(stats(painted))}`);
    const t0 = Date.now();
    await page.getByRole('button', { name: 'Interrupt kernel' }).first().click();
    await page.waitForFunction(
      () => document.querySelector('[data-cell-id] .outputs')?.textContent?.includes('KeyboardInterrupt') === true,
      null,
      { timeout: 180_000, polling: 100 },
    );
    console.log(`  Interrupt to KeyboardInterrupt shown: ${Date.now() - t0} ms`);
    await context.close();
  }
} finally {
  await browser.close();
  server.kill();
}
