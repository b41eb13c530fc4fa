#!/usr/bin/env node
// The table view (src/ui/table/) over a 10,000-row application/vnd.dataresource+json output, in real Chromium
// against the built app: Python displays the bundle once, then in the page, from a click to the next frame:
//   - mounting the view (the output's "HTML" / "Table view" switch: all 10,000 rows filtered and paged, 50 drawn);
//   - sorting by a numeric column (10,000 rows ordered, the first page redrawn);
//   - typing a filter (10,000 rows scanned);
//   - the next page.
// Figures are medians. Usage: node tests/bench/table.mjs [--dist dir] [--runs 15] [--port 4195]. Default dist: ./dist.
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { LAUNCH, median, option, root, serveApp, setSource } from './lib/app.mjs';

const DIST = option('dist', join(root, 'dist'));
const RUNS = Number(option('runs', 15));
const PORT = Number(option('port', 4195));

const SOURCE = `rows = [{"index": i, "n": (i * 7919) % 10_000, "name": f"item {i}", "x": i / 7} for i in range(10_000)]
fields = [{"name": "index", "type": "integer"}, {"name": "n", "type": "integer"}, {"name": "name", "type": "string"}, {"name": "x", "type": "number"}]
display({"application/vnd.dataresource+json": {"schema": {"fields": fields}, "data": rows}, "text/html": "<p>html</p>", "text/plain": "t"}, raw=True)`;

const fmt = (name, m) => `${name}: median ${m.median.toFixed(1)} ms (min ${m.min.toFixed(1)}, max ${m.max.toFixed(1)}, n=${m.n})`;

/** Clicks (or types into) the element `selector` finds in the output, and times it to the next frame. */
function timed(page, selector, text) {
  return page.evaluate(
    async ({ selector, text }) => {
      const el = document.querySelector(`.dataresource-output ${selector}`);
      if (!el) throw new Error(`no ${selector}`);
      const t0 = performance.now();
      if (text === null) el.click();
      else {
        el.value = text;
        el.dispatchEvent(new InputEvent('input', { bubbles: true }));
      }
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r)));
      return performance.now() - t0;
    },
    { selector, text },
  );
}

const server = await serveApp(DIST, PORT);
const browser = await chromium.launch(LAUNCH);
try {
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.locator('[data-testid="kernel-status"]').getByText(/idle/i).waitFor({ timeout: 180_000 });
  await setSource(page, SOURCE);
  await page.keyboard.press('Control+Enter');
  await page.locator('.dataresource-output .table-status').getByText('of 10,000').waitFor({ timeout: 120_000 });
  const mount = [];
  const sort = [];
  const filter = [];
  const next = [];
  for (let i = 0; i < RUNS; i++) {
    await timed(page, '.table-switch', null); // to the HTML
    mount.push(await timed(page, '.table-switch', null)); // back to a fresh table view
    sort.push(await timed(page, 'thead th:nth-child(3) .table-sort', null));
    next.push(await timed(page, '[aria-label="Next page"]', null));
    filter.push(await timed(page, 'input[type="search"]', `item ${i}`));
  }
  const rows = await page.locator('.dataresource-output tbody tr').count();
  console.log(`table view, 10,000-row output (rows in the DOM after the last step: ${rows})`);
  for (const [name, xs] of [['mount', mount], ['sort by a number column', sort], ['next page', next], ['filter', filter]]) console.log(fmt(name, median(xs)));
  const r1 = (x) => Math.round(x * 10) / 10;
  console.log(`TABLE_BENCH ${JSON.stringify({ mount10kMs: r1(median(mount).median), sort10kMs: r1(median(sort).median), nextPageMs: r1(median(next).median), filter10kMs: r1(median(filter).median) })}`);
  await context.close();
} finally {
  await browser.close();
  server.kill();
}
