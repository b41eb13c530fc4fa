/**
 * Foundation, first visit and the home view: landing in a new Untitled notebook, the notebook list (title, last
 * edited), create / open / rename / duplicate / delete, one URL per notebook, back and forward, and an unknown
 * notebook id.
 */
import { expect, test, type Page } from './fixtures';
import {
  UI_TIMEOUT,
  cell,
  cells,
  editor,
  expectCellText,
  notebookIdFromUrl,
  openApp,
  openNewNotebook,
  typeInCell,
  waitForEditor,
} from './helpers/app';

function item(page: Page, id: string) {
  return page.locator(`.notebook-item[data-notebook-id="${id}"]`);
}

async function goHome(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'All notebooks' }).click();
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.getByRole('region', { name: 'Your notebooks' })).toBeVisible();
}

test('first visit lands in a new Untitled notebook with one empty code cell, ready to type', async ({ page }) => {
  await page.goto('./');
  await expect(page).toHaveURL(/#\/n\/[a-z0-9]+$/, { timeout: UI_TIMEOUT });
  await expect(page.getByLabel('Notebook title')).toHaveValue('Untitled');
  await expect(cells(page)).toHaveCount(1);
  await expect(cell(page, 0)).toHaveAttribute('data-cell-type', 'code');
  await expectCellText(page, 0, '');
  await expect(editor(page, 0)).toBeFocused();
  // Typing goes straight into the cell: no click first.
  await page.keyboard.type('x = 42');
  await expectCellText(page, 0, 'x = 42');
});

test('home lists notebooks with title and last edited; create and open', async ({ page }) => {
  const first = await openNewNotebook(page);
  await typeInCell(page, 0, 'first = 1');
  await goHome(page);
  await expect(page.locator('.notebook-item')).toHaveCount(1);
  await expect(item(page, first).locator('.nb-name')).toHaveText('Untitled');
  await expect(item(page, first).locator('.nb-when')).toHaveText(/^edited (just now|\d+ min ago)$/);

  await page.getByRole('button', { name: 'New notebook' }).click();
  await expect(page).toHaveURL(/#\/n\/[a-z0-9]+$/);
  const second = notebookIdFromUrl(page.url());
  expect(second).not.toBe(first);
  await waitForEditor(page);
  await expect(page.getByLabel('Notebook title')).toHaveValue('Untitled');
  await expect(cells(page)).toHaveCount(1);
  await expectCellText(page, 0, '');

  await goHome(page);
  await expect(page.locator('.notebook-item')).toHaveCount(2);
  // Open the first one from the list: its own URL, its own content.
  await item(page, first).getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`#/n/${first}$`));
  await expectCellText(page, 0, 'first = 1');
});

