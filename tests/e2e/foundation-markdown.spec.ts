/**
 * Foundation, markdown and the other cell types: markdown renders when run (heading, list, table, code, link,
 * image, math) and is sanitized; double-click or Enter edits it again. Cell types code, markdown, raw, ai, sql from
 * the "Cell type" select, and what running ai and sql cells says today.
 */
import { expect, test, type Page } from './fixtures';
import { cell, cells, editor, expectCellText, openNewNotebook, setCellText } from './helpers/app';

const PIXEL =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const RICH = [
  '# Results',
  '',
  'Some *emphasis* and `inline code`.',
  '',
  '- first item',
  '- second item',
  '',
  '| name | value |',
  '|------|-------|',
  '| pi   | 3.14  |',
  '',
  '```python',
  'print("fenced")',
  '```',
  '',
  '[Anode docs](https://example.com/docs)',
  '',
  `![a pixel](${PIXEL})`,
  '',
  'Inline $a^2 + b^2$ and display:',
  '',
  '$$\\int_0^1 x\\,dx = \\frac{1}{2}$$',
].join('\n');

/** Makes the first cell a markdown cell holding `source`, then runs it with Shift+Enter from edit mode. */
async function renderMarkdownCell(page: Page, source: string): Promise<void> {
  await openNewNotebook(page);
  await cell(page, 0).getByLabel('Cell type').selectOption('markdown');
  await expect(cell(page, 0)).toHaveAttribute('data-cell-type', 'markdown');
  await setCellText(page, 0, source);
  await page.keyboard.press('Shift+Enter');
  await expect(cell(page, 0).getByTestId('markdown-rendered')).toBeVisible();
}

