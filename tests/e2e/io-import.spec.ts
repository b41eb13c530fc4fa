/**
 * Importing Jupyter notebooks as a user does: the "Import" button's file picker, dropping a file on the app, a
 * URL; and files that must be refused with a clear message, creating no notebook.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from './fixtures';

const corpus = (name: string): string => fileURLToPath(new URL(`../fixtures/notebooks/${name}`, import.meta.url));

test.use({ serviceWorkers: 'block' });

/** Opens the home list (the first visit lands in a new notebook; the home list then has that one). */
async function openHome(page: Page): Promise<number> {
  await page.goto('./');
  await expect(page.getByLabel('Notebook title')).toBeVisible();
  await page.goto('./#/');
  await expect(page.getByRole('region', { name: 'Your notebooks' })).toBeVisible();
  await expect(page.locator('.notebook-item')).toHaveCount(1);
  return 1;
}

async function pickFile(page: Page, file: string | { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles(file);
}

/** Drops a file with `text` named `name` on the middle of the page, as the OS does when a file is dragged in. */
async function dropFile(page: Page, name: string, text: string): Promise<void> {
  await page.evaluate(
    ([name, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'application/x-ipynb+json' }));
      const target = document.elementFromPoint(innerWidth / 2, innerHeight / 2) ?? document.body;
      target.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true, cancelable: true }));
      target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [name, text] as const,
  );
  await expect(page.getByTestId('drop-overlay')).toBeVisible();
  // On the home page a drop imports; on a notebook it adds files, and a .ipynb still imports.
  await expect(page.getByTestId('drop-overlay')).toContainText(/Drop a \.ipynb file|a \.ipynb is imported as a new notebook/);
  await page.evaluate(
    ([name, text]) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], name, { type: 'application/x-ipynb+json' }));
      const target = document.elementFromPoint(innerWidth / 2, innerHeight / 2) ?? document.body;
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    [name, text] as const,
  );
}

async function expectRefused(page: Page, message: RegExp, countBefore: number): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Could not import' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('alert')).toHaveText(message);
  await expect(dialog).toContainText('No notebook was created.');
  await dialog.getByRole('button', { name: 'OK' }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/#\/$/);
  await page.reload();
  await expect(page.locator('.notebook-item')).toHaveCount(countBefore);
}

