/**
 * Markdown attachments, as users see them: an image pasted (Ctrl+V) or dropped into a markdown cell shows in the
 * rendered cell, is in the exported .ipynb as the cell's attachment, comes back on import, and reaches a peer.
 *
 * The clipboard and the OS drag are driven from the page (a ClipboardEvent or DragEvent carrying a DataTransfer
 * with a real PNG File drawn on a canvas), which is what Chromium hands the editor for a real paste or drop.
 */
import { expect, test, type BrowserContext, type Locator, type Page } from './fixtures';
import { UI_TIMEOUT, cell, cellText, editor, expectCellText, exportIpynb, openNewNotebook, openPerson, setCellText, shareOpenNotebook } from './helpers/app';

/** Makes the first cell a markdown cell in edit mode holding `text`, the cursor at its end. */
async function markdownCell(page: Page, text: string): Promise<void> {
  await openNewNotebook(page);
  await cell(page, 0).getByLabel('Cell type').selectOption('markdown');
  await expect(cell(page, 0)).toHaveAttribute('data-cell-type', 'markdown');
  await setCellText(page, 0, text);
}

/**
 * Pastes (or drops, at the end of the editor's last line) a PNG of `width`×`height` named `name` into the editor
 * of the cell at `index`; returns the PNG's base64, as the file holds it.
 */
async function sendImage(
  page: Page,
  how: 'paste' | 'drop',
  opts: { name?: string; width?: number; height?: number; index?: number; noise?: boolean } = {},
): Promise<string> {
  const target = editor(page, opts.index ?? 0);
  return target.evaluate(
    async (el, { how, name, width, height, noise }) => {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#e11d48';
      g.fillRect(0, 0, width, height);
      if (noise) {
        // Random pixels do not compress: a large PNG, like a photo or a busy screenshot.
        const img = g.createImageData(width, height);
        for (let i = 0; i < img.data.length; i++) img.data[i] = (Math.random() * 256) | 0;
        g.putImageData(img, 0, 0);
      }
      const blob = await new Promise<Blob>((resolve) => canvas.toBlob((b) => resolve(b!), 'image/png'));
      const file = new File([blob], name, { type: 'image/png' });
      const dt = new DataTransfer();
      dt.items.add(file);
      if (how === 'paste') {
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      } else {
        const line = el.querySelector('.cm-line:last-child')!.getBoundingClientRect();
        const at = { clientX: line.right - 2, clientY: line.top + line.height / 2 };
        const drop = el.querySelector('.cm-line:last-child')!;
        for (const type of ['dragenter', 'dragover', 'drop']) {
          drop.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true, ...at }));
        }
      }
      const url = await new Promise<string>((resolve) => {
        const reader = new FileReader();
        reader.onload = () => resolve(String(reader.result));
        reader.readAsDataURL(blob);
      });
      return url.slice(url.indexOf(',') + 1);
    },
    { how, name: opts.name ?? 'image.png', width: opts.width ?? 24, height: opts.height ?? 12, noise: opts.noise ?? false },
  );
}

/** The images of the rendered markdown cell, once each has loaded: their natural widths. */
async function renderedImageWidths(md: Locator): Promise<number[]> {
  return md.locator('img').evaluateAll((imgs) =>
    Promise.all(
      (imgs as HTMLImageElement[]).map((img) => (img.complete ? img.naturalWidth : new Promise<number>((r) => (img.onload = img.onerror = () => r(img.naturalWidth))))),
    ),
  );
}

test('an image pasted into a markdown cell shows when rendered, exports as its attachment and imports back', async ({ page }) => {
  await markdownCell(page, 'Look:\n');
  const png = await sendImage(page, 'paste', { width: 24, height: 12 });
  await expectCellText(page, 0, 'Look:\n![](attachment:image.png)');

  await page.keyboard.press('Shift+Enter');
  const md = cell(page, 0).getByTestId('markdown-rendered');
  await expect(md).toBeVisible();
  await expect.poll(() => renderedImageWidths(md), { timeout: UI_TIMEOUT }).toEqual([24]);

  // A second paste of an image with the same name does not replace the first.
  await md.dblclick();
  await editor(page, 0).click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('Enter');
  await sendImage(page, 'paste', { width: 8, height: 8 });
  await expectCellText(page, 0, 'Look:\n![](attachment:image.png)\n![](attachment:image-1.png)');
  await page.keyboard.press('Shift+Enter');
  await expect.poll(() => renderedImageWidths(md), { timeout: UI_TIMEOUT }).toEqual([24, 8]);

  const file = await exportIpynb(page);
  const nb = JSON.parse(file.text);
  const first = nb.cells[0];
  expect(first.cell_type).toBe('markdown');
  expect(first.source).toEqual(['Look:\n', '![](attachment:image.png)\n', '![](attachment:image-1.png)']);
  expect(Object.keys(first.attachments)).toEqual(['image-1.png', 'image.png']);
  expect(first.attachments['image.png']).toEqual({ 'image/png': png });
  expect(first.metadata).toEqual({});

  // Import the downloaded file: a new notebook that shows both images and exports the same attachments.
  await page.goto('./#/');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: 'pasted.ipynb', mimeType: 'application/x-ipynb+json', buffer: Buffer.from(file.text) });
  await expect(page.getByLabel('Notebook title')).toHaveValue('pasted');
  const again = cell(page, 0).getByTestId('markdown-rendered');
  await expect.poll(() => renderedImageWidths(again), { timeout: UI_TIMEOUT }).toEqual([24, 8]);
  const back = JSON.parse((await exportIpynb(page)).text);
  expect(back.cells[0].attachments).toEqual(first.attachments);
});