test('rename (dialog), duplicate, and delete with confirmation', async ({ page }) => {
  const id = await openNewNotebook(page);
  await typeInCell(page, 0, 'original = True');
  await goHome(page);

  // Rename through the dialog.
  await item(page, id).getByRole('button', { name: 'Rename Untitled' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename notebook' });
  await expect(rename).toBeVisible();
  await rename.getByLabel('New title').fill('Analysis');
  await rename.getByRole('button', { name: 'Rename', exact: true }).click();
  await expect(rename).toHaveCount(0);
  await expect(item(page, id).locator('.nb-name')).toHaveText('Analysis');
  // Cancel leaves the title alone.
  await item(page, id).getByRole('button', { name: 'Rename Analysis' }).click();
  await page.getByRole('dialog', { name: 'Rename notebook' }).getByLabel('New title').fill('Nope');
  await page.getByRole('dialog', { name: 'Rename notebook' }).getByRole('button', { name: 'Cancel' }).click();
  await expect(item(page, id).locator('.nb-name')).toHaveText('Analysis');
  // The notebook itself carries the new title.
  await item(page, id).getByRole('link').click();
  await expect(page.getByLabel('Notebook title')).toHaveValue('Analysis');
  await goHome(page);

  // Duplicate: a second notebook with the same cells, its own id.
  await item(page, id).getByRole('button', { name: 'Duplicate Analysis' }).click();
  await expect(page.locator('.notebook-item')).toHaveCount(2);
  const copy = page.locator('.notebook-item', { hasText: 'Copy of Analysis' });
  await expect(copy).toHaveCount(1);
  const copyId = await copy.getAttribute('data-notebook-id');
  expect(copyId).toBeTruthy();
  expect(copyId).not.toBe(id);
  await copy.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`#/n/${copyId}$`));
  await expect(page.getByLabel('Notebook title')).toHaveValue('Copy of Analysis');
  await expectCellText(page, 0, 'original = True');
  // Editing the copy leaves the original alone.
  await typeInCell(page, 0, ' # copy');
  await goHome(page);
  await item(page, id).getByRole('link').click();
  await expectCellText(page, 0, 'original = True');
  await goHome(page);

  // Delete asks first; Cancel keeps it.
  await item(page, id).getByRole('button', { name: 'Delete Analysis' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete notebook?' });
  await expect(confirm).toContainText('“Analysis” will be deleted');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(item(page, id)).toHaveCount(1);
  // Confirmed: gone from the list, and its URL is "not found".
  await item(page, id).getByRole('button', { name: 'Delete Analysis' }).click();
  await page.getByRole('dialog', { name: 'Delete notebook?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(item(page, id)).toHaveCount(0);
  await expect(page.locator('.notebook-item')).toHaveCount(1);
  await page.goto(`./#/n/${id}`);
  await expect(page.getByRole('heading', { name: 'Notebook not found' })).toBeVisible({ timeout: UI_TIMEOUT });
  // Still deleted after a reload, the copy still there.
  await page.goto('./#/');
  await expect(page.locator('.notebook-item')).toHaveCount(1, { timeout: UI_TIMEOUT });
  await expect(page.locator('.notebook-item .nb-name')).toHaveText('Copy of Analysis');
});

test('each notebook has its own URL; back and forward move between home and notebooks', async ({ page }) => {
  const a = await openNewNotebook(page);
  await typeInCell(page, 0, 'a = "A"');
  await goHome(page);
  await page.getByRole('button', { name: 'New notebook' }).click();
  await expect(page).toHaveURL(/#\/n\/[a-z0-9]+$/);
  const b = notebookIdFromUrl(page.url());
  await waitForEditor(page);
  await typeInCell(page, 0, 'b = "B"');

  await page.goBack();
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.getByRole('region', { name: 'Your notebooks' })).toBeVisible();
  await expect(page.locator('.notebook-item')).toHaveCount(2);
  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`#/n/${a}$`));
  await expectCellText(page, 0, 'a = "A"');
  await page.goForward();
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.locator('.notebook-item')).toHaveCount(2);
  await page.goForward();
  await expect(page).toHaveURL(new RegExp(`#/n/${b}$`));
  await expectCellText(page, 0, 'b = "B"');

  // A notebook URL opened directly (new tab, bookmark) shows that notebook.
  const other = await page.context().newPage();
  await other.goto(`./#/n/${a}`);
  await waitForEditor(other);
  await expectCellText(other, 0, 'a = "A"');
  await other.close();
});

test('an unknown notebook id shows "Notebook not found" with a way home, and creates nothing', async ({ page }) => {
  const existing = await openNewNotebook(page);
  await page.goto('./#/n/doesnotexist');
  await expect(page.getByRole('heading', { name: 'Notebook not found' })).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(page.getByRole('alert')).toContainText('doesnotexist');
  await expect(cells(page)).toHaveCount(0);
  await page.getByRole('link', { name: 'Go to your notebooks' }).click();
  await expect(page).toHaveURL(/#\/$/);
  await expect(page.locator('.notebook-item')).toHaveCount(1);
  await expect(item(page, existing)).toHaveCount(1);
  await expect(item(page, 'doesnotexist')).toHaveCount(0);
  // Reloading the bad URL again still creates nothing.
  await page.goto('./#/n/doesnotexist');
  await expect(page.getByRole('heading', { name: 'Notebook not found' })).toBeVisible({ timeout: UI_TIMEOUT });
  await page.goto('./#/');
  await expect(page.locator('.notebook-item')).toHaveCount(1, { timeout: UI_TIMEOUT });
});

test('an unknown notebook id on a first visit creates no notebook either', async ({ page }) => {
  await openApp(page, '#/n/doesnotexist');
  await expect(page.getByRole('heading', { name: 'Notebook not found' })).toBeVisible();
  // The library (what home would list) stays empty: read it the way the app stores it.
  const names = await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name ?? ''));
  expect(names.filter((n) => n.startsWith('anode:nb:') && n !== 'anode:nb:doesnotexist')).toEqual([]);
});
