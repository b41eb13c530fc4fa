/**
 * Version history as a user meets it: checkpoints appear as the notebook is edited, a version opens with a
 * per-cell diff against now, restoring a whole version or one cell reaches the other peer, and a notebook whose
 * cells another peer deleted comes back in two clicks.
 */
import { expect, test, type Browser, type BrowserContext, type Page } from './fixtures';
import { cells, expectCellText, openPerson, setCellText, shareOpenNotebook, waitForEditor, UI_TIMEOUT } from './helpers/app';

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

function historyPanel(page: Page) {
  return page.getByRole('region', { name: 'History' });
}

function versions(page: Page) {
  return historyPanel(page).locator('.history-row');
}

/** Writes `texts` into the notebook's cells, adding cells at the end as needed. */
async function writeCells(page: Page, texts: string[]): Promise<void> {
  for (const [i, text] of texts.entries()) {
    if (i >= (await cells(page).count())) await page.getByRole('button', { name: 'Add cell at end', exact: true }).click();
    await waitForEditor(page, i);
    await setCellText(page, i, text);
  }
}

async function adaAndBob(browser: Browser): Promise<{ ada: Page; bob: Page }> {
  const ada = await openPerson(browser, contexts, 'Ada', '#b58900');
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
  await ada.goto('./');
  await waitForEditor(ada, 0);
  await writeCells(ada, ['a = 1', 'b = 2', 'c = 3']);
  await ada.keyboard.press('Escape');
  const link = await shareOpenNotebook(ada);
  await bob.goto(link);
  await waitForEditor(bob, 2);
  await expectCellText(bob, 2, 'c = 3');
  return { ada, bob };
}

test('edits become a checkpoint that opens with a diff against now', async ({ browser }) => {
  const ada = await openPerson(browser, contexts, 'Ada');
  await ada.goto('./');
  await waitForEditor(ada, 0);
  await ada.getByRole('button', { name: 'History', exact: true }).click();
  await writeCells(ada, ['x = 1', 'y = 2']);
  await expect(historyPanel(ada).getByTestId('history-pending')).toBeHidden({ timeout: UI_TIMEOUT });
  await expect(versions(ada).first()).toContainText('Ada added 1 cell, edited 1 cell');
  await expect(versions(ada).first()).toContainText('2 cells');

  await setCellText(ada, 1, 'y = 20');
  await ada.getByRole('button', { name: /^View version/ }).first().click();
  const view = ada.getByTestId('version-view');
  await expect(view.getByTestId('version-cell')).toHaveCount(1);
  await expect(view.getByTestId('history-diff')).toContainText('− y = 2');
  await expect(view.getByTestId('history-diff')).toContainText('+ y = 20');

  await ada.getByRole('button', { name: 'Close', exact: true }).click();
  await historyPanel(ada).getByRole('button', { name: 'Save version' }).click();
  await ada.getByLabel('Version name').fill('Before tuning');
  await ada.getByLabel('Version name').press('Enter');
  await expect(versions(ada).first()).toContainText('Before tuning');
  await ada.reload();
  await waitForEditor(ada, 1);
  await expect(versions(ada).first()).toContainText('Before tuning');

  // Run all keeps the notebook as it was just before, edits and all.
  await setCellText(ada, 0, 'x = 10');
  await ada.getByRole('button', { name: 'Run all', exact: true }).click();
  await expect(versions(ada).first()).toContainText('Before Run all', { timeout: UI_TIMEOUT });
  await expect(versions(ada).first()).toContainText('Ada edited 1 cell');
});

