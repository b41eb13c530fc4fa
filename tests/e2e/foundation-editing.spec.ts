/**
 * Foundation, editing a cell in CodeMirror: Python highlighting, auto-indent, bracket closing and matching,
 * undo/redo scoped to the user's own typing, and find.
 */
import { expect, test } from './fixtures';
import { cell, cells, commandMode, editor, expectCellText, openNewNotebook, setCellText, typeInCell, waitForEditor } from './helpers/app';

test('Python is highlighted: keywords, strings and comments get their own token classes', async ({ page }) => {
  await openNewNotebook(page);
  await setCellText(page, 0, 'def greet(name):\n    return "hi " + name  # say hi');
  const line = cell(page, 0).locator('.cm-line');
  const keyword = line.locator('span', { hasText: /^def$/ });
  const str = line.locator('span', { hasText: /^"hi "$/ });
  const comment = line.locator('span', { hasText: /^# say hi$/ });
  await expect(keyword).toHaveCount(1);
  await expect(str).toHaveCount(1);
  await expect(comment).toHaveCount(1);
  const classes = await Promise.all([keyword, str, comment].map((l) => l.getAttribute('class')));
  for (const c of classes) expect(c).toMatch(/\S/);
  expect(new Set(classes).size).toBe(3);
  // The colours really differ (a user sees highlighting, not just markup).
  const colours = await Promise.all([keyword, str, comment].map((l) => l.evaluate((el) => getComputedStyle(el).color)));
  expect(new Set(colours).size).toBe(3);
});

test('auto-indent after "def f():" + Enter, and brackets close and match', async ({ page }) => {
  await openNewNotebook(page);
  await typeInCell(page, 0, 'def f():');
  await page.keyboard.press('Enter');
  await page.keyboard.type('return 1');
  await expectCellText(page, 0, 'def f():\n    return 1');

  // Brackets: an opening bracket brings its closing one; typing the closer steps over it.
  await setCellText(page, 0, '');
  await page.keyboard.type('print(');
  await expectCellText(page, 0, 'print()');
  await page.keyboard.type('[1, 2');
  await expectCellText(page, 0, 'print([1, 2])');
  await page.keyboard.type('])');
  await expectCellText(page, 0, 'print([1, 2])');
  // The cursor sits after ")": it and its "(" are highlighted as a matching pair.
  await expect(cell(page, 0).locator('.cm-matchingBracket')).toHaveCount(2);
  await expect(cell(page, 0).locator('.cm-matchingBracket').first()).toHaveText('(');
});

test('Ctrl+Z undoes the user’s own typing only; Ctrl+Shift+Z and Ctrl+Y redo', async ({ page }) => {
  await openNewNotebook(page);
  await typeInCell(page, 0, 'loaded = 1');
  await expectCellText(page, 0, 'loaded = 1');
  // Text that was already there when the page opened is not this session's typing: undo must not remove it.
  await page.reload();
  await waitForEditor(page);
  await expectCellText(page, 0, 'loaded = 1');
  // Inserted at once: typed key by key while the kernel boots after the reload, a pause over the undo manager's
  // 500 ms grouping window (seen under load) splits the typing into two undo steps, as it would for a user.
  await editor(page, 0).click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.insertText('\nmine = 2');
  await expectCellText(page, 0, 'loaded = 1\nmine = 2');
  await page.keyboard.press('ControlOrMeta+z');
  await expectCellText(page, 0, 'loaded = 1');
  // More undos have nothing of ours left to revert. (Shift+Z: what a real keyboard sends with Shift held.)
  await page.keyboard.press('ControlOrMeta+z');
  await page.keyboard.press('ControlOrMeta+z');
  await expectCellText(page, 0, 'loaded = 1');
  await page.keyboard.press('ControlOrMeta+Shift+Z');
  await expectCellText(page, 0, 'loaded = 1\nmine = 2');
  await page.keyboard.press('ControlOrMeta+z');
  await expectCellText(page, 0, 'loaded = 1');
  await page.keyboard.press('ControlOrMeta+y');
  await expectCellText(page, 0, 'loaded = 1\nmine = 2');

  // Undo is per cell: undoing in the second cell leaves the first alone.
  await page.getByRole('button', { name: 'Add cell at end' }).click();
  await expect(cells(page)).toHaveCount(2);
  // Inserted at once, for the same reason as above.
  await editor(page, 1).click();
  await page.keyboard.insertText('other = 3');
  await expectCellText(page, 1, 'other = 3');
  await page.keyboard.press('ControlOrMeta+z');
  await expectCellText(page, 1, '');
  await expectCellText(page, 0, 'loaded = 1\nmine = 2');
});

test('Ctrl+F in a cell opens the search panel and finds matches', async ({ page }) => {
  await openNewNotebook(page);
  await setCellText(page, 0, 'total = 0\nfor x in range(3):\n    total += x\nprint(total)');
  await page.keyboard.press('ControlOrMeta+f');
  const panel = cell(page, 0).locator('.cm-search');
  await expect(panel).toBeVisible();
  const field = panel.getByRole('textbox').first();
  await expect(field).toBeFocused();
  await page.keyboard.type('total');
  await expect(cell(page, 0).locator('.cm-searchMatch')).toHaveCount(3);
  // Escape closes the panel and returns to the text, still in edit mode.
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await expect(editor(page, 0)).toBeFocused();
  await commandMode(page);
});
