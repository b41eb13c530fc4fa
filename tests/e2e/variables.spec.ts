/**
 * The Variables panel with the real kernel: what a run leaves in memory appears after it (a 10-million-element
 * list described, not printed), modules and functions stay out unless asked for, and a peer in the room sees the
 * executor's variables as they change.
 */
import { expect, test, type BrowserContext, type Page } from './fixtures';
import { openPerson, shareOpenNotebook, waitForEditor } from './helpers/app';
import { BOOT_TIMEOUT, kernelStatus, run, runAndSee } from './kernel-helpers';

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

function panel(page: Page) {
  return page.getByRole('region', { name: 'Variables' });
}

function row(page: Page, name: string) {
  return panel(page).locator(`tr.variable-row[data-name="${name}"]`);
}

test('variables appear after each run, and a peer sees the executor’s', async ({ browser }) => {
  test.setTimeout(4 * BOOT_TIMEOUT);
  const ada = await openPerson(browser, contexts, 'Ada', '#b58900');
  await ada.goto('./');
  await expect(kernelStatus(ada)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await ada.getByRole('button', { name: 'Variables', exact: true }).click();
  await expect(panel(ada)).toContainText('No variables yet');

  // Building ten million ints takes seconds of Python on a loaded machine: wait for it as for a boot.
  const first = await run(ada, 'import math\nbig = list(range(10_000_000))\ntotal = 42\ndef helper(x):\n    return x\nprint("ok")');
  await expect(first).toContainText('ok', { timeout: BOOT_TIMEOUT });
  await expect(kernelStatus(ada)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await expect(row(ada, 'big')).toContainText('len 10000000');
  await expect(row(ada, 'big')).toContainText('list');
  await expect(panel(ada)).toContainText('[0, 1, 2, 3, 4, 5, 6, 7, ...]');
  await expect(row(ada, 'total')).toContainText('int');
  await expect(row(ada, 'math')).toHaveCount(0);
  await expect(row(ada, 'helper')).toHaveCount(0);
  await panel(ada).getByLabel('Functions').check();
  await expect(row(ada, 'helper')).toContainText('function');
  await panel(ada).getByLabel('Filter variables').fill('to');
  await expect(panel(ada).locator('tr.variable-row')).toHaveCount(1);
  await expect(row(ada, 'total')).toBeVisible();
  await panel(ada).getByLabel('Filter variables').fill('');

  const link = await shareOpenNotebook(ada);
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
  await bob.goto(link);
  await waitForEditor(bob, 0);
  await bob.getByRole('button', { name: 'Variables', exact: true }).click();
  await expect(panel(bob).getByTestId('variables-source')).toContainText('Python in Ada’s browser', { timeout: 30_000 });
  await expect(row(bob, 'big')).toContainText('len 10000000');

  await runAndSee(ada, 'greeting = "hello"\nprint("again")', 'again');
  await expect(row(bob, 'greeting')).toContainText('str', { timeout: 30_000 });
  await expect(row(bob, 'total')).toContainText('int');
});
