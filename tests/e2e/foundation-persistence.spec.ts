/**
 * Foundation, keeping work: everything typed is in IndexedDB at once (a reload or a closed tab right after a
 * keystroke loses nothing), closing and reopening the whole browser keeps every notebook, and when IndexedDB is
 * unavailable the app says so and keeps working in memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { expect, test, type Page } from './fixtures';
import {
  KERNEL_TIMEOUT,
  UI_TIMEOUT,
  cell,
  cells,
  expectCellText,
  notebookIdFromUrl,
  openNewNotebook,
  setCellText,
  typeInCell,
  waitForEditor,
} from './helpers/app';

test('a reload right after typing shows exactly what was typed', async ({ page }) => {
  await openNewNotebook(page);
  // No waiting of any kind between the last keystroke and the reload.
  await page.keyboard.type('answer = 42');
  await page.reload();
  await waitForEditor(page);
  await expectCellText(page, 0, 'answer = 42');

  // One keystroke, reload; again and again.
  for (const ch of ['!', '?', '#']) {
    await typeInCell(page, 0, ch);
    await page.reload();
    await waitForEditor(page);
  }
  await expectCellText(page, 0, 'answer = 42!?#');

  // Structure too: a new cell, its type, its text, then an immediate reload.
  await page.getByRole('button', { name: 'Add cell at end' }).click();
  await expect(cells(page)).toHaveCount(2);
  await cell(page, 1).getByLabel('Cell type').selectOption('markdown');
  await setCellText(page, 1, '# kept');
  await page.reload();
  await expect(cells(page)).toHaveCount(2, { timeout: UI_TIMEOUT });
  await expect(cell(page, 1)).toHaveAttribute('data-cell-type', 'markdown');
  await expectCellText(page, 1, '# kept');
  await expectCellText(page, 0, 'answer = 42!?#');
});

test('after a reload, runs and outputs are still there, and my own runs are not shown as asked by someone else', async ({ page }) => {
  await openNewNotebook(page);
  await setCellText(page, 0, 'print("kept output")');
  await page.keyboard.press('Control+Enter');
  await expect(cell(page, 0).locator('.outputs')).toContainText('kept output', { timeout: KERNEL_TIMEOUT });
  await expect(cell(page, 0)).toContainText(/Done in/);
  await page.waitForTimeout(500); // the executor's writes are not journaled: let IndexedDB commit them
  await page.reload();
  await waitForEditor(page);
  await expect(cell(page, 0).locator('.outputs')).toContainText('kept output');
  await expect(cell(page, 0)).toContainText(/Done in/);
  await expect(cell(page, 0)).not.toContainText('asked by');
});

// Without the app's localStorage journal (src/sync/journal.ts), closing the tab within a few ms of the last
// keystroke lost the last characters in about 3 of 8 tries ("closed = Tr"): y-indexeddb's per-update
// transactions were still uncommitted when the renderer went away.
test('closing the tab right after a keystroke keeps it', async ({ page, context }) => {
  const id = await openNewNotebook(page);
  await page.keyboard.type('closed = True');
  await page.close();
  const again = await context.newPage();
  await again.goto(`./#/n/${id}`);
  await waitForEditor(again);
  await expectCellText(again, 0, 'closed = True');
});

test('closing and reopening the browser keeps every notebook', async ({ baseURL }, testInfo) => {
  test.setTimeout(150_000); // two browser launches, each page booting Python from scratch (a persistent profile of its own)
  const dir = mkdtempSync(join(tmpdir(), 'anode-profile-'));
  const launch = testInfo.project.use.launchOptions ?? {};
  const open = () => chromium.launchPersistentContext(dir, { ...launch, baseURL });
  try {
    let ctx = await open();
    let page = ctx.pages()[0] ?? (await ctx.newPage());
    const first = await openNewNotebook(page);
    await page.keyboard.type('first = "one"');
    await page.getByLabel('Notebook title').fill('First notebook');
    await page.getByLabel('Notebook title').press('Enter');
    await page.getByRole('link', { name: 'All notebooks' }).click();
    await page.getByRole('button', { name: 'New notebook' }).click();
    await expect(page).not.toHaveURL(new RegExp(`#/n/${first}$`));
    await expect(page).toHaveURL(/#\/n\/[a-z0-9]+$/);
    const second = notebookIdFromUrl(page.url());
    await waitForEditor(page);
    await page.keyboard.type('second = 2');
    await page.getByRole('button', { name: 'Add cell at end' }).click();
    await expect(cells(page)).toHaveCount(2);
    await page.keyboard.type('third = 3');
    await ctx.close();

    ctx = await open();
    page = ctx.pages()[0] ?? (await ctx.newPage());
    // The start page of a returning user is the list, with both notebooks.
    await page.goto('./');
    await expect(page.locator('.notebook-item')).toHaveCount(2, { timeout: UI_TIMEOUT });
    await expect(page.locator(`.notebook-item[data-notebook-id="${first}"] .nb-name`)).toHaveText('First notebook');
    await expect(page.locator(`.notebook-item[data-notebook-id="${second}"] .nb-name`)).toHaveText('Untitled');
    await page.locator(`.notebook-item[data-notebook-id="${first}"]`).getByRole('link').click();
    await waitForEditor(page);
    await expect(page.getByLabel('Notebook title')).toHaveValue('First notebook');
    await expectCellText(page, 0, 'first = "one"');
    await page.goto(`./#/n/${second}`);
    await expect(cells(page)).toHaveCount(2, { timeout: UI_TIMEOUT });
    await expectCellText(page, 0, 'second = 2');
    await expectCellText(page, 1, 'third = 3');
    await ctx.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Checks the app's answer to having no usable IndexedDB: a plain warning, and a notebook that still works. */
async function worksWithoutStorage(page: Page): Promise<void> {
  await page.goto('./');
  const warning = page.getByRole('alert').filter({ hasText: /cannot store/i });
  await expect(warning).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(warning).toContainText(/IndexedDB/);
  await expect(warning).toContainText(/lost|not be saved|memory/i);
  // Still a working notebook: type, add a cell, run code.
  await waitForEditor(page);
  await setCellText(page, 0, 'x = 6 * 7');
  await page.keyboard.press('Shift+Enter');
  await expect(cells(page)).toHaveCount(2);
  await page.keyboard.type('x');
  await page.keyboard.press('Control+Enter');
  await expect(cell(page, 1).locator('.outputs')).toContainText('42', { timeout: KERNEL_TIMEOUT });
  // Home lists the notebook for this session, and it opens again with its content.
  const id = notebookIdFromUrl(page.url());
  await page.getByRole('link', { name: 'All notebooks' }).click();
  await expect(page.locator(`.notebook-item[data-notebook-id="${id}"]`)).toHaveCount(1);
  await page.locator(`.notebook-item[data-notebook-id="${id}"]`).getByRole('link').click();
  await expectCellText(page, 0, 'x = 6 * 7');
}

test.describe('IndexedDB unavailable', () => {
  test('no indexedDB at all: the app says it cannot store, and works in memory', async ({ page }) => {
    await page.addInitScript(() => {
      Object.defineProperty(window, 'indexedDB', { get: () => undefined, configurable: true });
    });
    await worksWithoutStorage(page);
  });

  test('indexedDB.open throws (blocked storage): same warning, still works', async ({ page }) => {
    await page.addInitScript(() => {
      IDBFactory.prototype.open = function () {
        throw new DOMException('The user denied permission to access the database.', 'SecurityError');
      };
    });
    await worksWithoutStorage(page);
  });
});
