#!/usr/bin/env node
// The headless runtime agent (`scripts/anode-runtime.mjs`, src/runtime) in a room with a real Chromium page (the
// built app served like `npm start`, with its signaling server):
//   - join → ready: from starting the agent (which starts its own Jupyter server and kernel) to the page showing
//     "Code runs on Ada’s runtime on …", i.e. the agent has taken over and can run the next cell;
//   - run round trip: key press in the page to the printed line shown there, the run executed by the agent.
// Figures are medians. Usage: node tests/bench/runtime.mjs [--dist dir] [--joins 3] [--runs 10].
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { freePort } from '../e2e/collab-harness.mjs';
import { LAUNCH, median, openBenchPerson, option, root, serveRoomApp, setSource } from './lib/app.mjs';

const DIST = option('dist', join(root, 'dist'));
const JOINS = Number(option('joins', 3));
const RUNS = Number(option('runs', 10));
const fmt = (name, m) => `${name}: median ${m.median.toFixed(0)} ms (min ${m.min.toFixed(0)}, max ${m.max.toFixed(0)}, n=${m.n})`;

if (!existsSync(join(DIST, 'index.html'))) {
  console.log(`(no build in ${DIST}: runtime agent figures skipped; run "npm run build" first)`);
  process.exit(0);
}

function startAgent(link, signaling) {
  const proc = spawn(process.execPath, [join(root, 'scripts/anode-runtime.mjs'), link, '--name', 'Ada', '--signaling', signaling], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return { proc, exited };
}

const app = await serveRoomApp(DIST, freePort);
const browser = await chromium.launch(LAUNCH);
let agent = null;
try {
  const { page } = await openBenchPerson(browser, app.signaling, 'Ada');
  await page.goto(app.url);
  await page.locator('[data-testid="kernel-status"]').getByText('idle').waitFor({ timeout: 180_000 });
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const link = await page.getByLabel('Share link').inputValue();
  await page.keyboard.press('Escape');
  const executor = page.getByTestId('executor');

  const joins = [];
  for (let i = 0; i < JOINS; i++) {
    const t0 = Date.now();
    agent = startAgent(link, app.signaling);
    await executor.filter({ hasText: 'runtime on' }).waitFor({ timeout: 120_000 });
    joins.push(Date.now() - t0);
    if (i === JOINS - 1) break;
    agent.proc.kill('SIGTERM');
    await agent.exited;
    await executor.filter({ hasText: 'runtime on' }).waitFor({ state: 'detached', timeout: 60_000 });
  }
  const joinM = median(joins);
  console.log(fmt('agent start → executing for the room (own Jupyter server)', joinM));

  const times = [];
  for (let i = 0; i < RUNS + 1; i++) {
    const marker = `agent-${i}-${Date.now()}`;
    await setSource(page, `print("${marker}")`);
    const t0 = Date.now();
    await page.keyboard.press('Control+Enter');
    await page.locator('[data-cell-id] .outputs').first().getByText(marker).waitFor({ timeout: 60_000 });
    if (i > 0) times.push(Date.now() - t0); // the first run warms up (IPython's first execution)
  }
  const runM = median(times);
  console.log(fmt('run round trip, page → agent → output shown', runM));
  console.log(`RUNTIME_BENCH ${JSON.stringify({ joinToExecutingMs: joinM.median, roundTripMs: runM.median })}`);
} finally {
  if (agent && agent.proc.exitCode === null) {
    agent.proc.kill('SIGTERM');
    await agent.exited;
  }
  await browser.close();
  app.stop();
}
