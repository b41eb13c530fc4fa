/**
 * SQL cells as a user meets them: a query over a Python table whose result comes back into Python, over an uploaded
 * CSV file and a local URL, over uploaded Parquet and JSON files without DuckDB's extensions (this machine cannot
 * download them: Anode decodes those files itself), `{var}` parameters, an error pointing at its line and column, Stop, and the
 * result variable's name surviving an .ipynb export and import, and a peer's SQL cell run by the room's executor.
 */
import { startDataServer, type DataServer } from '../fixtures/data-server.mjs';
import { salesParquet, salesTotals } from '../fixtures/parquet';
import { test, expect, type BrowserContext, type Page } from './fixtures';
import { exportIpynb, openPerson, shareOpenNotebook } from './helpers/app';
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
  // One click away, a quick chart of the numbers: a bar per region, the taller for the larger total.
  await resultFrame(page, 1).getByRole('button', { name: 'Chart' }).click();
  await expect(resultFrame(page, 1).getByRole('img', { name: 'Chart: total by region' })).toBeVisible();
  await expect(resultFrame(page, 1).locator('table.sql')).toBeHidden();
  const heights = await resultFrame(page, 1).locator('svg.sql-chart rect').evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().height));
  expect(heights).toHaveLength(2);
  expect(heights[0]! / heights[1]!).toBeCloseTo(15 / 20, 1);
  await resultFrame(page, 1).getByRole('button', { name: 'Table' }).click();
  await expect(resultFrame(page, 1).locator('table.sql')).toBeVisible();

  await page.getByLabel('Result variable').fill('totals');
  await page.getByLabel('Result variable').press('Enter');
  await cell(page, 1).getByRole('button', { name: 'Run cell' }).click();
  await expectResult(page, 1, 'in totals (SqlTable)');

  await page.getByRole('button', { name: 'Add code cell' }).click();
  await runAndSee(page, 'print(totals["total"], len(_sql), totals[1]["region"])', '[15, 20] 2 south', 2);
});

async function upload(page: Page, files: Array<{ name: string; buffer: Buffer }>): Promise<void> {
  const panel = page.getByRole('region', { name: 'Files' });
  if (!(await panel.isVisible())) await page.getByRole('button', { name: 'Files', exact: true }).click();
  await page.getByTestId('file-picker').setInputFiles(files.map((f) => ({ ...f, mimeType: 'application/octet-stream' })));
  for (const f of files) await expect(panel.locator(`li[data-path="${f.name}"]`)).toBeVisible();
}

let data: DataServer;
test.beforeAll(async () => {
  data = await startDataServer({ files: { 'remote.csv': 'city,temp\nOslo,4\nLima,19\nRome,15\n' } });
});
test.afterAll(async () => {
  await data?.close();
});

test('an uploaded CSV and a local URL are tables by name, and a file SQL writes is a notebook file', async ({ page }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  await openNotebook(page);
  await upload(page, [{ name: 'sales.csv', buffer: Buffer.from('region,amount\nnorth,10\nsouth,20\nnorth,5\n') }]);
  await page.getByRole('button', { name: 'Add SQL cell' }).click();
  await runSql(page, 1, "SELECT count(*) AS n, sum(amount) AS total FROM 'sales.csv'");
  await expect(resultFrame(page, 1).locator('table.sql tbody tr')).toHaveText('335', { timeout: BOOT_TIMEOUT });

  // A file DuckDB writes becomes a notebook file: listed in the Files panel, read again by SQL and by Python.
  await runSql(page, 1, "COPY (SELECT region, sum(amount) AS total FROM 'sales.csv' GROUP BY region ORDER BY region) TO 'totals.csv' (HEADER)");
  await expect(page.getByRole('region', { name: 'Files' }).locator('li[data-path="totals.csv"]')).toBeVisible({ timeout: BOOT_TIMEOUT });
  await runAndSee(page, 'print(open("totals.csv").read().split())', "['region,total', 'north,15', 'south,20']", 0);

  await runSql(page, 1, `SELECT city FROM '${data.url}/cors/remote.csv' WHERE temp > 10 ORDER BY city`);
  await expect(resultFrame(page, 1).locator('table.sql tbody')).toHaveText('LimaRome');
});