test('Import opens a Jupyter notebook from the file picker as a new notebook, with its cells and outputs', async ({ page }) => {
  const before = await openHome(page);
  await pickFile(page, corpus('all-outputs.v4.5.ipynb'));

  await expect(page).toHaveURL(/#\/n\/[a-z0-9]+$/);
  await expect(page.getByLabel('Notebook title')).toHaveValue('all-outputs.v4.5');
  const cells = page.locator('[data-cell-id]');
  await expect(cells).toHaveCount(13);
  await expect(cells.nth(0).locator('h1')).toHaveText('Every output type');
  await expect(cells.nth(1).locator('.outputs')).toContainText('hello, world');
  await expect(cells.nth(1).getByTestId('prompt')).toHaveText(/\[\d+\]/);
  await expect(cells.nth(7).locator('.outputs')).toContainText('ZeroDivisionError');
  await expect(cells.nth(12)).toHaveAttribute('data-cell-type', 'raw');

  await page.getByRole('link', { name: 'All notebooks' }).click();
  await expect(page.locator('.notebook-item')).toHaveCount(before + 1);
  await expect(page.locator('.notebook-item').filter({ hasText: 'all-outputs.v4.5' })).toHaveCount(1);
});

test('a notebook dropped anywhere on the home page is imported and opened', async ({ page }) => {
  await openHome(page);
  await dropFile(page, 'unicode.v4.4.ipynb', readFileSync(corpus('unicode.v4.4.ipynb'), 'utf8'));
  await expect(page.getByTestId('drop-overlay')).toBeHidden();
  await expect(page).toHaveURL(/#\/n\/[a-z0-9]+$/);
  await expect(page.getByLabel('Notebook title')).toHaveValue('unicode.v4.4');
  await expect(page.locator('[data-cell-id]').first()).toBeVisible();
});

test('a notebook dropped on an open notebook becomes a new notebook and leaves the open one as it was', async ({ page }) => {
  await page.goto('./');
  await expect(page.getByLabel('Notebook title')).toHaveValue('Untitled');
  const first = page.url();
  await expect(page.locator('[data-cell-id]')).toHaveCount(1);

  await dropFile(page, 'colab.ipynb', readFileSync(corpus('colab.ipynb'), 'utf8'));
  await expect(page).not.toHaveURL(first);
  await expect(page.getByLabel('Notebook title')).toHaveValue('colab');

  await page.goto(first);
  await expect(page.getByLabel('Notebook title')).toHaveValue('Untitled');
  await expect(page.locator('[data-cell-id]')).toHaveCount(1);
});

test('a notebook the importer had to repair opens with a note saying what changed', async ({ page }) => {
  await openHome(page);
  await pickFile(page, corpus('bad-ids.v4.5.ipynb'));
  await expect(page).toHaveURL(/#\/n\//);
  const notes = page.getByTestId('import-warnings');
  await expect(notes).toBeVisible();
  await expect(notes).toContainText('Imported “bad-ids.v4.5” with changes');
  await notes.getByRole('button', { name: 'Dismiss import notes' }).click();
  await expect(notes).toBeHidden();
});

test('a truncated file is refused as cut off, and no notebook is created', async ({ page }) => {
  const before = await openHome(page);
  await pickFile(page, corpus('bad/truncated.ipynb'));
  await expectRefused(page, /not a complete notebook: it ends too early, as if it was cut off/, before);
});

test('JSON that is not a notebook is refused by name, and no notebook is created', async ({ page }) => {
  const before = await openHome(page);
  await pickFile(page, { name: 'package.ipynb', mimeType: 'application/json', buffer: readFileSync(corpus('bad/not-a-notebook.json')) });
  await expectRefused(page, /This file is JSON but not a Jupyter notebook: it has no "nbformat" version\./, before);
});

test('a notebook from a newer nbformat is refused with the versions Anode reads', async ({ page }) => {
  const before = await openHome(page);
  await dropFile(page, 'future.ipynb', readFileSync(corpus('bad/future-version.ipynb'), 'utf8'));
  await expectRefused(page, /nbformat 5, newer than Anode reads/, before);
});

test('a file that is not a notebook at all (an image) is refused', async ({ page }) => {
  const before = await openHome(page);
  await pickFile(page, { name: 'plot.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]) });
  await expectRefused(page, /“plot\.png” is not a Jupyter notebook/, before);
});

test('a file over 100 MB is refused before it is read, and no notebook is created', async ({ page }) => {
  const before = await openHome(page);
  // 101 MB of one repeated 1 MB block: the browser only has to store it, never to read it.
  await page.evaluate(() => {
    const block = new Uint8Array(1024 * 1024).fill(32);
    const file = new File(Array.from({ length: 101 }, () => block), 'huge.ipynb');
    const dt = new DataTransfer();
    dt.items.add(file);
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  await expectRefused(page, /This file is 101\.0 MB; Anode opens notebooks up to 100\.0 MB/, before);
});

test('Import from URL fetches a notebook and opens it', async ({ page }) => {
  const body = readFileSync(corpus('attachments.v4.5.ipynb'));
  await page.route('https://notebooks.example/shared/attachments.ipynb', (route) =>
    route.fulfill({ status: 200, body, headers: { 'content-type': 'application/json', 'access-control-allow-origin': '*' } }),
  );
  await openHome(page);
  await page.getByRole('button', { name: 'Import from URL' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import from URL' });
  await dialog.getByLabel('Notebook URL').fill('https://notebooks.example/shared/attachments.ipynb');
  await dialog.getByRole('button', { name: 'Import from this URL' }).click();
  await expect(page).toHaveURL(/#\/n\//);
  await expect(page.getByLabel('Notebook title')).toHaveValue('attachments');
  await expect(page.locator('[data-cell-id]').first().locator('h2')).toHaveText('Diagram');
  await expect(page.locator('[data-cell-id]').first().locator('img').first()).toBeVisible();
});

test('a URL that cannot be read (offline, or the site forbids cross-site reads) is explained, and nothing is created', async ({ page }) => {
  // What a page sees of a CORS refusal is exactly this: a fetch that fails with no response to read.
  await page.route('https://no-cors.example/nb.ipynb', (route) => route.abort('accessdenied'));
  const before = await openHome(page);
  await page.getByRole('button', { name: 'Import from URL' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import from URL' });
  await dialog.getByLabel('Notebook URL').fill('https://no-cors.example/nb.ipynb');
  await dialog.getByLabel('Notebook URL').press('Enter');
  await expectRefused(page, /does not allow other web pages to read its files \(CORS\)/, before);
});

test('a URL answering 404 says there is no notebook there', async ({ page }) => {
  await page.route('https://notebooks.example/missing.ipynb', (route) =>
    route.fulfill({ status: 404, body: 'not found', headers: { 'access-control-allow-origin': '*' } }),
  );
  const before = await openHome(page);
  await page.getByRole('button', { name: 'Import from URL' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import from URL' });
  await dialog.getByLabel('Notebook URL').fill('notebooks.example/missing.ipynb');
  await dialog.getByRole('button', { name: 'Import from this URL' }).click();
  await expectRefused(page, /answered 404.*no notebook to import at that address/, before);
});
