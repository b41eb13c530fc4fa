/**
 * Installable and offline-first: after one online visit the app opens with no network at all (context offline
 * and the host stopped): the notebook list and a notebook's content from IndexedDB, the shell and Pyodide from the
 * service worker, and Python runs.
 */
import { expect, test } from '@playwright/test';
import { BOOT_TIMEOUT, buildApp, cellSource, runInCell, serveStatic, waitForKernel, waitForServiceWorker } from './pwa-helpers';

let dist = '';

test.beforeAll(() => {
  test.setTimeout(300_000);
  dist = buildApp('main', { ANODE_BUILD_ID: 'pwa-e2e-main' });
});

test('the manifest is valid, its icons load, and a service worker controls the page', async ({ browser }) => {
  test.setTimeout(BOOT_TIMEOUT * 2);
  const host = await serveStatic({ root: dist, isolate: true });
  const context = await browser.newContext({ serviceWorkers: 'allow' }); // whatever the config's default
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const manifestUrl = new URL(href!, host.url).href;
    const res = await page.request.get(manifestUrl);
    expect(res.ok()).toBe(true);
    const manifest = (await res.json()) as {
      name?: string;
      short_name?: string;
      display?: string;
      start_url?: string;
      icons?: Array<{ src: string; sizes: string; type?: string }>;
    };
    expect(manifest.name).toBe('Anode');
    expect(manifest.short_name).toBeTruthy();
    expect(manifest.display).toBe('standalone');
    expect(manifest.start_url).toBeTruthy();
    for (const size of ['192x192', '512x512']) {
      const icon = manifest.icons?.find((i) => i.sizes === size);
      expect(icon, `icon ${size}`).toBeTruthy();
      const img = await page.request.get(new URL(icon!.src, manifestUrl).href);
      expect(img.ok()).toBe(true);
      expect(img.headers()['content-type']).toContain('image/png');
      // A PNG, and the size it claims (width and height in the IHDR chunk).
      const body = await img.body();
      const side = Number(size.split('x')[0]);
      expect(body.readUInt32BE(16)).toBe(side);
      expect(body.readUInt32BE(20)).toBe(side);
    }
    // start_url must be inside the worker's scope, or the installed app would open uncontrolled.
    await waitForServiceWorker(page);
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(new URL(manifest.start_url!, manifestUrl).href.startsWith(scope)).toBe(true);
    await expect(page.locator('meta[name="theme-color"], link[rel="icon"]').first()).toBeAttached();
  } finally {
    await context.close();
    await host.close();
  }
});

test('after one visit the app, its notebooks and Python work with no network', async ({ browser }) => {
  test.setTimeout(BOOT_TIMEOUT * 3);
  const host = await serveStatic({ root: dist, isolate: true });
  const context = await browser.newContext({ serviceWorkers: 'allow' }); // whatever the config's default
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    await waitForKernel(page);
    await waitForServiceWorker(page);
    // Python writes a file into the notebook's files: it must be there offline, for a new interpreter.
    const out = await runInCell(page, 'offline_marker = 21 * 2\nopen("kept.txt", "w").write("written online")\noffline_marker');
    await expect(out).toContainText('42', { timeout: BOOT_TIMEOUT });
    const notebookUrl = page.url();
    expect(notebookUrl).toMatch(/#\/n\/[a-z0-9]+$/);
    // y-indexeddb writes asynchronously: let the edit reach the disk before the network (and page) go.
    await page.waitForTimeout(1000);

    await host.close();
    await context.setOffline(true);
    await page.reload();
    await expect(page.locator('[data-testid="pwa-offline"]')).toBeVisible();
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    await waitForKernel(page);
    await expect.poll(() => cellSource(page)).toContain('offline_marker = 21 * 2');
    const again = await runInCell(page, 'print(1+1, open("kept.txt").read())');
    await expect(again).toContainText('2 written online', { timeout: BOOT_TIMEOUT });

    // The home list comes from IndexedDB too.
    await page.goto(host.url + '#/');
    await expect(page.locator('.home')).toBeVisible({ timeout: BOOT_TIMEOUT });
    const id = /#\/n\/([a-z0-9]+)$/.exec(notebookUrl)![1]!;
    await expect(page.locator(`a[href$="#/n/${id}"]`).first()).toBeVisible();

    // Back online: the indicator says so.
    await context.setOffline(false);
    await expect(page.locator('[data-testid="pwa-offline"]')).toHaveCount(0);
  } finally {
    await context.close();
    await host.close();
  }
});
