/** Managing a cell's outputs: collapse and expand them (kept in the .ipynb), copy their text, download an image. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from './fixtures';

const corpus = (name: string): string => fileURLToPath(new URL(`../fixtures/notebooks/${name}`, import.meta.url));

test.use({ serviceWorkers: 'block', permissions: ['clipboard-read', 'clipboard-write'] });

async function importNotebook(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await page.goto('./');
  await expect(page.getByLabel('Notebook title')).toBeVisible();
  await page.goto('./#/');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles(file);
  await expect(page).toHaveURL(/#\/n\//);
  await expect(page.locator('[data-cell-id]').first()).toBeVisible();
}

const cell = (page: Page, i: number) => page.locator('[data-cell-id]').nth(i);
const shown = (page: Page, i: number) => cell(page, i).locator('.outputs');

test('collapsing a cell’s outputs hides them, survives a reload and an .ipynb export, and expanding shows them again', async ({ page }) => {
  await importNotebook(page, corpus('all-outputs.v4.5.ipynb'));
  const printing = cell(page, 1);
  await expect(shown(page, 1)).toContainText('hello, world');

  await printing.getByRole('button', { name: 'Collapse outputs' }).click();
  await expect(shown(page, 1)).toBeHidden();
  await expect(printing.getByRole('button', { name: 'Expand outputs' })).toHaveText('▸ Show 2 outputs');

  await page.reload();
  await expect(cell(page, 1).getByRole('button', { name: 'Expand outputs' })).toBeVisible();
  await expect(shown(page, 1)).toBeHidden();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Export .ipynb' }).click();
  const nb = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as { cells: Array<{ metadata: Record<string, unknown> }> };
  expect(nb.cells[1]!.metadata['collapsed']).toBe(true);
  expect(nb.cells[2]!.metadata['collapsed']).toBeUndefined();

  await cell(page, 1).getByRole('button', { name: 'Expand outputs' }).click();
  await expect(shown(page, 1)).toContainText('hello, world');
});

test('a notebook saved with hidden outputs in JupyterLab opens with them collapsed', async ({ page }) => {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      {
        id: 'c1',
        cell_type: 'code',
        execution_count: 1,
        metadata: { jupyter: { outputs_hidden: true } },
        outputs: [{ output_type: 'stream', name: 'stdout', text: ['secret output\n'] }],
        source: "print('secret output')",
      },
    ],
  };
  await importNotebook(page, { name: 'hidden.ipynb', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(notebook)) });
  await expect(cell(page, 0).getByRole('button', { name: 'Expand outputs' })).toBeVisible();
  await expect(shown(page, 0)).toBeHidden();
  await cell(page, 0).getByRole('button', { name: 'Expand outputs' }).click();
  await expect(shown(page, 0)).toContainText('secret output');
});

test('Copy output puts the output’s text on the clipboard', async ({ page }) => {
  await importNotebook(page, corpus('all-outputs.v4.5.ipynb'));
  await cell(page, 1).getByRole('button', { name: 'Copy output' }).click();
  await expect(cell(page, 1).getByRole('status')).toHaveText('Output copied');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('hello, world\nwarning: low disk');

  await cell(page, 7).getByRole('button', { name: 'Copy output' }).click();
  await expect(cell(page, 7).getByRole('status')).toHaveText('Output copied');
  const traceback = await page.evaluate(() => navigator.clipboard.readText());
  expect(traceback).toContain('ZeroDivisionError');
  expect(traceback).not.toContain('\x1b[');
});

test('Download image saves a plot as a PNG file named after the notebook and cell', async ({ page }) => {
  await importNotebook(page, corpus('all-outputs.v4.5.ipynb'));
  const plot = cell(page, 3);
  await expect(plot.getByRole('button', { name: 'Copy output' })).toBeVisible();
  const download = page.waitForEvent('download');
  await plot.getByRole('button', { name: 'Download image' }).click();
  const d = await download;
  expect(d.suggestedFilename()).toBe('all-outputs.v4.5 cell 4.png');
  const bytes = readFileSync(await d.path());
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  // An SVG output downloads as .svg; a cell with only text has no image to download.
  const svg = page.waitForEvent('download');
  await cell(page, 4).getByRole('button', { name: 'Download image' }).click();
  expect((await svg).suggestedFilename()).toBe('all-outputs.v4.5 cell 5.svg');
  await expect(cell(page, 1).getByRole('button', { name: 'Download image' })).toHaveCount(0);
});
