#!/usr/bin/env node
/**
 * The notebook's files, in the built app (served as `npm start` serves it) in real Chromium:
 * - upload: a 50 MB file dropped on the notebook until the Files panel lists it (read, hashed, stored in IndexedDB);
 * - first read: then a cell reading it whole, Ctrl+Enter until its output is painted (the file is written into
 *   Python's folder before the run), against the same run once the file is already there;
 * - sync cost: a trivial cell's run-to-paint with 200 files in the folder, against an empty folder (the look
 *   after each run that finds what Python wrote);
 * - peer: Bob drops a 50 MB file until Ada (the executor, over WebRTC) has stored it.
 * Medians over --reps (default 3); prints a table and one `FILES_BENCH {...}` line.
 */
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, freePort } from '../e2e/collab-harness.mjs';
import { openBenchPerson, option, root, serveRoomApp } from './lib/app.mjs';

const REPS = Number(option('reps', 3));
const DIST = option('dist', join(root, 'dist'));
const MB50 = 50 * 1024 * 1024;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const app = await serveRoomApp(DIST, freePort);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

/** A person with the Files panel open (the bench reads its rows). */
async function person(name) {
  const { page } = await openBenchPerson(browser, app.signaling, name, { 'anode.sidebar': JSON.stringify({ open: true, panel: 'files' }) });
  return page;
}

const status = (page) => page.locator('[data-testid="kernel-status"]');
const row = (page, path) => page.locator(`section[aria-label="Files"] li[data-path="${path}"]`);

/** Drops a file of `size` bytes (every byte `fill`) on the notebook; returns when the drop was dispatched. */
function drop(page, name, size, fill) {
  return page.evaluate(
    ({ name, size, fill }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(size).fill(fill)], name));
      const target = document.querySelector('.cells');
      for (const type of ['dragenter', 'dragover', 'drop']) target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { name, size, fill },
  );
}

/** Runs `code` in cell 0 and returns ms from Ctrl+Enter until `expected` is painted in its output. */
async function timedRun(page, code, expected) {
  const editor = page.locator('[data-cell-id] >> nth=0 >> .cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
  await page.evaluate(() => {
    for (const o of document.querySelectorAll('[data-cell-id] .outputs')) o.textContent = '';
  });
  const t0 = performance.now();
  await page.keyboard.press('Control+Enter');
  await page.locator('[data-cell-id] >> nth=0 >> .outputs').filter({ hasText: expected }).waitFor({ timeout: 300_000 });
  const ms = performance.now() - t0;
  await status(page).filter({ hasText: /idle/i }).waitFor({ timeout: 60_000 });
  return ms;
}

const upload = [];
const firstRead = [];
const againRead = [];
const emptyRun = [];
const fullRun = [];
const peer = [];

for (let r = 0; r < REPS; r++) {
  const page = await person('Solo');
  await page.goto(app.url);
  await status(page).filter({ hasText: /idle/i }).waitFor({ timeout: 180_000 });
  for (let i = 0; i < 5; i++) emptyRun.push(await timedRun(page, `print(${r * 10 + i} * 2)`, String((r * 10 + i) * 2)));
  const t0 = performance.now();
  await drop(page, 'big.bin', MB50, r + 1);
  await row(page, 'big.bin').filter({ hasText: '50.0 MB' }).waitFor({ timeout: 300_000 });
  upload.push(performance.now() - t0);
  firstRead.push(await timedRun(page, 'print("read", len(open("big.bin", "rb").read()))', `read ${MB50}`));
  againRead.push(await timedRun(page, 'print("again", len(open("big.bin", "rb").read()))', `again ${MB50}`));
  await timedRun(page, 'import os\nos.makedirs("many", exist_ok=True)\nfor i in range(200): open(f"many/{i}.txt", "w").write(str(i) * 100)\nprint("made")', 'made');
  for (let i = 0; i < 5; i++) fullRun.push(await timedRun(page, `print(${r * 10 + i} * 3)`, String((r * 10 + i) * 3)));
  await page.context().close();
}

for (let r = 0; r < REPS; r++) {
  const ada = await person('Ada');
  const bob = await person('Bob');
  await ada.goto(app.url);
  await status(ada).filter({ hasText: /idle/i }).waitFor({ timeout: 180_000 });
  await ada.getByRole('button', { name: 'Share', exact: true }).click();
  const link = await ada.getByLabel('Share link').inputValue();
  await ada.keyboard.press('Escape');
  await bob.goto(link);
  await bob.getByTestId('executor').filter({ hasText: 'Ada' }).waitFor({ timeout: 60_000 });
  const t0 = performance.now();
  await drop(bob, 'shared.bin', MB50, r + 7);
  await row(ada, 'shared.bin').filter({ hasText: '50.0 MB' }).waitFor({ timeout: 300_000 });
  peer.push(performance.now() - t0);
  await ada.context().close();
  await bob.context().close();
}

await browser.close();
app.stop();

const fig = {
  upload50MbMs: Math.round(median(upload)),
  firstRead50MbMs: Math.round(median(firstRead)),
  againRead50MbMs: Math.round(median(againRead)),
  runEmptyFolderMs: Math.round(median(emptyRun) * 10) / 10,
  run200FilesMs: Math.round(median(fullRun) * 10) / 10,
  peer50MbMs: Math.round(median(peer)),
};
console.log('figure                                           median');
console.log(`upload 50 MB (drop → listed)                     ${fig.upload50MbMs} ms`);
console.log(`first read of it in Python (run → painted)       ${fig.firstRead50MbMs} ms`);
console.log(`same read, file already in Python's folder       ${fig.againRead50MbMs} ms`);
console.log(`trivial run, empty folder                        ${fig.runEmptyFolderMs} ms`);
console.log(`trivial run, 200 files in the folder             ${fig.run200FilesMs} ms  (×${(fig.run200FilesMs / fig.runEmptyFolderMs).toFixed(2)})`);
console.log(`50 MB from Bob's drop until Ada has it stored    ${fig.peer50MbMs} ms  (${(50 / (fig.peer50MbMs / 1000)).toFixed(1)} MB/s)`);
console.log(`FILES_BENCH ${JSON.stringify({ reps: REPS, ...fig })}`);
