#!/usr/bin/env node
/**
 * Takeover after the executor's browser crashes (`npm run bench`; README "Reliability"): Ada shares a notebook and
 * runs a long cell, Bob queues a cell behind it, then Ada's whole browser is killed (SIGKILL of its process group,
 * no goodbye). Timed on the machine clock, in Bob's page (MutationObserver, then the next frame):
 * - kill → Bob's handover notice painted (the takeover: silence detected, quorum with the signaling server as
 *   witness, new session recorded);
 * - kill → Bob's queued cell's output painted (by Bob's own kernel, already booted).
 * p50 and max over `--trials` (default 5). Prints a table and `CRASH_BENCH {json}`.
 *
 * Usage: node tests/bench/crash.mjs [--trials 5] [--dist dist]. Needs a build (dist/) and Chromium (CHROMIUM_PATH).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, freePort } from '../e2e/collab-harness.mjs';
import { openBenchPerson, option, quantile, root, serveRoomApp } from './lib/app.mjs';

const TRIALS = Number(option('trials', 5));
const DIST = option('dist', join(root, 'dist'));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(join(DIST, 'index.html'))) {
  console.log(`(no build in ${DIST}: run "npm run build" first)`);
  process.exit(0);
}


async function setSource(page, index, text) {
  await page.locator('[data-cell-id]').nth(index).locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

async function trial(app, bobBrowser) {
  // Ada's browser is a server of its own so that its process can be killed.
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const adaBrowser = await chromium.connect(server.wsEndpoint());
  const ada = await openBenchPerson(adaBrowser, app.signaling, 'Ada');
  const bob = await openBenchPerson(bobBrowser, app.signaling, 'Bob');
  try {
    await ada.page.goto(app.url);
    await ada.page.locator('[data-cell-id] .cm-content').first().waitFor({ timeout: 60_000 });
    await ada.page.getByRole('button', { name: 'Add code cell', exact: true }).click();
    await setSource(ada.page, 0, "print('started', flush=True)\nimport time\nt0 = time.time()\nwhile time.time() - t0 < 600: pass");
    await setSource(ada.page, 1, "print('after-crash')");
    await ada.page.getByRole('button', { name: 'Share', exact: true }).click();
    const link = await ada.page.getByLabel('Share link').inputValue();
    await ada.page.keyboard.press('Escape');
    await bob.page.goto(link);
    await bob.page.getByTestId('executor').filter({ hasText: 'Ada' }).waitFor({ timeout: 60_000 });
    for (const p of [ada.page, bob.page]) await p.locator('[data-testid="kernel-status"]').filter({ hasText: /idle/i }).waitFor({ timeout: 180_000 });
    await ada.page.locator('[data-cell-id]').nth(0).locator('.cm-content').click();
    await ada.page.keyboard.press('Control+Enter');
    await bob.page
      .locator('[data-cell-id]')
      .nth(0)
      .locator('.outputs')
      .filter({ hasText: 'started' })
      .waitFor({ timeout: 120_000 })
      .catch(async (e) => {
        // What each side shows, to tell a stuck queue from a slow machine.
        for (const [who, p] of [['Ada', ada.page], ['Bob', bob.page]]) {
          const bar = await p.locator('.collab-bar').innerText().catch(() => '?');
          const c0 = await p.locator('[data-cell-id]').nth(0).innerText().catch(() => '?');
          console.log(`${who}: bar=${JSON.stringify(bar)} cell0=${JSON.stringify(c0.slice(0, 300))}`);
        }
        throw e;
      });
    await bob.page.locator('[data-cell-id]').nth(1).locator('.cm-content').click();
    await bob.page.keyboard.press('Control+Enter');
    await ada.page.locator('[data-cell-id]').nth(1).filter({ hasText: 'Queued by Bob' }).waitFor({ timeout: 30_000 });
    await bob.page.evaluate(() => {
      const now = () => performance.timeOrigin + performance.now();
      const painted = (test) =>
        new Promise((resolve) => {
          const obs = new MutationObserver(() => {
            if (!test()) return;
            obs.disconnect();
            requestAnimationFrame(() => resolve(now()));
          });
          obs.observe(document.body, { subtree: true, childList: true, characterData: true });
        });
      window.benchHandover = painted(() => document.querySelector('[data-testid="handover"]'));
      // BENCH_TRACE=1: what Bob's queued cell and the room bar show after the kill, to tell where time goes.
      window.benchTrace = [];
      const cell = document.querySelectorAll('[data-cell-id]')[1];
      const bar = document.querySelector('.collab-bar');
      let last = '';
      new MutationObserver(() => {
        const text = `${cell?.querySelector('.prompt, .cell-prompt')?.textContent ?? ''} | ${cell?.innerText.split('\n').slice(0, 3).join(' / ') ?? ''} | ${bar?.innerText.replace(/\s+/g, ' ') ?? ''}`;
        if (text !== last) window.benchTrace.push([now(), (last = text)]);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
      window.benchAfter = painted(() => document.querySelectorAll('[data-cell-id]')[1]?.querySelector('.outputs')?.textContent.includes('after-crash'));
    });
    const killedAt = await bob.page.evaluate(() => performance.timeOrigin + performance.now());
    const pid = server.process().pid;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      server.process().kill('SIGKILL');
    }
    const within = (p) => Promise.race([p, new Promise((_, reject) => setTimeout(() => reject(new Error('nothing within 60 s')), 60_000))]);
    const handoverAt = await within(bob.page.evaluate(() => window.benchHandover));
    const afterAt = await within(bob.page.evaluate(() => window.benchAfter));
    if (process.env.BENCH_TRACE) {
      for (const [at, text] of await bob.page.evaluate(() => window.benchTrace)) console.log(`  +${Math.round(at - killedAt)} ms ${text}`);
    }
    return { takeoverMs: Math.round(handoverAt - killedAt), firstOutputMs: Math.round(afterAt - killedAt) };
  } finally {
    await bob.context.close().catch(() => undefined);
    await server.kill().catch(() => undefined);
  }
}

const app = await serveRoomApp(DIST, freePort);
const bobBrowser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const trials = [];
try {
  for (let i = 0; i < TRIALS; i++) {
    const t = await trial(app, bobBrowser);
    console.log(`trial ${i + 1}: handover notice after ${t.takeoverMs} ms, queued run's output after ${t.firstOutputMs} ms`);
    trials.push(t);
  }
} finally {
  await bobBrowser.close();
  app.stop();
}
const take = trials.map((t) => t.takeoverMs);
const first = trials.map((t) => t.firstOutputMs);
const result = {
  takeoverP50Ms: quantile(take, 0.5),
  takeoverMaxMs: Math.max(...take),
  firstOutputP50Ms: quantile(first, 0.5),
  firstOutputMaxMs: Math.max(...first),
  trials: TRIALS,
};
const row = (label, value) => `${label.padEnd(56)} ${String(value).padStart(7)} ms`;
console.log(row('executor SIGKILLed → handover notice at Bob, p50', result.takeoverP50Ms));
console.log(row('executor SIGKILLed → handover notice at Bob, max', result.takeoverMaxMs));
console.log(row('executor SIGKILLed → Bob’s queued run output, p50', result.firstOutputP50Ms));
console.log(row('executor SIGKILLed → Bob’s queued run output, max', result.firstOutputMaxMs));
console.log(`CRASH_BENCH ${JSON.stringify(result)}`);