test('uploaded Parquet and JSON files are tables by name with no access to DuckDB’s extensions, and a broken one says which file', async ({ page }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  // As offline or in a CDN-free deployment (this machine has no internet either): DuckDB cannot load parquet or json.
  await page.context().route(/extensions\.duckdb\.org/, (route) => route.abort('internetdisconnected'));
  await openNotebook(page);
  const managers = [
    { region: 'east', manager: 'Eve', since: '2021-03-01' },
    { region: 'north', manager: 'Ada', since: '2020-01-15' },
    { region: 'south', manager: 'Bob', since: null },
  ];
  await upload(page, [
    { name: 'sales.parquet', buffer: Buffer.from(salesParquet(5000)) },
    { name: 'managers.json', buffer: Buffer.from(JSON.stringify(managers)) },
    { name: 'broken.parquet', buffer: Buffer.from('region,amount\nnorth,10\n') },
  ]);
  await page.getByRole('button', { name: 'Add SQL cell' }).click();
  await runSql(
    page,
    1,
    "SELECT region, m.manager, count(*) AS n, CAST(sum(s.amount) * 2 AS BIGINT) AS twice\nFROM 'sales.parquet' s JOIN read_json('managers.json') m USING (region)\nGROUP BY ALL ORDER BY region",
  );
  const totals = salesTotals(5000);
  const expected = managers.map((m) => `${m.region}${m.manager}${totals.get(m.region)!.n}${totals.get(m.region)!.amount * 2}`);
  await expect(resultFrame(page, 1).locator('table.sql tbody tr')).toHaveText(expected, { timeout: BOOT_TIMEOUT });

  // Dates in JSON are dates; the JSON file read again is not decoded again, and the result is Python's as usual.
  await runSql(page, 1, "SELECT count(since) AS known, min(since) + 1 AS next_day FROM 'managers.json'");
  await expect(resultFrame(page, 1).locator('table.sql tbody tr')).toHaveText('22020-01-16');

  await runSql(page, 1, "SELECT * FROM 'broken.parquet'");
  await expect(outputs(page, 1)).toContainText('FileError: broken.parquet could not be read as Parquet');
});

test('{var} parameters are bound as values: a quote in a string cannot change the query', async ({ page }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  await openNotebook(page);
  await runAndSee(page, `sales = [{"region": "north", "amount": 10}, {"region": "south", "amount": 20}]\nlow = 12\nwho = "north' OR '1'='1"\nprint("ok")`, 'ok');
  await addSql(page, 1, 'SELECT region FROM sales WHERE amount > {low}');
  await expect(resultFrame(page, 1).locator('table.sql tbody')).toHaveText('south', { timeout: BOOT_TIMEOUT });
  await runSql(page, 1, 'SELECT {who} AS asked, count(*) AS n FROM sales WHERE region = {who}');
  await expect(resultFrame(page, 1).locator('table.sql tbody')).toHaveText("north' OR '1'='1" + '0');

  // %%sql in a code cell is a query too; the name after it receives the result.
  await page.getByRole('button', { name: 'Add code cell' }).click();
  await setSource(page, '%%sql top\nSELECT * FROM sales ORDER BY amount DESC LIMIT 1', 2);
  await page.keyboard.press('Control+Enter');
  await expect(resultFrame(page, 2).locator('.sql-summary')).toContainText('in top (SqlTable)', { timeout: BOOT_TIMEOUT });
  await page.getByRole('button', { name: 'Add code cell' }).click();
  await runAndSee(page, 'print(top[0])', "{'region': 'south', 'amount': 20}", 3);

  // A name Python does not have is said plainly.
  await runSql(page, 1, 'SELECT {nobody}');
  await expect(outputs(page, 1)).toContainText("NameError: name 'nobody' is not defined");
});

test('an error shows DuckDB’s message at the line and column of the cell, without a stack trace', async ({ page }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  await openNotebook(page);
  await addSql(page, 1, 'SELECT *\nFROM nope');
  await expect(outputs(page, 1)).toContainText('Catalog Error: Table with name nope does not exist!', { timeout: BOOT_TIMEOUT });
  await expect(outputs(page, 1)).toContainText('(line 2, column 6)');
  await expect(outputs(page, 1)).toContainText('2 | FROM nope');
  await expect(outputs(page, 1)).not.toContainText(/\.js:\d|at async|at Object/);
  await expect(cell(page, 1).getByTestId('run-info')).toContainText('Failed');

  await runSql(page, 1, 'SELECT 1 +\n  FROM x WHERE');
  await expect(outputs(page, 1)).toContainText('Parser Error: syntax error at or near "FROM" (line 2, column 3)');
});

test('Stop cancels a long query, and the next query runs', async ({ page }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  await openNotebook(page);
  await addSql(page, 1, 'SELECT 1 AS warm');
  await expect(resultFrame(page, 1).locator('table.sql tbody')).toHaveText('1', { timeout: BOOT_TIMEOUT });
  await runSql(page, 1, 'SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3');
  await expect(cell(page, 1)).toHaveAttribute('data-run-state', 'running');
  await page.getByRole('button', { name: 'Interrupt kernel' }).click();
  await expect(outputs(page, 1)).toContainText('Interrupted: The query was stopped', { timeout: 30_000 });
  await expect(cell(page, 1).getByTestId('run-info')).toContainText('Interrupted');
  await runSql(page, 1, 'SELECT 42 AS answer');
  await expect(resultFrame(page, 1).locator('table.sql tbody')).toHaveText('42');
});

