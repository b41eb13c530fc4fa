/**
 * A new deployment is noticed: with build A open, the host switches to build B; on the next load the waiting
 * worker shows "A new version is available", Reload brings B in, and the notebook written under A is still there.
 */
import { expect, test } from '@playwright/test';
import { BOOT_TIMEOUT, buildApp, cellSource, runInCell, serveStatic, waitForKernel, waitForServiceWorker } from './pwa-helpers';

let distA = '';
let distB = '';

test.beforeAll(() => {
  test.setTimeout(600_000);
  distA = buildApp('main', { ANODE_BUILD_ID: 'pwa-e2e-main' });
  distB = buildApp('update-b', { ANODE_BUILD_ID: 'pwa-e2e-b' });
});

test('a new deployment shows "new version", Reload loads it, no notebook is lost', async ({ browser }) => {
  test.setTimeout(BOOT_TIMEOUT * 3);
  const host = await serveStatic({ root: distA, isolate: true });
  const context = await browser.newContext({ serviceWorkers: 'allow' }); // whatever the config's default
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    await waitForKernel(page);
    await waitForServiceWorker(page);
    await expect(page.locator('.pwa-status')).toHaveAttribute('data-build', 'pwa-e2e-main');
    const out = await runInCell(page, 'kept = "survives the update"\nkept');
    await expect(out).toContainText('survives the update', { timeout: BOOT_TIMEOUT });
    const notebookUrl = page.url();
    await page.waitForTimeout(1000);

    host.setRoot(distB);
    // The navigation makes the browser check sw.js; the new worker installs and waits for the user.
    await page.reload();
    await expect(page.locator('[data-testid="pwa-update"]')).toBeVisible({ timeout: BOOT_TIMEOUT });
    await expect(page.locator('[data-testid="pwa-update"]')).toContainText('A new version is available');
    // Until the user agrees, the tab keeps running A (no silent swap).
    await expect(page.locator('.pwa-status')).toHaveAttribute('data-build', 'pwa-e2e-main');

    await page.locator('[data-testid="pwa-reload"]').click();
    await expect(page.locator('.pwa-status')).toHaveAttribute('data-build', 'pwa-e2e-b', { timeout: BOOT_TIMEOUT });
    await expect(page.locator('[data-testid="pwa-update"]')).toHaveCount(0);
    expect(page.url()).toBe(notebookUrl);
    await waitForKernel(page);
    await expect.poll(() => cellSource(page)).toContain('kept = "survives the update"');
    // B's worker now controls the page, and the next load does not offer an update again.
    await page.reload();
    await waitForKernel(page);
    await expect(page.locator('.pwa-status')).toHaveAttribute('data-build', 'pwa-e2e-b');
    await page.waitForTimeout(1500);
    await expect(page.locator('[data-testid="pwa-update"]')).toHaveCount(0);
  } finally {
    await context.close();
    await host.close();
  }
});
