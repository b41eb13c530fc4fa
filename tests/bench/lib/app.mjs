/**
 * What the browser benches share: their command-line options, how they launch Chromium and sum up timings, the
 * built app served as `npm start` serves it, and typing into the first cell. (A folder of its own: run.mjs runs every *.mjs beside it as a bench.)
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS } from '../../chromium-args.mjs';

export const root = fileURLToPath(new URL('../../..', import.meta.url));

/** How the benches launch Chromium (the tests' flags; CHROMIUM_PATH points elsewhere). */
export const LAUNCH = { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS };

/** Median (the lower middle of an even count), min, max and n of `xs`. */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)], min: s[0], max: s[s.length - 1], n: s.length };
}

/** The `q` quantile of `xs` (0.5: the upper middle of an even count; 0.95: p95), as the benches report them. */
export function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** The value after `--name` on the command line, or `dflt`. */
export function option(name, dflt) {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
}

/** Serves `dist` on 127.0.0.1:`port` without a signaling server; resolves once it listens. Kill the child to stop. */
export async function serveApp(dist, port) {
  const child = spawn(process.execPath, [join(root, 'scripts/serve.mjs')], {
    env: { ...process.env, DIST: dist, PORT: String(port), NO_SIGNALING: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('running') && resolve());
    child.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  return child;
}

/** Replaces the first cell's source with `code`, inserted at once (no auto-indent). */
export async function setSource(page, code) {
  await page.locator('[data-cell-id] .cm-content').first().click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

/**
 * Serves `dist` with its own signaling server on free ports, as `npm start` does (`freePort` from the e2e collab
 * harness); resolves once it listens. `stop()` ends both.
 */
export async function serveRoomApp(dist, freePort) {
  const port = await freePort();
  const signalingPort = await freePort();
  const child = spawn(process.execPath, [join(root, 'scripts/serve.mjs')], {
    env: { ...process.env, DIST: dist, PORT: String(port), SIGNALING_PORT: String(signalingPort) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('running at') && resolve());
    child.once('exit', (code) => reject(new Error(`serve.mjs exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}/`, signaling: `ws://127.0.0.1:${signalingPort}`, stop: () => child.kill() };
}

/**
 * A person in their own context of `browser` (media permission: loopback ICE candidates), named, on the room's
 * `signaling` server, with any further `storage` (localStorage key → value) set; dialogs accepted. Returns the
 * context and its page.
 */
export async function openBenchPerson(browser, signaling, name, storage = {}) {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  await context.addInitScript(
    ({ signaling, user, storage }) => {
      // The app's page only: sandboxed frames (the kernel's, outputs) have no storage.
      if (window !== window.top) return;
      localStorage.setItem('anode.signaling', signaling);
      localStorage.setItem('anode.user', JSON.stringify(user));
      for (const [k, v] of Object.entries(storage)) localStorage.setItem(k, v);
    },
    { signaling, user: { name, color: '#3366cc' }, storage },
  );
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  return { context, page };
}
