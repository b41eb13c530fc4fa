#!/usr/bin/env node
// Interactive chart outputs (src/ui/outputs/charts), in real Chromium against a built app served like `npm start`:
//   - the size of each chart library's lazy chunk (raw and gzipped), read from the build;
//   - key press to a drawn chart, for a Vega-Lite scatter and a Plotly scatter of 1,000 points each: the first chart
//     of its kind in a fresh browser context (its chunk fetched, parsed and run: cold), then the same cell again in
//     that page (library loaded: warm). Each includes the Python run that displays the bundle (a few ms).
// Figures are medians. Usage: node tests/bench/charts.mjs [--dist dir] [--runs 3] [--port 4194]. Default dist: ./dist.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { LAUNCH, median, option, root, serveApp, setSource } from './lib/app.mjs';

const DIST = option('dist', join(root, 'dist'));
const RUNS = Number(option('runs', 3));
const PORT = Number(option('port', 4194));

const fmt = (name, m) => `${name}: median ${m.median.toFixed(0)} ms (min ${m.min.toFixed(0)}, max ${m.max.toFixed(0)}, n=${m.n})`;

const chunks = {};
for (const f of readdirSync(join(DIST, 'assets'))) {
  const m = /^(vega|plotly)-[\w-]+\.js$/.exec(f);
  if (!m) continue;
  const bytes = readFileSync(join(DIST, 'assets', f));
  chunks[m[1]] = { file: f, kb: Math.round(bytes.length / 1024), gzipKb: Math.round(gzipSync(bytes).length / 1024) };
}
for (const [name, c] of Object.entries(chunks)) console.log(`${name} chunk ${c.file}: ${c.kb} KB (${c.gzipKb} KB gzipped)`);

const POINTS = 1000;
const CODE = {
  vega: [
    'import json, random',
    'random.seed(1)',
    `pts = [{"x": random.random(), "y": random.random(), "k": random.choice("abc")} for _ in range(${POINTS})]`,
    'spec = {"data": {"values": pts}, "mark": "point", "encoding": {"x": {"field": "x", "type": "quantitative"}, "y": {"field": "y", "type": "quantitative"}, "color": {"field": "k"}, "tooltip": [{"field": "x"}]}}',
    'class C:',
    '    def _repr_mimebundle_(self, include=None, exclude=None): return {"application/vnd.vegalite.v5+json": spec}',
    'display(C())',
  ].join('\n'),
  plotly: [
    'import random',
    'random.seed(1)',
    `fig = {"data": [{"type": "scatter", "mode": "markers", "x": [random.random() for _ in range(${POINTS})], "y": [random.random() for _ in range(${POINTS})]}], "layout": {}}`,
    'class C:',
    '    def _repr_mimebundle_(self, include=None, exclude=None): return {"application/vnd.plotly.v1+json": fig}',
    'display(C())',
  ].join('\n'),
};

/** Runs the first cell and waits for its chart to be drawn; the wall time from the key press. */
async function drawn(page, code) {
  await setSource(page, code);
  const t0 = Date.now();
  await page.keyboard.press('Control+Enter');
  await page.waitForFunction(
    () => {
      const c = document.querySelector('[data-cell-id]');
      return c?.getAttribute('data-run-state') === 'done' && c.querySelector('.anode-chart')?.getAttribute('data-state') === 'ready';
    },
    null,
    { timeout: 300_000, polling: 20 },
  );
  return Date.now() - t0;
}

const app = await serveApp(DIST, PORT);
const browser = await chromium.launch(LAUNCH);
const results = {};
try {
  for (const kind of ['vega', 'plotly']) {
    const cold = [];
    const warm = [];
    for (let i = 0; i < RUNS; i++) {
      const context = await browser.newContext({ serviceWorkers: 'block' });
      const page = await context.newPage();
      await page.goto(`http://127.0.0.1:${PORT}/`);
      await page.locator('[data-testid="kernel-status"]').getByText(/idle/i).waitFor({ timeout: 180_000 });
      cold.push(await drawn(page, CODE[kind]));
      // A different source, so the output is replaced and drawn anew.
      warm.push(await drawn(page, `${CODE[kind]}\n# again`));
      await context.close();
    }
    results[kind] = { cold: median(cold), warm: median(warm) };
    console.log(fmt(`${kind} ${POINTS} points, first chart (cold)`, results[kind].cold));
    console.log(fmt(`${kind} ${POINTS} points, again (warm)`, results[kind].warm));
  }
} finally {
  await browser.close();
  app.kill();
}
console.log(`CHARTS_BENCH ${JSON.stringify({ chunks, results })}`);
process.exit(0);
