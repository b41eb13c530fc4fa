import { expect, test } from './fixtures';
import { BOOT_TIMEOUT, kernelStatus, openNotebook, outputs, run, runAndSee } from './kernel-helpers';

test.describe('kernel control', () => {
  test.beforeEach(async ({ page }) => {
    await openNotebook(page);
  });

  test('the page is cross-origin isolated, so interrupt and input() use shared memory', async ({ page }) => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  });

  test('Interrupt stops an endless loop with KeyboardInterrupt and keeps the variables', async ({ page }) => {
    const out = await run(page, 'kept = "still here"\nprint("looping", flush=True)\nwhile True:\n    pass');
    await expect(out).toContainText('looping');
    await page.getByRole('button', { name: 'Interrupt kernel' }).first().click();
    await expect(out).toContainText('KeyboardInterrupt');
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    await runAndSee(page, 'kept', 'still here');
  });

  for (const [what, wait] of [
    ['time.sleep', 'import time\ntime.sleep(120)'],
    ['an await', 'import asyncio\nawait asyncio.sleep(120)'],
  ]) {
    test(`Interrupt stops code waiting in ${what} without losing state`, async ({ page }) => {
      // Interrupted once the wait has begun (busy alone may still be IPython preparing the cell).
      const out = await run(page, `kept = 42\nprint("waiting", flush=True)\n${wait}`);
      await expect(out).toContainText('waiting');
      await page.getByRole('button', { name: 'Interrupt kernel' }).first().click();
      await expect(out).toContainText('KeyboardInterrupt');
      await expect(out).not.toContainText('restarted');
      await runAndSee(page, 'kept', '42');
    });
  }

  test('Restart gives a fresh interpreter: earlier variables are gone', async ({ page }) => {
    await runAndSee(page, 'gone_soon = 1\nprint("set")', 'set');
    await page.getByRole('button', { name: 'Restart kernel' }).first().click();
    await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: 60_000 });
    await runAndSee(page, 'gone_soon', "NameError: name 'gone_soon' is not defined");
  });

  test('input() shows a text box labelled with the prompt; Enter answers it', async ({ page }) => {
    const out = await run(page, 'name = input("Your name? ")\nprint(f"Hello, {name}!")');
    const box = page.getByLabel('Your name?');
    await expect(box).toBeVisible();
    await expect(box).toHaveAttribute('type', 'text');
    await box.fill('Ada');
    await box.press('Enter');
    await expect(out).toContainText('Hello, Ada!');
    await expect(page.getByLabel('Your name?')).toHaveCount(0);
  });

  test('getpass() asks with a password box', async ({ page }) => {
    const out = await run(page, 'import getpass\nsecret = getpass.getpass("Token: ")\nprint("length", len(secret))');
    const box = page.getByLabel('Token:');
    await expect(box).toHaveAttribute('type', 'password');
    await box.fill('hunter2');
    await box.press('Enter');
    await expect(out).toContainText('length 7');
    await expect(out).not.toContainText('hunter2');
  });

  test('interrupting a cell waiting in input() withdraws the prompt', async ({ page }) => {
    const out = await run(page, 'input("Waiting: ")');
    await expect(page.getByLabel('Waiting:')).toBeVisible();
    await page.getByRole('button', { name: 'Interrupt kernel' }).first().click();
    await expect(out).toContainText('KeyboardInterrupt');
    await expect(page.getByLabel('Waiting:')).toHaveCount(0);
    await runAndSee(page, '1 + 1', '2');
  });

  test('top-level await works', async ({ page }) => {
    await runAndSee(page, 'import asyncio\nawait asyncio.sleep(0.01)\n"awaited"', 'awaited');
    await expect(outputs(page)).toContainText('Out[');
  });
});

test('a kernel that failed to start says why and comes back with Restart (which cancels what waited, as in Jupyter)', async ({ page, context }) => {
  test.setTimeout(BOOT_TIMEOUT * 2);
  // Python's binary cannot be fetched, as on a flaky network: the boot fails.
  let block = true;
  await context.route('**/pyodide.asm.wasm', (route) => (block ? route.abort('connectionreset') : route.continue()));
  page.on('dialog', (d) => void d.accept());
  await page.goto('./');
  await expect(kernelStatus(page)).toHaveText(/dead/i, { timeout: BOOT_TIMEOUT });
  await expect(page.locator('.kernel-reason')).toContainText('Python failed to start');
  await run(page, 'print("after the restart")');
  await expect(page.getByTestId('executor')).toContainText('Nobody here can run code');

  block = false;
  await page.getByRole('button', { name: 'Restart kernel' }).first().click();
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await expect(page.locator('[data-cell-id]').first()).toContainText('Cancelled');
  await runAndSee(page, 'print("after the restart")', 'after the restart');
  await expect(page.getByTestId('executor')).toHaveCount(0);
});

test('a kernel that could not start while offline starts by itself when the network is back', async ({ page, context }) => {
  test.setTimeout(BOOT_TIMEOUT * 2);
  let offline = true;
  await context.route('**/pyodide.asm.wasm', (route) => (offline ? route.abort('internetdisconnected') : route.continue()));
  await page.goto('./');
  await expect(kernelStatus(page)).toHaveText(/dead/i, { timeout: BOOT_TIMEOUT });
  await context.setOffline(true);
  offline = false;
  await context.setOffline(false);
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await runAndSee(page, '6 * 7', '42');
});

test('when Python crashes (a stack overflow deep in the interpreter) the cell says so and a fresh kernel takes over', async ({ page }) => {
  test.setTimeout(BOOT_TIMEOUT * 2);
  await openNotebook(page);
  const out = await run(page, 'import sys\nsys.setrecursionlimit(10**6)\ndef deeper(n):\n    return deeper(n + 1)\ndeeper(0)');
  await expect(out.locator('[data-output-type="error"][data-ename="KernelDied"]')).toContainText('Python crashed', { timeout: BOOT_TIMEOUT });
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await runAndSee(page, "'sys' in globals(), 6 * 7", '(False, 42)');
});
