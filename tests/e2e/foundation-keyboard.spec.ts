/**
 * Foundation, Jupyter's keyboard model as Jupyter users know it (JupyterLab's behaviour is the reference):
 * Enter/Esc switch modes; Shift+Enter runs and selects the next cell (adding one at the end, in edit mode);
 * Ctrl+Enter runs in place; Alt+Enter runs and inserts below; A/B, D,D, Z, M/Y/R, Up/Down J/K, Ctrl+Shift+Up/Down,
 * H. Every action also has a visible button with an accessible name.
 */
import { expect, test, type Page } from './fixtures';
import {
  KERNEL_TIMEOUT,
  cell,
  cells,
  commandMode,
  editor,
  expectCellText,
  openNewNotebook,
  setCellText,
  typeInCell,
} from './helpers/app';

/** Every cell's source, in order. */
async function texts(page: Page): Promise<string[]> {
  return cells(page).evaluateAll((els) =>
    els.map((el) => Array.from(el.querySelectorAll('.cm-line')).map((l) => l.textContent ?? '').join('\n')),
  );
}

async function expectTexts(page: Page, expected: string[]): Promise<void> {
  await expect.poll(() => texts(page)).toEqual(expected);
}

/** The notebook is in command mode with the cell at `index` selected and focused. */
async function expectCommandModeOn(page: Page, index: number): Promise<void> {
  await expect(page.locator('.cell.editing')).toHaveCount(0);
  await expect(page.locator('.cell.selected')).toHaveCount(1);
  await expect(cell(page, index)).toHaveClass(/\bselected\b/);
  await expect(cell(page, index)).toBeFocused();
}

/** The notebook is in edit mode in the cell at `index`: its editor has the keyboard. */
async function expectEditModeIn(page: Page, index: number): Promise<void> {
  await expect(cell(page, index)).toHaveClass(/\bediting\b/);
  await expect(page.locator('.cell.editing')).toHaveCount(1);
  await expect(editor(page, index)).toBeFocused();
}

/** A notebook with one cell per text, left in command mode on the first cell. */
async function notebookWith(page: Page, sources: string[]): Promise<void> {
  await openNewNotebook(page);
  await setCellText(page, 0, sources[0] ?? '');
  for (let i = 1; i < sources.length; i++) {
    await page.getByRole('button', { name: 'Add cell at end' }).click();
    await expect(cells(page)).toHaveCount(i + 1);
    await setCellText(page, i, sources[i]!);
  }
  await expectTexts(page, sources);
  await commandMode(page);
  await cell(page, 0).locator('.cell-gutter').click({ position: { x: 3, y: 3 } });
  await expectCommandModeOn(page, 0);
}

/** A cell that was asked to run shows it: queued, running or finished. */
async function expectRunRequested(page: Page, index: number): Promise<void> {
  await expect(cell(page, index)).not.toHaveAttribute('data-run-state', 'none');
}

test('Enter and Esc switch between edit and command mode', async ({ page }) => {
  await openNewNotebook(page);
  await expectEditModeIn(page, 0);
  await page.keyboard.type('x = 1');
  await page.keyboard.press('Escape');
  await expectCommandModeOn(page, 0);
  // In command mode letters are commands, not text: "x" typed here does not reach the cell.
  await page.keyboard.press('Enter');
  await expectEditModeIn(page, 0);
  await page.keyboard.type('0');
  await expectCellText(page, 0, 'x = 10');
  await page.keyboard.press('Escape');
  await expectCommandModeOn(page, 0);
});

test('Shift+Enter runs and selects the next cell; at the end it adds a cell in edit mode', async ({ page }) => {
  await openNewNotebook(page);
  await page.keyboard.type('6 * 7');
  await page.keyboard.press('Shift+Enter');
  // At the end: a new empty code cell, in edit mode.
  await expect(cells(page)).toHaveCount(2);
  await expectEditModeIn(page, 1);
  await expect(cell(page, 1)).toHaveAttribute('data-cell-type', 'code');
  await expectCellText(page, 1, '');
  await expectRunRequested(page, 0);
  await expect(cell(page, 0).locator('.outputs')).toContainText('42', { timeout: KERNEL_TIMEOUT });
  await expect(cell(page, 0).getByTestId('prompt')).toHaveText('[1]');

  // Not at the end: the next cell is selected in command mode, no cell added.
  await page.keyboard.type('1 + 1');
  await editor(page, 0).click();
  await page.keyboard.press('Shift+Enter');
  await expectCommandModeOn(page, 1);
  await expect(cells(page)).toHaveCount(2);
  await expect(cell(page, 0).getByTestId('prompt')).toHaveText('[2]', { timeout: KERNEL_TIMEOUT });
  // From command mode too.
  await page.keyboard.press('Shift+Enter');
  await expect(cells(page)).toHaveCount(3);
  await expectEditModeIn(page, 2);
  await expect(cell(page, 1).locator('.outputs')).toContainText('2', { timeout: KERNEL_TIMEOUT });
});