test('markdown renders when run: heading, list, table, code, link, image, math', async ({ page }) => {
  await renderMarkdownCell(page, RICH);
  const md = cell(page, 0).getByTestId('markdown-rendered');
  // The source editor is out of the way; the rendered text is what shows.
  await expect(editor(page, 0)).toBeHidden();
  await expect(md.getByRole('heading', { level: 1, name: 'Results' })).toBeVisible();
  await expect(md.locator('em')).toHaveText('emphasis');
  await expect(md.locator('p code')).toHaveText('inline code');
  await expect(md.getByRole('listitem')).toHaveText(['first item', 'second item']);
  await expect(md.getByRole('table')).toBeVisible();
  await expect(md.getByRole('columnheader')).toHaveText(['name', 'value']);
  await expect(md.getByRole('cell')).toHaveText(['pi', '3.14']);
  await expect(md.locator('pre code')).toHaveText('print("fenced")');
  const link = md.getByRole('link', { name: 'Anode docs' });
  await expect(link).toHaveAttribute('href', 'https://example.com/docs');
  const img = md.getByRole('img', { name: 'a pixel' });
  await expect(img).toBeVisible();
  expect(await img.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(1);
  // Math is typeset (KaTeX as MathML), not left as "$...$" source.
  await expect(md.locator('math')).toHaveCount(2);
  await expect(md.locator('math[display="block"]')).toHaveCount(1);
  await expect(md.locator('math').first().locator('msup')).toHaveCount(2);
  await expect(md).not.toContainText('$a^2');
  await expect(md.locator('math[display="block"] mfrac')).toHaveCount(1);
  // Shift+Enter moved on to a new cell below, as for code.
  await expect(cells(page)).toHaveCount(2);
});

test('markdown is sanitized: script, event handlers and javascript: links do not run', async ({ page }) => {
  await renderMarkdownCell(
    page,
    [
      '# Careful',
      '',
      '<script>window.__pwned = "script"</script>',
      '',
      '<img src="x" onerror="window.__pwned = \'img\'">',
      '',
      '<svg onload="window.__pwned = \'svg\'"></svg>',
      '',
      '[click me](javascript:window.__pwned=\'link\')',
      '',
      '![bad](x" onerror="window.__pwned=\'attr\')',
    ].join('\n'),
  );
  const md = cell(page, 0).getByTestId('markdown-rendered');
  await expect(md.getByRole('heading', { name: 'Careful' })).toBeVisible();
  // The raw HTML is kept without what could run: no script, no handler attributes.
  await expect(md.locator('img')).toHaveCount(1);
  await expect(md.locator('script, [onload], [onerror]')).toHaveCount(0);
  // The javascript: link is not a link; clicking its text does nothing.
  await expect(md.locator('a[href^="javascript"]')).toHaveCount(0);
  await md.getByText('click me').click();
  // Give any handler a chance: a broken image fails to load within a few frames; then nothing has run.
  await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
  expect(await page.evaluate(() => (window as unknown as { __pwned?: string }).__pwned ?? null)).toBeNull();
});

test('raw HTML in markdown renders as in Jupyter, inside its cell: no forms, links open in a new tab', async ({ page }) => {
  await renderMarkdownCell(
    page,
    [
      'Line one<br>line two, <b>bold</b> and <span style="color: rgb(200, 0, 0)">red</span>.',
      '',
      '<details><summary>More</summary><p>Hidden text</p></details>',
      '',
      '<form action="https://example.org/steal"><input name="key" placeholder="API key"><button>Save</button></form>',
      '',
      '<a href="https://example.org/docs">docs</a> and [more](https://example.org/more)',
    ].join('\n'),
  );
  const md = cell(page, 0).getByTestId('markdown-rendered');
  await expect(md.locator('br')).toHaveCount(1);
  await expect(md.locator('b')).toHaveText('bold');
  await expect(md.locator('span', { hasText: 'red' })).toHaveCSS('color', 'rgb(200, 0, 0)');
  await expect(md.getByText('Hidden text')).toBeHidden();
  await md.locator('summary').click();
  await expect(md.getByText('Hidden text')).toBeVisible();
  // No form or input a peer could use to ask for secrets; its text alone stays.
  await expect(md.locator('form, input, button')).toHaveCount(0);
  for (const name of ['docs', 'more']) {
    const link = md.getByRole('link', { name });
    await expect(link).toHaveAttribute('target', '_blank');
    await expect(link).toHaveAttribute('rel', /noopener/);
  }
});

test('a fixed-position element in markdown is drawn inside its cell, never over the app', async ({ page }) => {
  await renderMarkdownCell(
    page,
    'Before\n\n<div style="position: fixed; inset: 0; z-index: 9999; background: rgb(0, 0, 255)" data-testid="overlay">covers?</div>',
  );
  const md = cell(page, 0).getByTestId('markdown-rendered');
  const overlay = (await md.getByTestId('overlay').boundingBox())!;
  const box = (await md.boundingBox())!;
  expect(overlay.y).toBeGreaterThanOrEqual(box.y - 1);
  expect(overlay.y + overlay.height).toBeLessThanOrEqual(box.y + box.height + 1);
  // The app's toolbar, above the cell, is what a click there reaches.
  await page.getByRole('button', { name: 'Add code cell' }).click();
  await expect(cells(page)).toHaveCount(3);
});

test('a rendered markdown cell edits again on double-click or Enter', async ({ page }) => {
  await renderMarkdownCell(page, '## Notes\n\nfirst draft');
  const md = cell(page, 0).getByTestId('markdown-rendered');
  await expect(md.getByRole('heading', { name: 'Notes' })).toBeVisible();

  // Double-click: the source editor comes back, focused, with the text as written.
  await md.dblclick();
  await expect(editor(page, 0)).toBeVisible();
  await expect(editor(page, 0)).toBeFocused();
  await expect(md).toHaveCount(0);
  await expectCellText(page, 0, '## Notes\n\nfirst draft');
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(', revised');
  // Ctrl+Enter renders in place.
  await page.keyboard.press('Control+Enter');
  await expect(md).toContainText('first draft, revised');
  await expect(editor(page, 0)).toBeHidden();

  // Enter in command mode edits it again; Esc leaves the editor; running renders it once more.
  await expect(page.locator('.cell.editing')).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(editor(page, 0)).toBeFocused();
  await page.keyboard.type('!');
  await page.keyboard.press('Control+Enter');
  await expect(md).toContainText('first draft, revised!');
});

test('the "Cell type" select offers code, markdown, raw, ai and sql', async ({ page }) => {
  await openNewNotebook(page);
  const select = cell(page, 0).getByRole('combobox', { name: 'Cell type' });
  await expect(select.locator('option')).toHaveText(['code', 'markdown', 'raw', 'ai', 'sql']);
  for (const type of ['markdown', 'raw', 'ai', 'sql', 'code']) {
    await select.selectOption(type);
    await expect(cell(page, 0)).toHaveAttribute('data-cell-type', type);
    await expect(select).toHaveValue(type);
  }
  // The type is part of the notebook: it survives a reload.
  await select.selectOption('raw');
  await setCellText(page, 0, 'kept as typed');
  await page.reload();
  await expect(cell(page, 0)).toHaveAttribute('data-cell-type', 'raw', { timeout: 30_000 });
  await expectCellText(page, 0, 'kept as typed');
});

test('running raw does nothing; running ai without an API key says where to add one (SQL cells run: sql.spec)', async ({ page }) => {
  await openNewNotebook(page);
  // Raw: Ctrl+Enter neither runs nor changes the text.
  await cell(page, 0).getByLabel('Cell type').selectOption('raw');
  await setCellText(page, 0, 'just text');
  await page.keyboard.press('Control+Enter');
  await expect(cell(page, 0)).toHaveAttribute('data-run-state', 'none');
  await expect(cell(page, 0).locator('.outputs')).toHaveCount(0);

  // AI with no API key: says where to add one.
  await page.getByRole('button', { name: 'Add cell at end' }).click();
  await cell(page, 1).getByLabel('Cell type').selectOption('ai');
  await setCellText(page, 1, 'What is 2 + 2?');
  await page.keyboard.press('Control+Enter');
  await expect(cell(page, 1)).toContainText(/No API key\. Add your Anthropic API key in Settings/);
});
