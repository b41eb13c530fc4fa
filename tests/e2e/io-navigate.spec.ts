/** Finding one's way in a long notebook: the table of contents from markdown headings, and notebook-wide find. */
import { expect, test, type Page } from './fixtures';

test.use({ serviceWorkers: 'block' });

const filler = Array.from({ length: 18 }, (_, i) => `row_${i} = ${i}`).join('\n');
const md = (source: string) => ({ cell_type: 'markdown', metadata: {}, source });
const code = (source: string) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source });

/** A notebook long enough that its later cells start out of view. */
const NOTEBOOK = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    md('# Introduction\n\nWhat this is about.'),
    code(filler),
    code(filler),
    code(filler),
    md('## Data\n\n```python\n# not a heading\n```'),
    code(filler),
    code(filler),
    code('threshold = 0.75  # the needle'),
    code(filler),
    md('## Results *so far*\n\nSetext below\n\nSummary\n-------'),
    code(filler),
    code('print(threshold)  # Needle again'),
  ].map((c, i) => ({ ...c, id: `cell-${i}` })),
};

async function openLongNotebook(page: Page): Promise<void> {
  await page.goto('./');
  await expect(page.getByLabel('Notebook title')).toBeVisible();
  await page.goto('./#/');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: 'long.ipynb', mimeType: 'application/x-ipynb+json', buffer: Buffer.from(JSON.stringify(NOTEBOOK)) });
  await expect(page.getByLabel('Notebook title')).toHaveValue('long');
  await expect(page.locator('[data-cell-id]')).toHaveCount(12);
}

test('the table of contents (in the sidebar) lists the markdown headings, and a click takes you to that cell', async ({ page }) => {
  await openLongNotebook(page);
  await page.getByRole('button', { name: 'Table of contents' }).click();
  const toc = page.getByRole('complementary', { name: 'Sidebar' }).getByRole('region', { name: 'Table of contents' });
  await expect(toc).toBeVisible();
  await expect(toc.getByRole('listitem')).toHaveText(['Introduction', 'Data', 'Results so far', 'Summary']);

  const results = page.locator('[data-cell-id="cell-9"]');
  await expect(results).not.toBeInViewport();
  await toc.getByRole('button', { name: 'Go to heading Results so far' }).click();
  await expect(results).toBeInViewport();
  await expect(results).toHaveClass(/\bselected\b/);

  // Headings follow edits: a new markdown heading shows up in the list.
  await page.getByRole('button', { name: 'Add markdown cell at end' }).click();
  await page.keyboard.insertText('# Appendix');
  await expect(toc.getByRole('listitem')).toHaveText(['Introduction', 'Data', 'Results so far', 'Summary', 'Appendix']);

  await page.getByRole('button', { name: 'Close sidebar' }).click();
  await expect(toc).toBeHidden();
  // Closed stays closed across a reload (remembered on this device); opened, it comes back on the same panel.
  await page.reload();
  await expect(page.getByRole('complementary', { name: 'Sidebar' })).toBeHidden();
  await page.getByRole('button', { name: 'Table of contents' }).click();
  await page.reload();
  await expect(page.getByRole('region', { name: 'Table of contents' })).toBeVisible();
});

test('Ctrl+Shift+F finds text in every cell, lists where, and a click selects that cell', async ({ page }) => {
  await openLongNotebook(page);
  await page.locator('[data-cell-id="cell-0"]').click();
  await page.keyboard.press('Control+Shift+F');
  const dialog = page.getByRole('dialog', { name: 'Find in notebook' });
  await expect(dialog).toBeVisible();
  await dialog.getByLabel('Search all cells').fill('needle');
  await expect(dialog.getByTestId('find-count')).toHaveText('2 matches');
  const hits = dialog.getByRole('list', { name: 'Matches' }).getByRole('button');
  await expect(hits).toHaveCount(2);
  await expect(hits.nth(0)).toContainText('Cell 8');
  await expect(hits.nth(0)).toContainText('threshold = 0.75  # the needle');
  await expect(hits.nth(1)).toContainText('Cell 12');

  const target = page.locator('[data-cell-id="cell-11"]');
  await expect(target).not.toBeInViewport();
  await hits.nth(1).click();
  await expect(dialog).toBeHidden();
  await expect(target).toBeInViewport();
  await expect(target).toHaveClass(/\bselected\b/);
});

test('find says when nothing matches, and opens from the toolbar too', async ({ page }) => {
  await openLongNotebook(page);
  await page.getByRole('button', { name: 'Find in notebook' }).click();
  const dialog = page.getByRole('dialog', { name: 'Find in notebook' });
  await dialog.getByLabel('Search all cells').fill('no such text anywhere');
  await expect(dialog.getByTestId('find-count')).toHaveText('No matches');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});