test('a ten-million-row result: the page shows 500 rows, Python gets the first million, and both say so', async ({ page }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  await openNotebook(page);
  await addSql(page, 1, 'SELECT i, i % 7 AS r FROM range(10000000) t(i)');
  await expect(resultFrame(page, 1).locator('.sql-summary')).toContainText('more than 1,000,000 rows (only the first 1,000,000 were read', {
    timeout: BOOT_TIMEOUT,
  });
  await expect(resultFrame(page, 1).locator('.sql-summary')).toContainText('showing the first 500');
  await expect(resultFrame(page, 1).locator('table.sql tbody tr')).toHaveCount(500);
  await expect(resultFrame(page, 1).locator('.pager .pos')).toHaveText('Rows 1–50 of 500');
  await resultFrame(page, 1).getByRole('button', { name: 'Next page' }).click();
  await expect(resultFrame(page, 1).locator('.pager .pos')).toHaveText('Rows 51–100 of 500');
  await expect(resultFrame(page, 1).locator('table.sql tbody tr:visible').first()).toHaveText('501');
  await page.getByRole('button', { name: 'Add code cell' }).click();
  await runAndSee(page, 'print(len(_sql), _sql.truncated, _sql["i"][-1])', '1000000 True 999999', 2);
});

test('a SQL cell and its result variable’s name go through an .ipynb export and import', async ({ page }) => {
  test.setTimeout(2 * BOOT_TIMEOUT);
  await openNotebook(page);
  await page.getByRole('button', { name: 'Add SQL cell' }).click();
  await setSource(page, 'SELECT 1 AS one', 1);
  await page.getByLabel('Result variable').fill('df_one');
  await page.getByLabel('Result variable').press('Enter');
  const file = await exportIpynb(page);
  const nb = JSON.parse(file.text) as { cells: Array<{ cell_type: string; source: string[]; metadata: Record<string, unknown> }> };
  expect(nb.cells[1]).toMatchObject({ cell_type: 'code', source: ['%%sql\n', 'SELECT 1 AS one'], metadata: { anode: { cell_type: 'sql', sql_result: 'df_one' } } });

  await page.getByRole('link', { name: 'All notebooks' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: 'sql-cells.ipynb', mimeType: 'application/x-ipynb+json', buffer: Buffer.from(file.text) });
  await expect(page.getByLabel('Notebook title')).toHaveValue('sql-cells');
  await expect(cell(page, 1)).toHaveAttribute('data-cell-type', 'sql');
  await cell(page, 1).click();
  await expect(cell(page, 1).getByLabel('Result variable')).toHaveValue('df_one');
  await expect(cell(page, 1).locator('.cm-content')).toHaveText('SELECT 1 AS one');
});

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

test('in a room, Bob’s SQL cell runs in Ada’s browser on her Python’s table, and both see the result', async ({ browser }) => {
  test.setTimeout(5 * BOOT_TIMEOUT);
  const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
  await ada.goto('./');
  await expect(kernelStatus(ada)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await runAndSee(ada, 'scores = {"name": ["ada", "bob"], "points": [3, 5]}\nprint("ok")', 'ok');
  const link = await shareOpenNotebook(ada);
  await bob.goto(link);
  await expect(bob.getByTestId('executor')).toHaveText(/Ada’s browser/, { timeout: 30_000 });
  await expect(cell(bob, 0).locator('.cm-content')).toBeVisible();
  await cell(bob, 0).click();
  await bob.getByRole('button', { name: 'Add SQL cell' }).click();
  await runSql(bob, 1, 'SELECT name FROM scores ORDER BY points DESC LIMIT 1');
  const consent = ada.getByRole('dialog', { name: 'Run code from Bob in your browser?' });
  await expect(consent).toBeVisible({ timeout: BOOT_TIMEOUT });
  await consent.getByRole('button', { name: 'Run code from others' }).click();
  for (const page of [ada, bob]) {
    // Ada's browser fetches and compiles DuckDB first: minutes with two pages and two kernels on a loaded machine.
    await expect(resultFrame(page, 1).locator('table.sql tbody')).toHaveText('bob', { timeout: 2 * BOOT_TIMEOUT });
    await expect(resultFrame(page, 1).locator('.sql-summary')).toContainText('in _sql (SqlTable)');
  }
  await runAndSee(ada, 'print(_sql["name"])', "['bob']", 0);
});