test('Ctrl+Enter runs in place; Alt+Enter runs and inserts a cell below', async ({ page }) => {
  await notebookWith(page, ['"first"', '"second"']);
  await page.keyboard.press('Enter');
  await expectEditModeIn(page, 0);
  await page.keyboard.press('Control+Enter');
  // Same cell, left in command mode, nothing added.
  await expectCommandModeOn(page, 0);
  await expect(cells(page)).toHaveCount(2);
  await expectRunRequested(page, 0);
  await expect(cell(page, 0).locator('.outputs')).toContainText("'first'", { timeout: KERNEL_TIMEOUT });
  // Ctrl+Enter from command mode runs it again, still in place.
  await page.keyboard.press('Control+Enter');
  await expect(cell(page, 0).getByTestId('prompt')).toHaveText('[2]', { timeout: KERNEL_TIMEOUT });
  await expectCommandModeOn(page, 0);

  // Alt+Enter: runs, then a new empty cell right below, in edit mode.
  await page.keyboard.press('Alt+Enter');
  await expect(cells(page)).toHaveCount(3);
  await expectEditModeIn(page, 1);
  await expectTexts(page, ['"first"', '', '"second"']);
  await expect(cell(page, 0).getByTestId('prompt')).toHaveText('[3]', { timeout: KERNEL_TIMEOUT });
  await page.keyboard.type('"typed"');
  await expectTexts(page, ['"first"', '"typed"', '"second"']);
});

test('A and B insert above and below; D,D deletes; Z brings the cell back', async ({ page }) => {
  await notebookWith(page, ['one', 'two']);
  await page.keyboard.press('b');
  await expect(cells(page)).toHaveCount(3);
  await expectCommandModeOn(page, 1);
  await expectTexts(page, ['one', '', 'two']);
  await page.keyboard.press('a');
  await expect(cells(page)).toHaveCount(4);
  await expectCommandModeOn(page, 1);
  await expectTexts(page, ['one', '', '', 'two']);

  // D,D deletes the selected cell; the one below takes the selection.
  await page.keyboard.press('k');
  await expectCommandModeOn(page, 0);
  await page.keyboard.press('d');
  await page.keyboard.press('d');
  await expect(cells(page)).toHaveCount(3);
  await expectTexts(page, ['', '', 'two']);
  await expectCommandModeOn(page, 0);
  // A single D does nothing.
  await page.keyboard.press('d');
  await page.keyboard.press('j');
  await expect(cells(page)).toHaveCount(3);
  // Z restores the deleted cell where it was, with its text.
  await page.keyboard.press('z');
  await expect(cells(page)).toHaveCount(4);
  await expectTexts(page, ['one', '', '', 'two']);
  await expectCommandModeOn(page, 0);
  // Deleting the last remaining cell leaves one empty cell, never an empty notebook.
  for (let n = 4; n > 0; n--) {
    await page.keyboard.press('d');
    await page.keyboard.press('d');
    if (n > 1) await expect(cells(page)).toHaveCount(n - 1);
  }
  await expect(cells(page)).toHaveCount(1);
  await expectTexts(page, ['']);
});

test('M, Y and R change the cell type to markdown, code and raw', async ({ page }) => {
  await notebookWith(page, ['# Title']);
  const select = cell(page, 0).getByLabel('Cell type');
  await page.keyboard.press('m');
  await expect(cell(page, 0)).toHaveAttribute('data-cell-type', 'markdown');
  await expect(select).toHaveValue('markdown');
  await page.keyboard.press('r');
  await expect(cell(page, 0)).toHaveAttribute('data-cell-type', 'raw');
  await expect(select).toHaveValue('raw');
  await page.keyboard.press('y');
  await expect(cell(page, 0)).toHaveAttribute('data-cell-type', 'code');
  await expect(select).toHaveValue('code');
  // The text is kept through the changes.
  await expectCellText(page, 0, '# Title');
});

test('Up/Down and J/K move the selection; arrows at the edge of an editor move to the next cell', async ({ page }) => {
  await notebookWith(page, ['a', 'b', 'c']);
  await page.keyboard.press('ArrowDown');
  await expectCommandModeOn(page, 1);
  await page.keyboard.press('j');
  await expectCommandModeOn(page, 2);
  await page.keyboard.press('j');
  await expectCommandModeOn(page, 2);
  await page.keyboard.press('ArrowUp');
  await expectCommandModeOn(page, 1);
  await page.keyboard.press('k');
  await expectCommandModeOn(page, 0);
  await page.keyboard.press('k');
  await expectCommandModeOn(page, 0);
  // In edit mode, Down on the last line goes on to the next cell's editor.
  await page.keyboard.press('Enter');
  await expectEditModeIn(page, 0);
  await page.keyboard.press('ArrowDown');
  await expectEditModeIn(page, 1);
  await page.keyboard.press('ArrowUp');
  await expectEditModeIn(page, 0);
});

