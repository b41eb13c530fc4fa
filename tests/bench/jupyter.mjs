#!/usr/bin/env node
// Bring your own compute, in real Chromium against a built app served like `npm start` serves it, and a real
// Jupyter server on 127.0.0.1 (Debian's jupyter-server and ipykernel, tests/e2e/helpers/jupyter-server.mjs):
//   - run round trip: key press to the printed line shown, for the same one-line cell on Pyodide (in the tab) and on
//     the server's python3 kernel; the ratio Jupyter / Pyodide;
//   - from "Use this kernel" in the picker to the kernel ready (idle).
// Figures are medians. Usage: node tests/bench/jupyter.mjs [--dist dir] [--runs 15] [--port 4196] [--jupyter-port 8896].
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { startJupyter } from '../e2e/helpers/jupyter-server.mjs';
import { LAUNCH, median, option, root, serveApp, setSource } from './lib/app.mjs';

const DIST = option('dist', join(root, 'dist'));
const RUNS = Number(option('runs', 15));
const PORT = Number(option('port', 4196));
const JUPYTER_PORT = Number(option('jupyter-port', 8896));
const TOKEN = 'bench-token';

const fmt = (name, m) => `${name}: median ${m.median.toFixed(0)} ms (min ${m.min.toFixed(0)}, max ${m.max.toFixed(0)}, n=${m.n})`;

/** Key press to the cell's output showing this run's marker. */
async function roundTrips(page, label) {
  const times = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const marker = `${label}-${i}-${Date.now()}`;
    await setSource(page, `print("${marker}")`);
    const t0 = Date.now();
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-cell-id] .outputs').first().getByText(marker).waitFor({ timeout: 60_000 });
    if (i > 0) times.push(Date.now() - t0); // the first run warms up (IPython's first execution)
    await page.locator('[data-testid="kernel-status"]').getByText('idle').waitFor();
  }
  return median(times);
}

const server = await serveApp(DIST, PORT);
let jupyter = null;
let browser = null;
try {
  jupyter = await startJupyter({ port: JUPYTER_PORT, token: TOKEN, allowOrigin: `http://127.0.0.1:${PORT}` });
  browser = await chromium.launch(LAUNCH);
  const context = await browser.newContext({ serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/`);
  await page.locator('[data-testid="kernel-status"]').getByText('idle').waitFor({ timeout: 180_000 });
  const pyodide = await roundTrips(page, 'pyodide');
  console.log(fmt('run round trip, Pyodide in the tab', pyodide));

  const ready = [];
  for (let i = 0; i < 3; i++) {
    await page.getByRole('button', { name: 'Choose kernel' }).click();
    const dialog = page.getByRole('dialog', { name: 'Kernel' });
    await dialog.getByLabel('Jupyter server…').check();
    await dialog.getByLabel('Jupyter server URL').fill(jupyter.url);
    await dialog.getByLabel('Jupyter token').fill(TOKEN);
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await dialog.getByLabel('Kernelspec').waitFor();
    const t0 = Date.now();
    await dialog.getByRole('button', { name: 'Use this kernel' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 120_000 });
    ready.push(Date.now() - t0);
    if (i < 2) {
      // Back to the browser, so that the next pick starts a new kernel on the server.
      await page.getByRole('button', { name: 'Choose kernel' }).click();
      await dialog.getByLabel('Python in this browser (Pyodide)').check();
      await dialog.getByRole('button', { name: 'Use this browser' }).click();
      await page.locator('[data-testid="kernel-status"]').getByText('idle').waitFor();
    }
  }
  const readyM = median(ready);
  console.log(fmt('choose the server → kernel ready', readyM));
  const remote = await roundTrips(page, 'jupyter');
  console.log(fmt('run round trip, python3 on the local Jupyter server', remote));
  const ratio = remote.median / pyodide.median;
  console.log(`ratio Jupyter / Pyodide: ${ratio.toFixed(2)}`);
  console.log(`JUPYTER_BENCH ${JSON.stringify({ pyodideRoundTripMs: pyodide.median, jupyterRoundTripMs: remote.median, ratio: Number(ratio.toFixed(2)), chooseToReadyMs: readyM.median })}`);
} finally {
  await browser?.close();
  server.kill();
  await jupyter?.stop();
}