test('a whole restore and a one-cell restore reach the other peer', async ({ browser }) => {
  test.setTimeout(180_000);
  const { ada, bob } = await adaAndBob(browser);
  await ada.getByRole('button', { name: 'History', exact: true }).click();
  await expect(historyPanel(ada).getByTestId('history-pending')).toBeHidden({ timeout: UI_TIMEOUT });
  await expect(versions(ada).first()).toContainText('3 cells', { timeout: UI_TIMEOUT });
  await writeCells(bob, ['a = 100', 'b = 200']);
  await expectCellText(ada, 1, 'b = 200');
  // Bob's edits are checkpointed on Ada's device too, under Bob's name.
  await expect(versions(ada).first()).toContainText('Bob edited 2 cells', { timeout: UI_TIMEOUT });
  await expect(historyPanel(ada).getByTestId('history-pending')).toBeHidden({ timeout: UI_TIMEOUT });
  // Who wrote this: the cell says who last edited it, and the list filters by person.
  await cells(ada).nth(0).hover();
  await expect(cells(ada).nth(0).getByTestId('cell-editors')).toHaveText('Edited by Bob, Ada');
  await historyPanel(ada).getByLabel('Show changes by').selectOption('Bob');
  await expect(versions(ada)).toHaveCount(1);
  await historyPanel(ada).getByLabel('Show changes by').selectOption('');

  // One cell: the version before Bob's edits, cell b only.
  await versions(ada).nth(1).getByRole('button', { name: /^View version/ }).click();
  const view = ada.getByTestId('version-view');
  await expect(view.getByTestId('version-cell')).toHaveCount(2);
  await view.getByTestId('version-cell').nth(1).getByRole('button', { name: 'Restore this cell' }).click();
  await expectCellText(bob, 1, 'b = 2');
  await expectCellText(bob, 0, 'a = 100');
  await ada.getByRole('button', { name: 'Close', exact: true }).click();

  // Whole: the same version, restored from the list.
  const before = versions(ada).filter({ hasText: 'Bob edited 2 cells' }).first();
  await expect(before).toBeVisible();
  await versions(ada).nth(await versionIndexBefore(ada, 'Bob edited 2 cells')).getByRole('button', { name: /^Restore version/ }).click();
  await expectCellText(bob, 0, 'a = 1');
  await expectCellText(bob, 1, 'b = 2');
  await expect(historyPanel(ada).getByRole('status')).toContainText('Notebook restored');

  // The restore is itself undoable.
  await historyPanel(ada).getByRole('button', { name: 'Undo restore' }).click();
  await expectCellText(bob, 0, 'a = 100');
});

/** The list index of the version just before (older than) the first one whose summary contains `text`. */
async function versionIndexBefore(page: Page, text: string): Promise<number> {
  const texts = await versions(page).allTextContents();
  const i = texts.findIndex((t) => t.includes(text));
  expect(i).toBeGreaterThanOrEqual(0);
  return i + 1;
}

test('cells another peer deleted come back in two clicks', async ({ browser }) => {
  test.setTimeout(180_000);
  const { ada, bob } = await adaAndBob(browser);
  // Ada's device has a version with the three cells (a pause after her typing).
  await ada.getByRole('button', { name: 'History', exact: true }).click();
  await expect(historyPanel(ada).getByTestId('history-pending')).toBeHidden({ timeout: UI_TIMEOUT });
  await expect(versions(ada).first()).toContainText('3 cells', { timeout: UI_TIMEOUT });
  await ada.getByRole('button', { name: 'History', exact: true }).click();
  await expect(historyPanel(ada)).toBeHidden();
  for (let i = 0; i < 3; i++) await bob.getByRole('button', { name: 'Delete cell' }).first().click();
  await expect(cells(ada)).toHaveCount(1);
  await expectCellText(ada, 0, '');

  // Click 1: History. Click 2: Restore on the version that still had the three cells.
  await ada.getByRole('button', { name: 'History', exact: true }).click();
  await expect(versions(ada).first()).toContainText(/Bob .*deleted \d cells?/, { timeout: UI_TIMEOUT });
  await versions(ada).filter({ hasText: '3 cells' }).filter({ hasNotText: 'deleted' }).first().getByRole('button', { name: /^Restore version/ }).click();

  for (const page of [ada, bob]) {
    await expect(cells(page)).toHaveCount(3);
    await expectCellText(page, 0, 'a = 1');
    await expectCellText(page, 2, 'c = 3');
  }
});
