/**
 * For the PWA specs: builds of the app in temporary folders (reused while the sources are unchanged), and a static
 * host the test controls: any sub-path, with or without the isolation headers, its folder switchable (a new
 * deployment) and stoppable (no network).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staticHandler } from '../../scripts/static-host.mjs';
import { expect, type Page } from '@playwright/test';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BUILD_ROOT = process.env.PWA_E2E_BUILDS ?? join(tmpdir(), 'anode-pwa-e2e');
/** Pyodide boots on 2 shared cores; the first visit also precaches ~15 MB. */
export const BOOT_TIMEOUT = 120_000;

/** What a build depends on: the commit, uncommitted changes to the app's sources, and the build's env. */
function sourceStamp(env: Record<string, string>): string {
  const paths = ['src', 'workers', 'vite.config.ts', 'index.html', 'public', 'package-lock.json'];
  const git = (...args: string[]): string => execFileSync('git', args, { cwd: REPO, encoding: 'utf8' });
  const untracked = git('ls-files', '--others', '--exclude-standard', '--', ...paths)
    .split('\n')
    .filter(Boolean)
    .map((f) => f + createHash('sha1').update(readFileSync(join(REPO, f))).digest('hex'));
  return createHash('sha256')
    .update(git('rev-parse', 'HEAD'))
    .update(git('diff', 'HEAD', '--', ...paths))
    .update(untracked.join('\n'))
    .update(JSON.stringify(env))
    .digest('hex');
}

/**
 * Builds the app with `env` into BUILD_ROOT/<name>-<stamp> and returns that folder; an identical build already there
 * is reused. Several test runs may share this machine's /tmp: a build is written to a private folder and renamed
 * into place (never rebuilt in place), and folders of other stamps are removed once no run can still be using them.
 */
export function buildApp(name: string, env: Record<string, string> = {}): string {
  const stamp = sourceStamp(env).slice(0, 16);
  const dir = join(BUILD_ROOT, `${name}-${stamp}`);
  if (existsSync(join(dir, 'sw.js'))) return dir;
  mkdirSync(BUILD_ROOT, { recursive: true });
  const tmp = join(BUILD_ROOT, `.${name}-${stamp}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  execFileSync(process.execPath, [join(REPO, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', tmp, '--emptyOutDir'], {
    cwd: REPO,
    // A Vite dev server started earlier in this worker (the collab harness) leaves NODE_ENV=development behind,
    // which would make a development build: no service worker registration at all.
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: 'pipe',
  });
  if (!existsSync(join(tmp, 'sw.js'))) throw new Error(`the build in ${tmp} has no service worker`);
  // A folder without sw.js is a build that never finished (an interrupted run): replace it, never reuse it.
  if (existsSync(dir) && !existsSync(join(dir, 'sw.js'))) rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(tmp, dir);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run finished the same build first
  }
  // Every source change makes a new folder (15 MB): drop this name's older ones, unless so recent that a
  // concurrent run may be serving them.
  const recent = Date.now() - 15 * 60 * 1000;
  for (const f of readdirSync(BUILD_ROOT)) {
    const path = join(BUILD_ROOT, f);
    if (f.startsWith(`${name}-`) && path !== dir && statSync(path).mtimeMs < recent) rmSync(path, { recursive: true, force: true });
  }
  return dir;
}


export interface StaticHost {
  /** The app's URL, ending with the sub-path, e.g. http://127.0.0.1:PORT/tools/anode/ */
  url: string;
  origin: string;
  /** Paths requested (after the prefix), in order. */
  requests: string[];
  /** Serve another build from now on (a new deployment). */
  setRoot(dir: string): void;
  close(): Promise<void>;
}

/**
 * A plain static host. `isolate`: send COOP/COEP/CORP as `npm start` does; without it, like GitHub Pages and most
 * CDNs, it sends none, and only the service worker can make the page cross-origin isolated.
 */
export async function serveStatic(opts: { root: string; prefix?: string; isolate?: boolean }): Promise<StaticHost> {
  let root = opts.root;
  const prefix = opts.prefix ?? '/';
  const requests: string[] = [];
  const server = createServer(
    staticHandler({ root: () => root, prefix, isolate: opts.isolate === true, onRequest: (rel) => requests.push(rel) }),
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}${prefix}`,
    origin,
    requests,
    setRoot: (dir) => void (root = dir),
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/** Waits until a service worker controls the page (after its first install, which precaches the app). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  // The page may reload itself meanwhile (isolation on a header-less host): evaluate again in the new document.
  for (let attempt = 0; ; attempt++) {
    try {
      await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: BOOT_TIMEOUT });
      await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      return;
    } catch (e) {
      if (attempt > 2 || !/context was destroyed|navigat/i.test(String(e))) throw e;
      await page.waitForLoadState('load');
    }
  }
}

export function kernelStatus(page: Page) {
  return page.locator('[data-testid="kernel-status"]');
}

export async function waitForKernel(page: Page): Promise<void> {
  await expect(page.locator('[data-cell-id]').first()).toBeVisible({ timeout: BOOT_TIMEOUT });
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
}

/** Replaces the first cell's source and runs it (Ctrl+Enter); returns its outputs. */
export async function runInCell(page: Page, code: string, index = 0) {
  const cell = page.locator('[data-cell-id]').nth(index);
  await cell.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
  await page.keyboard.press('Control+Enter');
  return cell.locator('.outputs');
}

export async function cellSource(page: Page, index = 0): Promise<string> {
  return (await page.locator('[data-cell-id]').nth(index).locator('.cm-line').allTextContents()).join('\n');
}
