/**
 * The Variables panel with the real kernel: what a run leaves in memory appears after it (a 10-million-element
 * list described, not printed), modules and functions stay out unless asked for, and a peer in the room sees the
 * executor's variables as they change. The variable explorer and the table view: a 100,000-element list opens one
 * page at a time (the kernel never reprs it whole), a dict opens as a tree level by level, the view says when a run
 * changed or removed the variable, a 10,000-row data resource output sorts and pages, and a second peer in a room
 * opens the executor's variable over the room.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from './fixtures';
import { openPerson, shareOpenNotebook, waitForEditor } from './helpers/app';
import { BOOT_TIMEOUT, kernelStatus, outputs, run, runAndSee } from './kernel-helpers';

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

/** Ada shares her notebook; Bob opens the link and the Variables panel, which shows Ada's kernel. */
async function bobJoins(browser: Browser, ada: Page): Promise<Page> {
  const link = await shareOpenNotebook(ada);
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
  await bob.goto(link);
  await waitForEditor(bob, 0);
  await bob.getByRole('button', { name: 'Variables', exact: true }).click();
  await expect(panel(bob).getByTestId('variables-source')).toContainText('Python in Ada’s browser', { timeout: 30_000 });
  return bob;
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

  const bob = await bobJoins(browser, ada);
  await expect(row(bob, 'big')).toContainText('len 10000000');

  await runAndSee(ada, 'greeting = "hello"\nprint("again")', 'again');
  await expect(row(bob, 'greeting')).toContainText('str', { timeout: 30_000 });
  await expect(row(bob, 'total')).toContainText('int');
});

function explorer(page: Page, name: string) {
  return page.getByRole('dialog', { name: `Variable ${name}` });
}

/** The list's last element counts calls of its __repr__: a repr of the whole list would make one. */
const BIG = `class Loud:
    calls = 0
    def __repr__(self):
        Loud.calls += 1
        return "loud"
big = list(range(100_000))
big[-1] = Loud()
d = {"a": 1, "b": [10, 20, {"c": 3}], "s": "hello"}
print("made")`;

const TABLE = `from IPython.display import display
rows = [{"index": i, "n": (i * 7919) % 10_000, "name": f"item {i}"} for i in range(10_000)]
fields = [{"name": "index", "type": "integer"}, {"name": "n", "type": "integer"}, {"name": "name", "type": "string"}]
display({"application/vnd.dataresource+json": {"schema": {"fields": fields}, "data": rows},
         "text/html": "<p>plain html repr</p>", "text/plain": "a table"}, raw=True)`;

async function boot(page: Page): Promise<void> {
  await page.goto('./');
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
}

test('a 10,000-row table output sorts, filters and pages; its HTML is one click away', async ({ browser }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  const ada = await openPerson(browser, contexts, 'Ada', '#b58900');
  await boot(ada);
  const out = await run(ada, TABLE);
  const table = out.getByRole('group', { name: 'Table output' });
  await expect(table.locator('.table-status')).toHaveText('Rows 1–50 of 10,000', { timeout: BOOT_TIMEOUT });
  // One page in the DOM, never the 10,000 rows.
  await expect(table.locator('tbody tr')).toHaveCount(50);
  await expect(table.locator('thead')).toContainText('number');
  await table.getByTitle('Sort by n', { exact: true }).click();
  await table.getByTitle('Sort by n', { exact: true }).click();
  await expect(table.locator('tbody tr').first()).toContainText('9999');
  await table.getByRole('button', { name: 'Next page' }).click();
  await expect(table.locator('.table-status')).toHaveText('Rows 51–100 of 10,000');
  await expect(table.locator('tbody tr').first()).toContainText('9949');
  await table.getByRole('button', { name: 'Stats' }).click();
  await expect(table.locator('.table-stats')).toContainText('mean 4999.5');
  await table.getByLabel('Filter rows').fill('item 123');
  // item 123, item 1230…1239: 11 rows.
  await expect(table.locator('.table-status')).toHaveText('Rows 1–11 of 11 matching (of 10,000)');
  await out.getByRole('button', { name: 'HTML' }).click();
  await expect(out.frameLocator('iframe').locator('body')).toContainText('plain html repr');
});

test('the explorer pages a 100,000-element list and opens a dict as a tree, and says when a run changed it', async ({ browser }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  const ada = await openPerson(browser, contexts, 'Ada', '#b58900');
  await boot(ada);
  await runAndSee(ada, BIG, 'made');
  await ada.getByRole('button', { name: 'Variables', exact: true }).click();
  await panel(ada).getByRole('button', { name: 'Open big' }).click();
  const view = explorer(ada, 'big');
  await expect(view.locator('.table-status')).toHaveText('Rows 1–100 of 100,000');
  await expect(view.locator('tbody tr')).toHaveCount(100);
  await expect(view.locator('tbody tr').first()).toContainText('0');
  await view.getByRole('button', { name: 'Next page' }).click();
  await expect(view.locator('.table-status')).toHaveText('Rows 101–200 of 100,000');
  await expect(view.locator('tbody tr').first().locator('td')).toHaveText('100');
  await view.getByRole('button', { name: 'Close variable' }).click();
  await expect(view).toHaveCount(0);

  await panel(ada).getByRole('button', { name: 'Open d' }).click();
  const tree = explorer(ada, 'd').getByRole('tree');
  await expect(tree).toContainText("'a'");
  await expect(tree).toContainText("'hello'");
  await expect(tree.getByRole('treeitem')).toHaveCount(3);
  await tree.getByRole('button', { name: "Open 'b'" }).click();
  await expect(tree.getByRole('treeitem')).toHaveCount(6);
  await tree.getByRole('button', { name: 'Open 2' }).click();
  await expect(tree).toContainText("'c'");

  // Nothing above made a repr of the whole list.
  await runAndSee(ada, 'print("reprs", Loud.calls)', 'reprs 0');
  await runAndSee(ada, 'd = {"z": 0}\nprint("rebound")', 'rebound');
  await expect(explorer(ada, 'd').getByRole('status').first()).toContainText('d changed in the last run');
  await expect(explorer(ada, 'd').getByRole('tree')).toContainText("'z'");
  await runAndSee(ada, 'del d\nprint("deleted")', 'deleted');
  await expect(explorer(ada, 'd')).toContainText('d no longer exists in the kernel');
});

test('a peer in the room opens the executor’s variable, paged over the room', async ({ browser }) => {
  test.setTimeout(4 * BOOT_TIMEOUT);
  const ada = await openPerson(browser, contexts, 'Ada', '#b58900');
  await boot(ada);
  await runAndSee(ada, BIG, 'made');
  const bob = await bobJoins(browser, ada);
  await panel(bob).getByRole('button', { name: 'Open big' }).click();
  const view = explorer(bob, 'big');
  await expect(view.locator('.table-status')).toHaveText('Rows 1–100 of 100,000', { timeout: 30_000 });
  await view.getByRole('button', { name: 'Next page' }).click();
  await expect(view.locator('.table-status')).toHaveText('Rows 101–200 of 100,000');
  await expect(view.locator('tbody tr').first().locator('td')).toHaveText('100');
  await panel(bob).getByRole('button', { name: 'Open d' }).click();
  await expect(explorer(bob, 'd').getByRole('tree')).toContainText("'hello'");
  // Ada's own page shows the output; the slices never went into the document.
  await expect(outputs(ada)).toContainText('made');
});
