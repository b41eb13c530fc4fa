#!/usr/bin/env node
/**
 * Collaborative widgets, as users see them (the built app served as `npm start` serves it; Ada shares, Bob opens
 * the link; real WebRTC between two Chromium contexts; Python's side is the e2e tests' ipywidgets 8 stand-in on
 * Debian's `comm`, from their local mirror):
 * - slider change at Bob until the observer's output (computed by Ada's kernel) is painted at Bob, and at Ada,
 *   median and p95 over N changes;
 * - the size of the lazy widget chunks (JavaScript and CSS, raw and gzipped): nothing of it loads before a widget
 *   is shown.
 *
 * Usage: node tests/bench/widgets.mjs [--changes 20] [--dist dist]
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { freePort } from '../e2e/collab-harness.mjs';
import { buildDebianMirror } from '../../scripts/debian-mirror.mjs';
import { vendor } from '../../scripts/vendor-packages.mjs';
import { buildWidgetMirror } from '../fixtures/widgets/build.mjs';
import { serveMirror } from '../fixtures/wheels/serve.mjs';
import { LAUNCH, median, openBenchPerson, option, quantile, root, serveRoomApp } from './lib/app.mjs';

const N = Number(option('changes', 20));
const DIST = option('dist', join(root, 'dist'));
// The default build gets Debian's IPython vendored, as the e2e setup does (no CDN here); another --dist is taken as is.
if (option('dist', null) === null) {
  const debian = buildDebianMirror();
  await vendor({ names: [], base: debian.dir, lock: debian.lock, out: null, dist: DIST }, () => undefined);
}

const chunks = readdirSync(join(DIST, 'assets'))
  .filter((f) => f.startsWith('WidgetView-'))
  .map((f) => {
    const bytes = readFileSync(join(DIST, 'assets', f));
    return { file: f, kb: +(bytes.length / 1024).toFixed(1), gzipKb: +(gzipSync(bytes).length / 1024).toFixed(1) };
  });

const app = await serveRoomApp(DIST, freePort);
const mirror = await serveMirror(buildWidgetMirror().dir);
const browser = await chromium.launch(LAUNCH);
try {
  const ada = (await openBenchPerson(browser, app.signaling, 'Ada', { 'anode.packageBaseURL': mirror.url })).page;
  const bob = (await openBenchPerson(browser, app.signaling, 'Bob')).page;
  const idle = (page) => page.locator('[data-testid="kernel-status"]').filter({ hasText: /idle/i }).waitFor({ timeout: 180_000 });
  await ada.goto(app.url);
  await idle(ada);
  await ada.getByRole('button', { name: 'Share', exact: true }).click();
  const link = await ada.getByLabel('Share link').inputValue();
  await ada.keyboard.press('Escape');
  await bob.goto(link);
  await bob.getByTestId('executor').filter({ hasText: /Ada’s browser/ }).waitFor({ timeout: 60_000 });

  await ada.locator('[data-cell-id] .cm-content').first().click();
  await ada.keyboard.insertText(
    "import anode_testwidgets as w\ns = w.IntSlider(value=0, max=1000, description='level')\ns.observe(lambda c: print('observer saw', s.value), names='value')\ndisplay(s)",
  );
  await ada.keyboard.press('Control+Enter');
  await bob
    .getByRole('slider', { name: 'level' })
    .waitFor({ timeout: 180_000 })
    .catch(async (e) => {
      const shown = await ada.locator('[data-cell-id]').first().textContent();
      throw new Error(`no slider at Bob; Ada's cell shows: ${shown}`, { cause: e });
    });
  await idle(ada);

  /** Resolves with the page's clock when its first cell shows `count` observer lines. */
  const seen = (page, count) =>
    page
      .waitForFunction(
        (n) => {
          const text = document.querySelector('[data-cell-id] .outputs')?.textContent ?? '';
          return (text.match(/observer saw/g)?.length ?? 0) >= n && performance.timeOrigin + performance.now();
        },
        count,
        { timeout: 60_000, polling: 'raf' },
      )
      .then((h) => h.jsonValue());

  const atBob = [];
  const atAda = [];
  for (let i = 1; i <= N; i++) {
    const bobSees = seen(bob, i);
    const adaSees = seen(ada, i);
    const start = await bob.evaluate(() => performance.timeOrigin + performance.now());
    await bob.getByRole('slider', { name: 'level' }).fill(String(i));
    const [b, a] = await Promise.all([bobSees, adaSees]);
    atBob.push(b - start);
    atAda.push(a - start);
  }
  const fig = (xs) => ({ p50: Math.round(median(xs).median), p95: Math.round(quantile(xs, 0.95)), n: xs.length });
  const result = { sliderToObserverAtBob: fig(atBob), sliderToObserverAtAda: fig(atAda), chunks };
  console.log(`slider change at Bob → observer output painted at Bob: p50 ${result.sliderToObserverAtBob.p50} ms, p95 ${result.sliderToObserverAtBob.p95} ms (n=${N})`);
  console.log(`slider change at Bob → observer output painted at Ada: p50 ${result.sliderToObserverAtAda.p50} ms, p95 ${result.sliderToObserverAtAda.p95} ms (n=${N})`);
  for (const c of chunks) console.log(`lazy widget chunk ${c.file}: ${c.kb} KB (${c.gzipKb} KB gzipped)`);
  console.log(`WIDGETS_BENCH ${JSON.stringify(result)}`);
} finally {
  await browser.close();
  await mirror.close();
  app.stop();
}
