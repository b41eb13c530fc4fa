/**
 * The notebook's files, as a user meets them: upload by the picker and by dropping on the notebook, read them
 * from Python with the standard library, see what Python wrote and download the same bytes, keep them across a
 * reload and a kernel restart; rename, delete, folders; limits and bad names. In a room: a guest uploads and the
 * executor's Python reads it; Python writes and the guest downloads the same bytes.
 */
import { test, expect, type Browser, type BrowserContext, type Page } from './fixtures';
import { readFile } from 'node:fs/promises';
import { BOOT_TIMEOUT, kernelStatus, openNotebook, outputs, run, runAndSee } from './kernel-helpers';
import { filesPanel, openFiles, openPerson, shareOpenNotebook } from './helpers/app';

const CSV = 'city,population\nLyon,522250\nNantes,320732\n';

function fileRow(page: Page, path: string) {
  return filesPanel(page).locator(`li[data-path="${path}"]`);
}

/** Drops files (name → text) on the notebook as a user dragging them from the desktop would. */
async function dropFiles(page: Page, files: Record<string, string | number>): Promise<void> {
  await page.evaluate((files) => {
    const dt = new DataTransfer();
    for (const [name, content] of Object.entries(files)) {
      // A number is a size: that many zero bytes.
      dt.items.add(new File([typeof content === 'number' ? new Uint8Array(content) : content], name));
    }
    const target = document.querySelector('.cells')!;
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, files);
}

async function downloadOf(page: Page, path: string): Promise<Buffer> {
  const download = page.waitForEvent('download');
  await fileRow(page, path).getByRole('button', { name: `Actions for ${path}` }).click();
  await page.getByRole('menuitem', { name: /^Download/ }).click();
  return readFile(await (await download).path());
}

test('uploaded files are Python’s files; what Python writes shows up, downloads byte for byte, and survives reload and restart', async ({ page }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  await openNotebook(page);
  await openFiles(page);
  await expect(filesPanel(page)).toContainText('No files yet');

  await page.getByTestId('file-picker').setInputFiles([
    { name: 'cities.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) },
    { name: 'config.json', mimeType: 'application/json', buffer: Buffer.from('{"threshold": 400000}') },
  ]);
  await expect(fileRow(page, 'cities.csv')).toContainText(`${CSV.length} B`);
  await expect(fileRow(page, 'config.json')).toBeVisible();

  await runAndSee(
    page,
    [
      'import csv, json, os',
      'cfg = json.load(open("config.json"))',
      'rows = list(csv.DictReader(open("cities.csv")))',
      'big = [r["city"] for r in rows if int(r["population"]) > cfg["threshold"]]',
      'print("cwd", os.getcwd(), "big", big)',
      'os.makedirs("results", exist_ok=True)',
      'with open("results/big.txt", "w") as f: f.write("\\n".join(big))',
      'open("blob.bin", "wb").write(bytes(range(256)) * 10)',
    ].join('\n'),
    "big ['Lyon']",
  );
  // What Python wrote is listed after the run, in its folder.
  await expect(fileRow(page, 'blob.bin')).toContainText('2.5 KB');
  await fileRow(page, 'results').getByRole('button', { name: 'Folder results' }).click();
  await expect(fileRow(page, 'results/big.txt')).toBeVisible();
  expect(await downloadOf(page, 'blob.bin')).toEqual(Buffer.from(Array.from({ length: 2560 }, (_, i) => i % 256)));
  expect((await downloadOf(page, 'results/big.txt')).toString()).toBe('Lyon');

  // A reload keeps the files (IndexedDB) and a new interpreter finds them in its folder.
  await page.reload();
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await openFiles(page);
  await expect(fileRow(page, 'cities.csv')).toBeVisible();
  await runAndSee(page, 'import os\nprint(sorted(os.listdir()), open("results/big.txt").read())', "['blob.bin', 'cities.csv', 'config.json', 'results'] Lyon");

  // So does a restart.
  await page.getByRole('button', { name: 'Restart kernel' }).first().click();
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await runAndSee(page, 'print(len(open("blob.bin","rb").read()))', '2560');

  // Python deleting a file removes it from the notebook's files.
  await runAndSee(page, 'import os\nos.remove("blob.bin")\nprint("removed")', 'removed');
  await expect(fileRow(page, 'blob.bin')).toHaveCount(0);
});

test('dropping files on the notebook uploads them; rename, delete with confirmation, folders, clashes and limits', async ({ page }) => {
  test.setTimeout(2 * BOOT_TIMEOUT);
  await openNotebook(page);
  await dropFiles(page, { 'notes.txt': 'hello', 'empty.dat': '' });
  // The drop opens the Files panel.
  await expect(fileRow(page, 'notes.txt')).toContainText('5 B');
  await expect(fileRow(page, 'empty.dat')).toContainText('0 B');

  // Rename.
  await fileRow(page, 'notes.txt').getByRole('button', { name: 'Actions for notes.txt' }).click();
  await page.getByRole('menuitem', { name: 'Rename' }).click();
  await page.getByLabel('New name for notes.txt').fill('readme.txt');
  await page.keyboard.press('Enter');
  await expect(fileRow(page, 'readme.txt')).toBeVisible();
  await expect(fileRow(page, 'notes.txt')).toHaveCount(0);
  await runAndSee(page, 'print(open("readme.txt").read())', 'hello');

  // A name clash asks: keep both gives the upload a free name.
  await dropFiles(page, { 'readme.txt': 'second' });
  await page.getByRole('dialog', { name: 'Replace files?' }).getByRole('button', { name: 'Keep both' }).click();
  await expect(fileRow(page, 'readme (1).txt')).toContainText('6 B');

  // Names a file system refuses are cleaned, never used as paths.
  await dropFiles(page, { 'bad:name?.txt': 'x' });
  await expect(fileRow(page, 'bad_name_.txt')).toBeVisible();

  // Over the per-file limit: a clear message, nothing stored, the tab still works.
  await dropFiles(page, { 'huge.bin': 51 * 1024 * 1024 });
  await expect(filesPanel(page).getByRole('alert')).toContainText('at most 50 MB');
  await expect(fileRow(page, 'huge.bin')).toHaveCount(0);

  // New folder, then delete it and a file, each after a confirmation.
  await filesPanel(page).getByRole('button', { name: 'New folder' }).click();
  await page.getByLabel('New name for untitled folder').fill('data');
  await page.keyboard.press('Enter');
  await expect(fileRow(page, 'data')).toBeVisible();
  await runAndSee(page, 'import os\nprint(os.path.isdir("data"))', 'True');
  await fileRow(page, 'readme.txt').getByRole('button', { name: 'Actions for readme.txt' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete readme.txt?' });
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(fileRow(page, 'readme.txt')).toHaveCount(0);
  await runAndSee(page, 'import os\nprint(os.path.exists("readme.txt"), sorted(os.listdir()))', "False ['bad_name_.txt', 'data', 'empty.dat', 'readme (1).txt']");

  // "Insert pandas reader" writes the cell for a tabular file.
  await dropFiles(page, { 'sales.csv': 'a,b\n1,2\n' });
  await fileRow(page, 'sales.csv').getByRole('button', { name: 'Actions for sales.csv' }).click();
  await page.getByRole('menuitem', { name: 'Insert pandas reader' }).click();
  await expect(page.locator('[data-cell-id]').nth(1)).toContainText('pd.read_csv("sales.csv")');
});

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});


/** Ada's new notebook, shared; Bob opens the link, and Ada's browser runs the code. */
async function adaAndBobInARoom(browser: Browser): Promise<{ ada: Page; bob: Page }> {
  const ada = await openPerson(browser, contexts, 'Ada');
  const bob = await openPerson(browser, contexts, 'Bob');
  await ada.goto('./');
  await expect(kernelStatus(ada)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  const link = await shareOpenNotebook(ada);
  await bob.goto(link);
  await expect(bob.getByTestId('executor')).toHaveText(/Ada’s browser/, { timeout: 30_000 });
  return { ada, bob };
}

test('in a room, a guest’s upload is read by the executor’s Python, and the guest downloads what Python wrote', async ({ browser }) => {
  test.setTimeout(4 * BOOT_TIMEOUT);
  const { ada, bob } = await adaAndBobInARoom(browser);

  // 300 KB: more than one WebRTC message, so the chunking is exercised.
  const payload = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
  await openFiles(bob);
  await bob.getByTestId('file-picker').setInputFiles([{ name: 'measurements.bin', mimeType: 'application/octet-stream', buffer: payload }]);
  await expect(fileRow(bob, 'measurements.bin')).toContainText('293.0 KB');
  await openFiles(ada);
  await expect(fileRow(ada, 'measurements.bin')).toContainText('293.0 KB', { timeout: 30_000 });

  await run(bob, 'data = open("measurements.bin", "rb").read()\nprint(len(data), sum(data) % 1000003)\nopen("summary.txt", "w").write(f"{len(data)} bytes")');
  const consent = ada.getByRole('dialog', { name: 'Run code from Bob in your browser?' });
  await consent.getByRole('button', { name: 'Run code from others' }).click();
  const expected = payload.reduce((n, b) => n + b, 0) % 1000003;
  await expect(outputs(bob)).toContainText(`300000 ${expected}`, { timeout: BOOT_TIMEOUT });

  // Written in Ada's browser, listed and downloadable in Bob's.
  await expect(fileRow(bob, 'summary.txt')).toBeVisible({ timeout: 30_000 });
  await expect(fileRow(bob, 'summary.txt')).not.toContainText('arriving', { timeout: 30_000 });
  expect((await downloadOf(bob, 'summary.txt')).toString()).toBe('300000 bytes');
});

test('Export .zip with files downloads the notebook and its files; importing it restores both; Duplicate copies them', async ({ page }) => {
  test.setTimeout(3 * BOOT_TIMEOUT);
  await openNotebook(page);
  await page.getByLabel('Notebook title').fill('Survey');
  await page.getByLabel('Notebook title').press('Enter');
  await dropFiles(page, { 'answers.csv': 'q,a\n1,yes\n' });
  await runAndSee(page, 'import os\nos.makedirs("out", exist_ok=True)\nopen("out/n.txt","w").write("42")\nprint("ok")', 'ok');
  await expect(fileRow(page, 'out')).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: 'Export .zip with files' }).click();
  const d = await download;
  expect(d.suggestedFilename()).toBe('Survey.zip');
  const zip = await readFile(await d.path());

  await page.getByRole('link', { name: 'All notebooks' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: 'Survey.zip', mimeType: 'application/zip', buffer: zip });
  await expect(page.getByLabel('Notebook title')).toHaveValue('Survey');
  await expect(page.locator('[data-cell-id]').first()).toContainText('os.makedirs');
  await openFiles(page);
  await expect(fileRow(page, 'answers.csv')).toBeVisible();
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
  await runAndSee(page, 'print(open("answers.csv").read().split()[1], open("out/n.txt").read())', '1,yes 42');

  // Duplicate from the home view: the copy has the files, and they are its own.
  await page.getByRole('link', { name: 'All notebooks' }).click();
  await page.getByRole('button', { name: /Duplicate/ }).first().click();
  await page.getByRole('link', { name: 'Copy of Survey' }).first().click();
  await openFiles(page);
  await expect(fileRow(page, 'answers.csv')).toBeVisible();
  await expect(fileRow(page, 'answers.csv')).not.toContainText('not on this device');
});

test('a peer who leaves mid-transfer: the file waits for a peer who has it, and a run that needs it says so', async ({ browser }) => {
  test.setTimeout(4 * BOOT_TIMEOUT);
  const { ada, bob } = await adaAndBobInARoom(browser);
  await openFiles(ada);

  await dropFiles(bob, { 'survey.bin': 40 * 1024 * 1024 });
  await expect(fileRow(ada, 'survey.bin')).toContainText(/arriving \d+%/, { timeout: 60_000 });
  await bob.context().close();
  await expect(fileRow(ada, 'survey.bin')).toContainText('waiting for a peer who has it', { timeout: 30_000 });

  const out = await run(ada, 'import os\nprint("exists:", os.path.exists("survey.bin"))');
  await expect(out).toContainText('has not arrived from the room', { timeout: 60_000 });
  await expect(out).toContainText('exists: False');
});
