/**
 * A static host at a sub-path that sends no COOP/COEP (most static hosts): the app works under /tools/anode/, and
 * its service worker supplies the isolation headers, so after exactly one automatic reload the page is
 * cross-origin isolated and interrupt works for real (KeyboardInterrupt, not a restart).
 */
import { expect, test } from '@playwright/test';
import { BOOT_TIMEOUT, buildApp, kernelStatus, runInCell, serveStatic, waitForKernel, waitForServiceWorker } from './pwa-helpers';

let dist = '';

test.beforeAll(() => {
  test.setTimeout(300_000);
  dist = buildApp('main', { ANODE_BUILD_ID: 'pwa-e2e-main' });
});

test('under /tools/anode/ on a host without isolation headers: works, isolated by the service worker, one reload', async ({ browser }) => {
  test.setTimeout(BOOT_TIMEOUT * 3);
  const host = await serveStatic({ root: dist, prefix: '/tools/anode/', isolate: false });
  const context = await browser.newContext({ serviceWorkers: 'allow' }); // whatever the config's default
  try {
    const page = await context.newPage();
    // Document loads (hash-route changes are navigations too, but not loads).
    let navigations = 0;
    page.on('load', () => navigations++);
    await page.goto(host.url);
    // The worker takes control, the page reloads itself once and comes back isolated.
    await expect.poll(() => navigations, { timeout: BOOT_TIMEOUT }).toBe(2);
    await page.waitForLoadState('load');
    await waitForServiceWorker(page);
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    await waitForKernel(page);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(host.url);
    // Everything came from under the sub-path (the host 404s anything else) and nothing failed.
    expect(host.requests).toContain('pyodide/pyodide.asm.wasm');
    const out = await runInCell(page, '1+1');
    await expect(out).toContainText('2', { timeout: BOOT_TIMEOUT });

    // A real interrupt (SharedArrayBuffer): KeyboardInterrupt, and the kernel keeps its state.
    await runInCell(page, 'x = 5');
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    const loop = await runInCell(page, 'while True: pass');
    await expect(kernelStatus(page)).toHaveText(/busy/i);
    await page.getByRole('button', { name: 'Interrupt kernel' }).first().click();
    await expect(loop).toContainText('KeyboardInterrupt', { timeout: 15_000 });
    const after = await runInCell(page, 'x * 2');
    await expect(after).toContainText('10', { timeout: BOOT_TIMEOUT });

    // The first load plus one reload for isolation; then no more (the guard stops loops).
    await page.waitForTimeout(1500);
    expect(navigations).toBeLessThanOrEqual(2);
    await page.reload();
    await waitForKernel(page);
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  } finally {
    await context.close();
    await host.close();
  }
});
