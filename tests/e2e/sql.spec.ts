/**
 * SQL cells as a user meets them: a query over a Python table whose result comes back into Python, over uploaded
 * CSV and Parquet files and a local URL, `{var}` parameters, an error pointing at its line and column, Stop, and the
 * result variable's name surviving an .ipynb export and import.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type Page } from './fixtures';
import { BOOT_TIMEOUT, cell, kernelStatus, openNotebook, outputs, runAndSee, setSource } from './kernel-helpers';

/** Adds a SQL cell below the selected one with the toolbar button, types `query` and runs it. */
async function addSql(page: Page, index: number, query: string): Promise<void> {
  await page.getByRole('button', { name: 'Add SQL cell' }).click();
  await expect(cell(page, index)).toHaveAttribute('data-cell-type', 'sql');
  await runSql(page, index, query);
}

async function runSql(page: Page, index: number, query: string): Promise<void> {
  await setSource(page, query, index);
  await page.keyboard.press('Control+Enter');
}

/** The result table of the SQL cell at `index` (in its sandboxed output frame). */
function resultFrame(page: Page, index: number) {
  return cell(page, index).frameLocator('iframe.anode-html-frame');
}

async function expectResult(page: Page, index: number, text: string | RegExp): Promise<void> {
  await expect(resultFrame(page, index).locator('body')).toContainText(text, { timeout: BOOT_TIMEOUT });
}

test('a SQL cell queries a Python dict of columns, and its result is a Python variable named in the cell toolbar', async ({ page }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  await openNotebook(page);
  await runAndSee(page, 'sales = {"region": ["north", "south", "north"], "amount": [10, 20, 5]}\nprint("ok")', 'ok');
  await addSql(page, 1, 'SELECT region, SUM(amount) AS total\nFROM sales\nGROUP BY region\nORDER BY region');
  await expectResult(page, 1, '2 rows × 2 columns');
  await expectResult(page, 1, 'in _sql (SqlTable)');
  await expect(resultFrame(page, 1).locator('table.sql tbody tr').first()).toContainText('north15');

  await page.getByLabel('Result variable').fill('totals');
  await page.getByLabel('Result variable').press('Enter');
  await cell(page, 1).getByRole('button', { name: 'Run cell' }).click();
  await expectResult(page, 1, 'in totals (SqlTable)');

  await page.getByRole('button', { name: 'Add code cell' }).click();
  await runAndSee(page, 'print(totals["total"], len(_sql), totals[1]["region"])', '[15, 20] 2 south', 2);
});
