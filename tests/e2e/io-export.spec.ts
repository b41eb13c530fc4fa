/**
 * Exporting the open notebook as a user does, from the Export menu: .ipynb (which imports back as the same
 * notebook), a percent-format .py script and a standalone HTML page.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from './fixtures';
import { commandMode, openNewNotebook, setCellText } from './helpers/app';

const corpus = (name: string): string => fileURLToPath(new URL(`../fixtures/notebooks/${name}`, import.meta.url));

test.use({ serviceWorkers: 'block' });

async function importFromHome(page: Page, file: string): Promise<void> {
  await page.goto('./');
  await expect(page.getByLabel('Notebook title')).toBeVisible();
  await page.goto('./#/');
  await expect(page.getByRole('region', { name: 'Your notebooks' })).toBeVisible();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles(file);
  await expect(page).toHaveURL(/#\/n\//);
}

/** Chooses `item` in the Export menu and returns the downloaded file's name and text. */
async function exportAs(page: Page, item: 'Export .ipynb' | 'Export .py' | 'Export HTML'): Promise<{ name: string; path: string; text: string }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: item }).click();
  const d = await download;
  const path = await d.path();
  return { name: d.suggestedFilename(), path, text: readFileSync(path, 'utf8') };
}

test('Export .ipynb downloads the notebook, and importing that file gives the same notebook back', async ({ page }) => {
  await importFromHome(page, corpus('all-outputs.v4.5.ipynb'));
  const cells = page.locator('[data-cell-id]');
  await expect(cells).toHaveCount(13);

  const first = await exportAs(page, 'Export .ipynb');
  expect(first.name).toBe('all-outputs.v4.5.ipynb');
  const nb = JSON.parse(first.text) as { nbformat: number; nbformat_minor: number; cells: Array<{ cell_type: string }> };
  expect(nb.nbformat).toBe(4);
  expect(nb.nbformat_minor).toBe(5);
  expect(nb.cells.map((c) => c.cell_type)).toEqual(['markdown', ...Array<string>(11).fill('code'), 'raw']);

  // Re-import the downloaded file: a second notebook, shown the same, exporting to the very same file.
  await page.getByRole('link', { name: 'All notebooks' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: first.name, mimeType: 'application/x-ipynb+json', buffer: Buffer.from(first.text) });
  await expect(page.getByLabel('Notebook title')).toHaveValue('all-outputs.v4.5');
  await expect(cells).toHaveCount(13);
  await expect(cells.nth(0).locator('h1')).toHaveText('Every output type');
  await expect(cells.nth(1).locator('.outputs')).toContainText('hello, world');
  await expect(cells.nth(7).locator('.outputs')).toContainText('ZeroDivisionError');

  const second = await exportAs(page, 'Export .ipynb');
  expect(second.text).toBe(first.text);

  await page.getByRole('link', { name: 'All notebooks' }).click();
  await expect(page.locator('.notebook-item').filter({ hasText: 'all-outputs.v4.5' })).toHaveCount(2);
});

test('Export .py downloads a percent-format script of the cells', async ({ page }) => {
  await importFromHome(page, corpus('all-outputs.v4.5.ipynb'));
  const py = await exportAs(page, 'Export .py');
  expect(py.name).toBe('all-outputs.v4.5.py');
  expect(py.text).toContain('# %% [markdown]');
  expect(py.text).toContain('# # Every output type');
  expect(py.text).toContain("# %%\nimport sys\nprint('hello, world')");
});

test('Export HTML downloads a page with the cells and their outputs', async ({ page }) => {
  await importFromHome(page, corpus('all-outputs.v4.5.ipynb'));
  const html = await exportAs(page, 'Export HTML');
  expect(html.name).toBe('all-outputs.v4.5.html');
  expect(html.text).toMatch(/^<!DOCTYPE html>/i);
  expect(html.text).toContain('<title>all-outputs.v4.5</title>');
  expect(html.text).toContain('hello, world');
  expect(html.text).toContain('ZeroDivisionError');

  // The page opens on its own and shows the notebook.
  const viewer = await page.context().newPage();
  await viewer.goto(`file://${html.path}`);
  await expect(viewer.getByText('Every output type').first()).toBeVisible();
  await expect(viewer.getByText('hello, world').first()).toBeVisible();
});

test('Export HTML keeps raw HTML in markdown, sanitized, and typesets math even before any math was shown', async ({ page }) => {
  await openNewNotebook(page);
  // Never rendered in the app: KaTeX (loaded on first use) is not in yet when the export starts.
  await setCellText(page, 0, 'Some <b>bold</b> text<script>window.x = 1</script><img src="x" onerror="alert(1)"> and $x^2$');
  await commandMode(page);
  await page.keyboard.press('m');
  const html = await exportAs(page, 'Export HTML');
  expect(html.text).toContain('<b>bold</b>');
  expect(html.text).not.toMatch(/<script|onerror/i);
  expect(html.text).toContain('<msup><mi>x</mi><mn>2</mn></msup>');
});

test('the export menu closes on Escape without downloading anything', async ({ page }) => {
  await importFromHome(page, corpus('empty.v4.5.ipynb'));
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(page.getByRole('menu', { name: 'Export formats' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('menu', { name: 'Export formats' })).toBeHidden();
});

test('the export menu works from the keyboard without moving the cell selection', async ({ page }) => {
  await importFromHome(page, corpus('all-outputs.v4.5.ipynb'));
  const first = page.locator('[data-cell-id]').first();
  await first.click();
  await expect(first).toHaveClass(/\bselected\b/);

  await page.getByRole('button', { name: 'Export', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menuitem', { name: 'Export .ipynb' })).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('menuitem', { name: 'Export .py' })).toBeFocused();
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  expect((await download).suggestedFilename()).toBe('all-outputs.v4.5.py');
  await expect(page.getByRole('menu', { name: 'Export formats' })).toBeHidden();
  await expect(first).toHaveClass(/\bselected\b/);
  await expect(page.locator('.cm-focused')).toHaveCount(0);
});