test('Ctrl+Shift+Up/Down and the Move buttons move cells', async ({ page }) => {
  await notebookWith(page, ['one', 'two', 'three']);
  await page.keyboard.press('Control+Shift+ArrowDown');
  await expectTexts(page, ['two', 'one', 'three']);
  await expectCommandModeOn(page, 1);
  await page.keyboard.press('Control+Shift+ArrowDown');
  await expectTexts(page, ['two', 'three', 'one']);
  await expectCommandModeOn(page, 2);
  await page.keyboard.press('Control+Shift+ArrowUp');
  await expectTexts(page, ['two', 'one', 'three']);
  await expectCommandModeOn(page, 1);
  await page.keyboard.press('Control+Shift+ArrowUp');
  await expectTexts(page, ['one', 'two', 'three']);
  await expectCommandModeOn(page, 0);

  // A cell's buttons show on the selected cell and on the one under the pointer.
  await cell(page, 2).hover();
  await cell(page, 2).getByRole('button', { name: 'Move cell up' }).click();
  await expectTexts(page, ['one', 'three', 'two']);
  await cell(page, 0).hover();
  await cell(page, 0).getByRole('button', { name: 'Move cell down' }).click();
  await expectTexts(page, ['three', 'one', 'two']);
  // The order holds after a reload.
  await page.reload();
  await expect(cells(page)).toHaveCount(3, { timeout: 30_000 });
  await expectTexts(page, ['three', 'one', 'two']);
});

test('H shows every shortcut; Esc closes the dialog', async ({ page }) => {
  await notebookWith(page, ['']);
  await page.keyboard.press('h');
  const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(dialog).toBeVisible();
  for (const key of ['Shift+Enter', 'Ctrl/Cmd+Enter', 'Alt+Enter', 'A / B', 'D, D', 'Z', 'Y / M / R', 'Ctrl+Shift+↑ / ↓', 'H']) {
    await expect(dialog.locator('kbd', { hasText: key }).first()).toBeVisible();
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // The toolbar button opens it too.
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toHaveCount(0);
});

test('every action has a visible, named button; the buttons work', async ({ page }) => {
  await notebookWith(page, ['a = 20']);
  const toolbar = page.getByRole('toolbar', { name: 'Notebook actions' });
  for (const name of [
    'Add code cell',
    'Add markdown cell',
    'Run selected cell and advance',
    'Run all',
    'Run all above',
    'Run all below',
    'Interrupt kernel',
    'Restart kernel',
    'Clear all outputs',
    'Keyboard shortcuts',
  ]) {
    await expect(toolbar.getByRole('button', { name, exact: true })).toBeVisible();
  }
  const actions = cell(page, 0).getByRole('toolbar', { name: 'Cell actions' });
  for (const name of ['Move cell up', 'Move cell down', 'Insert cell above', 'Insert cell below', 'Delete cell']) {
    await expect(actions.getByRole('button', { name, exact: true })).toBeVisible();
  }
  await expect(actions.getByRole('combobox', { name: 'Cell type' })).toBeVisible();
  await expect(cell(page, 0).getByRole('button', { name: 'Run cell' })).toBeVisible();

  // Insert cell below, then type into the new cell.
  await actions.getByRole('button', { name: 'Insert cell below' }).click();
  await expect(cells(page)).toHaveCount(2);
  await expectEditModeIn(page, 1);
  await page.keyboard.type('a * 2 + 2');
  // Insert above the second, then delete it with its button.
  await cell(page, 1).getByRole('button', { name: 'Insert cell above' }).click();
  await expect(cells(page)).toHaveCount(3);
  await expectTexts(page, ['a = 20', '', 'a * 2 + 2']);
  await cell(page, 1).getByRole('button', { name: 'Delete cell' }).click();
  await expectTexts(page, ['a = 20', 'a * 2 + 2']);
  // Move cell up, then back down.
  await cell(page, 1).getByRole('button', { name: 'Move cell up' }).click();
  await expectTexts(page, ['a * 2 + 2', 'a = 20']);
  await cell(page, 0).getByRole('button', { name: 'Move cell down' }).click();
  await expectTexts(page, ['a = 20', 'a * 2 + 2']);
  // Run all runs every cell in order.
  await toolbar.getByRole('button', { name: 'Run all', exact: true }).click();
  await expect(cell(page, 1).locator('.outputs')).toContainText('42', { timeout: KERNEL_TIMEOUT });
  await expect(cell(page, 0).getByTestId('prompt')).toHaveText('[1]');
  await expect(cell(page, 1).getByTestId('prompt')).toHaveText('[2]');
  // Clear all outputs.
  await toolbar.getByRole('button', { name: 'Clear all outputs' }).click();
  await expect(cell(page, 1).locator('.outputs')).toHaveCount(0);
  // Add code / markdown cells from the toolbar.
  await toolbar.getByRole('button', { name: 'Add markdown cell' }).click();
  await expect(cells(page)).toHaveCount(3);
  await expect(page.locator('.cell.selected')).toHaveAttribute('data-cell-type', 'markdown');
  // Run cell (the gutter button) runs that one cell.
  await setCellText(page, 0, 'a = 1');
  await cell(page, 0).getByRole('button', { name: 'Run cell' }).click();
  await expect(cell(page, 0).getByTestId('prompt')).toHaveText('[3]', { timeout: KERNEL_TIMEOUT });
});
