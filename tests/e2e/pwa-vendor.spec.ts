/**
 * A fully offline deployment: `npm run vendor` downloads packages (and their dependencies, resolved from a lock
 * file) from a package base URL into the build, checking sha256; the app then loads them from its own origin,
 * with every other host blocked, and again offline from the service worker's cache.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { buildDebianMirror } from '../../scripts/debian-mirror.mjs';
import { buildMirror, WHEEL } from '../fixtures/wheels/build.mjs';
import { serveMirror } from '../fixtures/wheels/serve.mjs';
import { BOOT_TIMEOUT, BUILD_ROOT, REPO, buildApp, runInCell, serveStatic, waitForKernel, waitForServiceWorker } from './pwa-helpers';

const run = promisify(execFile);
let dist = '';

/** The documented command, run as a user runs it (async: the mirror answers from this same process). */
function vendor(args: string[]) {
  return run(process.execPath, [join(REPO, 'scripts/vendor-packages.mjs'), ...args], { cwd: REPO });
}

test.beforeAll(() => {
  test.setTimeout(300_000);
  // The same build as everyone else's (packages from the CDN by default): vendoring needs no rebuild.
  const built = buildApp('main', { ANODE_BUILD_ID: 'pwa-e2e-main' });
  // Vendoring writes into the build: work on a copy, so the cached build stays pristine.
  dist = mkdtempSync(join(BUILD_ROOT, 'vendored-copy-'));
  cpSync(built, dist, { recursive: true });
});

/** The kernel's own shell (IPython), which `npm run vendor` vendors with no names, as a CDN-free deployment does. */
async function vendorIPython(): Promise<void> {
  const debian = buildDebianMirror();
  await vendor(['--base', debian.dir, '--lock', debian.lock, '--dist', dist]);
}

test('vendored packages load from the app\'s own origin, with other hosts blocked and then offline', async ({ browser }) => {
  test.setTimeout(BOOT_TIMEOUT * 3);
  await vendorIPython();
  const mirrorDir = mkdtempSync(join(tmpdir(), 'anode-mirror-'));
  buildMirror(mirrorDir);
  const mirror = await serveMirror(mirrorDir);
  try {
    // A lock whose checksum does not match the wheel: refused, nothing written.
    const bad = JSON.parse(readFileSync(join(mirrorDir, 'pyodide-lock.json'), 'utf8'));
    bad.packages['anode-tiny'].sha256 = '0'.repeat(64);
    const badLock = join(mirrorDir, 'bad-lock.json');
    writeFileSync(badLock, JSON.stringify(bad));
    const badOut = join(mirrorDir, 'bad-out');
    const refused = await vendor(['anode-tiny', '--base', mirror.url, '--lock', badLock, '--dist', dist, '--out', badOut]).then(
      () => null,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(refused?.code).toBe(1);
    expect(refused?.stderr).toContain('does not match the lock file');
    expect(existsSync(join(badOut, WHEEL))).toBe(false);
    // An unknown name is an error too, naming it.
    const unknown = await vendor(['no-such-package', '--base', mirror.url, '--lock', `${mirror.url}pyodide-lock.json`, '--dist', dist]).catch(
      (e: { stderr?: string }) => e,
    );
    expect((unknown as { stderr?: string }).stderr).toContain('no-such-package');

    const ok = await vendor(['anode-tiny', '--base', mirror.url, '--lock', `${mirror.url}pyodide-lock.json`, '--dist', dist]);
    expect(ok.stdout).not.toContain('WARNING');
    expect(existsSync(join(dist, 'pyodide/packages', WHEEL))).toBe(true);
    const appLock = JSON.parse(readFileSync(join(dist, 'pyodide/pyodide-lock.json'), 'utf8'));
    expect(appLock.packages['anode-tiny'].file_name).toBe(WHEEL);
    // A second vendoring adds to the first.
    expect(appLock.info.anode_vendored).toEqual(expect.arrayContaining(['anode-tiny', 'ipython']));
    expect(appLock.packages.numpy).toBeTruthy(); // merged into, not replacing, the bundled lock
  } finally {
    await mirror.close();
  }

  const host = await serveStatic({ root: dist, isolate: true });
  const context = await browser.newContext({ serviceWorkers: 'allow' }); // whatever the config's default
  const foreign: string[] = [];
  // No CDN, no mirror: anything not from the app's own origin fails (and is recorded).
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(host.origin)) return route.continue();
    foreign.push(url);
    return route.abort('internetdisconnected');
  });
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    await waitForKernel(page);
    await waitForServiceWorker(page);
    const out = await runInCell(page, 'import anode_tiny\nanode_tiny.hello("Ada")');
    await expect(out).toContainText('hello Ada from anode_tiny', { timeout: BOOT_TIMEOUT });
    expect(host.requests).toContain(`pyodide/packages/${WHEEL}`);
    expect(foreign).toEqual([]);

    // Offline: the service worker cached the wheel on first use.
    await host.close();
    await context.setOffline(true);
    await page.reload();
    await waitForKernel(page);
    const again = await runInCell(page, 'import anode_tiny\nanode_tiny.hello("offline")');
    await expect(again).toContainText('hello offline from anode_tiny', { timeout: BOOT_TIMEOUT });
  } finally {
    await context.close();
    await host.close();
    rmSync(mirrorDir, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
  }
});