test('an image dropped onto a markdown editor is attached where it was dropped, not imported', async ({ page }) => {
  await markdownCell(page, 'Before ');
  const before = page.url();
  await sendImage(page, 'drop', { name: 'My chart (final).png', width: 30, height: 20 });
  await expectCellText(page, 0, 'Before ![](attachment:My-chart-final.png)');
  await expect(page.getByTestId('drop-overlay')).toHaveCount(0);
  expect(page.url()).toBe(before);
  await page.keyboard.press('Shift+Enter');
  await expect.poll(() => renderedImageWidths(cell(page, 0).getByTestId('markdown-rendered')), { timeout: UI_TIMEOUT }).toEqual([30]);
});

test('a notebook file dropped onto a markdown editor is still imported as a new notebook', async ({ page }) => {
  await markdownCell(page, 'Stays as it is');
  const before = page.url();
  const text = JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ id: 'a', cell_type: 'markdown', metadata: {}, source: '# Dropped' }] });
  await editor(page, 0).evaluate((el, text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped.ipynb', { type: 'application/x-ipynb+json' }));
    const line = el.querySelector('.cm-line')!;
    for (const type of ['dragenter', 'dragover', 'drop']) line.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, text);
  await expect(page.getByLabel('Notebook title')).toHaveValue('dropped');
  expect(page.url()).not.toBe(before);
  await page.goto(before);
  await expect(cell(page, 0).getByTestId('markdown-rendered')).toHaveText('Stays as it is', { timeout: UI_TIMEOUT });
});

test('an image over 5 MB is refused with a message and nothing is inserted', async ({ page }) => {
  await markdownCell(page, 'Big: ');
  await editor(page, 0).evaluate((el) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(6_000_000)], 'huge.png', { type: 'image/png' }));
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
  });
  await expect(page.getByTestId('notice')).toContainText(/huge\.png was not attached\. This image is 6\.0 MB; a cell attachment can be at most 5\.0 MB/);
  expect(await cellText(page, 0)).toBe('Big: ');
});

test('a link to an attachment the cell does not have shows a placeholder naming it', async ({ page }) => {
  await markdownCell(page, 'See ![](attachment:gone.png)');
  await page.keyboard.press('Shift+Enter');
  const missing = cell(page, 0).getByRole('img', { name: 'Missing attachment: gone.png' });
  await expect(missing).toBeVisible();
  await expect(missing).toHaveText('Missing attachment: gone.png');
});

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});


test('images Ada pastes into a shared notebook show in Bob’s browser, large ones too', async ({ browser }) => {
  test.setTimeout(180_000); // two browsers and megabytes of images on 2 shared cores
  const ada = await openPerson(browser, contexts, 'Ada', '#0891b2');
  const bob = await openPerson(browser, contexts, 'Bob', '#0891b2');
  await markdownCell(ada, 'From Ada: ');
  // Several times one WebRTC message (256 KiB in Chromium): Bob's first sync has to carry it.
  const big = await sendImage(ada, 'paste', { width: 400, height: 400, noise: true });
  expect(big.length).toBeGreaterThan(600_000);
  await expectCellText(ada, 0, 'From Ada: ![](attachment:image.png)');
  const link = await shareOpenNotebook(ada);
  await bob.goto(link);
  // Bob's cell is not being edited by him, so it shows rendered once the text and the image arrive.
  const md = cell(bob, 0).getByTestId('markdown-rendered');
  await expect.poll(() => renderedImageWidths(md), { timeout: UI_TIMEOUT }).toEqual([400]);

  // And one pasted while both are in the room arrives as an update.
  await editor(ada, 0).click();
  await ada.keyboard.press('ControlOrMeta+End');
  await sendImage(ada, 'paste', { width: 300, height: 300, noise: true });
  await expectCellText(ada, 0, 'From Ada: ![](attachment:image.png)![](attachment:image-1.png)');
  await expect.poll(() => renderedImageWidths(md), { timeout: UI_TIMEOUT }).toEqual([400, 300]);
});
