/**
 * Warm boots restore a memory snapshot of a fresh interpreter, taken on the first boot on this device. A restored
 * kernel must be indistinguishable from a fresh one: its own random numbers, printing (also low-level writes),
 * input(), interrupt, package loading, and restart (which restores the snapshot again).
 */
import { expect, test, type Page } from '@playwright/test';
import { buildMirror } from '../fixtures/wheels/build.mjs';
import { serveMirror } from '../fixtures/wheels/serve.mjs';
import { BOOT_TIMEOUT, kernelStatus, openNotebook, outputs, run, runAndSee } from './kernel-helpers';

const badge = (page: Page) => page.locator('.kernel-badge');

/** Whether the snapshot has been stored (the first boot writes it in the background). */
function snapshotStored(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('anode-python-snapshot-') && (await (await caches.open(name)).keys()).length) return true;
    }
    return false;
  });
}

async function randomNumber(page: Page): Promise<string> {
  const out = await runAndSee(page, 'import random\nprint("r =", random.random())', /r = 0\.\d+/);
  return (await out.textContent())!.match(/r = (0\.\d+)/)![1]!;
}

test('a reload restores the stored interpreter snapshot, and the restored kernel behaves like a fresh one', async ({ page }) => {
  test.setTimeout(BOOT_TIMEOUT * 3);
  const mirror = await serveMirror(buildMirror().dir);
  try {
    await openNotebook(page, { packageBaseURL: mirror.url });
    await expect(badge(page)).toHaveAttribute('data-started-from', 'scratch');
    const first = await randomNumber(page);
    await expect.poll(() => snapshotStored(page), { timeout: 30_000 }).toBe(true);

    await page.reload();
    await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
    await expect(badge(page)).toHaveAttribute('data-started-from', 'snapshot');
    await expect(badge(page)).toHaveAttribute('title', /Python started in \d+\.\d\d s, from a saved snapshot/);
    const second = await randomNumber(page);
    expect(second).not.toBe(first);
    // The worker's own set-up code leaves nothing in the notebook's namespace.
    await runAndSee(page, "[k for k in ('sys', 'os') if k in globals()]", '[]');

    // Writes that bypass sys.stdout, input() over shared memory, and the package path all still work.
    await runAndSee(page, 'import os\nos.write(1, b"low-level\\n")', 'low-level');
    const out = await run(page, 'name = input("Your name? ")\nprint(f"Hello, {name}!")');
    await page.getByLabel('Your name?').fill('Ada');
    await page.getByLabel('Your name?').press('Enter');
    await expect(out).toContainText('Hello, Ada!');
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    await runAndSee(page, 'import anode_tiny\nanode_tiny.hello("snapshot")', 'hello snapshot from anode_tiny');
    expect(mirror.requests).toContain('/anode_tiny-0.1.0-py3-none-any.whl');

    // Interrupt stops a loop in the restored interpreter and keeps its state.
    const loop = await run(page, 'kept = "yes"\nprint("looping", flush=True)\nwhile True:\n    pass');
    await expect(loop).toContainText('looping');
    await page.getByRole('button', { name: 'Interrupt kernel' }).first().click();
    await expect(loop).toContainText('KeyboardInterrupt');
    await runAndSee(page, 'kept', 'yes');

    // Restart restores the snapshot again: a fresh interpreter, with fresh random numbers.
    page.on('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Restart kernel' }).first().click();
    await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
    await runAndSee(page, "'kept' in globals()", 'False');
    await expect(badge(page)).toHaveAttribute('data-started-from', 'snapshot');
    const third = await randomNumber(page);
    expect(new Set([first, second, third]).size).toBe(3);
    await expect(outputs(page)).not.toContainText('Error');
  } finally {
    await mirror.close();
  }
});

test('a snapshot that cannot be restored is dropped: Python starts from scratch and stores a new one', async ({ page }) => {
  test.setTimeout(BOOT_TIMEOUT * 3);
  await openNotebook(page);
  await expect.poll(() => snapshotStored(page), { timeout: 30_000 }).toBe(true);
  // Corrupt it, as a failed write or a changed Pyodide build would leave it.
  await page.evaluate(async () => {
    for (const name of await caches.keys()) {
      if (!name.startsWith('anode-python-snapshot-')) continue;
      const cache = await caches.open(name);
      for (const req of await cache.keys()) await cache.put(req, new Response(new Uint8Array(64 * 1024 * 1024).fill(7)));
    }
  });
  await page.reload();
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await expect(badge(page)).toHaveAttribute('data-started-from', 'scratch');
  await runAndSee(page, '6 * 7', '42');
  await expect.poll(() => snapshotStored(page), { timeout: 30_000 }).toBe(true);
  await page.reload();
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await expect(badge(page)).toHaveAttribute('data-started-from', 'snapshot');
  await runAndSee(page, '6 * 7', '42');
});
