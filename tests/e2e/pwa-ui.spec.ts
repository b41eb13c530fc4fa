/**
 * The PWA strip's other states: the install button (Chromium's beforeinstallprompt, simulated: headless Chromium
 * never fires it), the storage-full warning when a write fails for quota, and persistent storage being asked for.
 */
import { expect, test } from '@playwright/test';
import { BOOT_TIMEOUT, buildApp, serveStatic } from './pwa-helpers';

let dist = '';

test.beforeAll(() => {
  test.setTimeout(300_000);
  dist = buildApp('main', { ANODE_BUILD_ID: 'pwa-e2e-main' });
});

test('install button, quota warning, storage estimate', async ({ browser }) => {
  test.setTimeout(BOOT_TIMEOUT);
  const host = await serveStatic({ root: dist, isolate: true });
  const context = await browser.newContext({ serviceWorkers: 'allow' }); // whatever the config's default
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    await expect(page.locator('.pwa-status')).toBeAttached({ timeout: BOOT_TIMEOUT });
    await expect(page.locator('[data-testid="pwa-install"]')).toHaveCount(0);

    // The browser offers installation: our button replaces its infobar; using it shows the browser's dialog once.
    await page.evaluate(() => {
      const e = new Event('beforeinstallprompt', { cancelable: true }) as Event & Record<string, unknown>;
      e.prompt = async () => void ((window as unknown as { __prompted: boolean }).__prompted = true);
      e.userChoice = Promise.resolve({ outcome: 'accepted' });
      window.dispatchEvent(e);
    });
    const install = page.locator('[data-testid="pwa-install"]');
    await expect(install).toHaveText('Install app');
    await install.click();
    await expect(install).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __prompted?: boolean }).__prompted)).toBe(true);

    // A write refused for quota (unhandled by its caller) shows the storage-full warning.
    await expect(page.locator('[data-testid="pwa-quota"]')).toHaveCount(0);
    await page.evaluate(() => void Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')));
    await expect(page.locator('[data-testid="pwa-quota"]')).toContainText('Storage is full');

    // Usage and quota are readable here (what <StorageInfo /> shows).
    const est = await page.evaluate(() => navigator.storage.estimate());
    expect(est.quota).toBeGreaterThan(0);
  } finally {
    await context.close();
    await host.close();
  }
});
