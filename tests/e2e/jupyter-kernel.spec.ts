/**
 * Bring your own compute: a notebook runs on a real Jupyter server's kernel (Debian's jupyter-server and ipykernel,
 * started once for this file by helpers/jupyter-server.mjs), through the same queue and output pipeline as Pyodide.
 * One page is reused across the serial tests; the connection doctor's cases use fresh pages.
 *
 * UI contract: the kernel badge's "Choose kernel" button opens the "Kernel" dialog (radio "Jupyter server…",
 * "Jupyter server URL", "Jupyter token", Connect, "Kernelspec" select, "Use this kernel"); the doctor is the
 * dialog's alert with data-cause and [data-testid="doctor-fix"].
 */
import { test, expect, newPage, type BrowserContext, type Page } from './fixtures';
import { BOOT_TIMEOUT, kernelStatus, openNotebook, run, runAndSee } from './kernel-helpers';
import { filesPanel, openFiles, openPerson } from './helpers/app';
import { startJupyter } from './helpers/jupyter-server.mjs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const APP_PORT = Number(process.env.E2E_PORT ?? 4180);
const APP_ORIGIN = `http://127.0.0.1:${APP_PORT}`;
const JUPYTER_PORT = Number(process.env.E2E_JUPYTER_PORT ?? 8899);
const TOKEN = 'anode-e2e-token';
const WIDGETS_MODULE = fileURLToPath(new URL('../fixtures/widgets/anode_testwidgets.py', import.meta.url));

let jupyter: Awaited<ReturnType<typeof startJupyter>>;
let page: Page;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  jupyter = await startJupyter({ port: JUPYTER_PORT, token: TOKEN, allowOrigin: APP_ORIGIN });
  page = await newPage(browser);
  await openNotebook(page);
});

test.afterAll(async () => {
  await page?.context().close(); // awaited, as in kernel-ipython.spec.ts
  await jupyter?.stop();
});

/** Opens the picker, asks the server for its kernels and uses the default one (python3). */
async function useJupyter(p: Page): Promise<void> {
  const dialog = await connect(p, jupyter.url, TOKEN);
  await expect(dialog.getByLabel('Kernelspec')).toBeVisible();
  await dialog.getByRole('button', { name: 'Use this kernel' }).click();
  await expect(dialog).toBeHidden({ timeout: BOOT_TIMEOUT });
  await expect(kernelStatus(p)).toHaveText('idle');
}

/** Opens the picker and asks the server for its kernels; returns the dialog. */
async function connect(p: Page, url: string, token: string) {
  await p.getByRole('button', { name: 'Choose kernel' }).click();
  const dialog = p.getByRole('dialog', { name: 'Kernel' });
  await dialog.getByLabel('Jupyter server…').check();
  await dialog.getByLabel('Jupyter server URL').fill(url);
  await dialog.getByLabel('Jupyter token').fill(token);
  await dialog.getByRole('button', { name: 'Connect' }).click();
  return dialog;
}

test('connects to a Jupyter server, picks its python3 kernel, and runs numpy there (real CPython)', async () => {
  const dialog = await connect(page, jupyter.url, TOKEN);
  // The server's own kernelspecs plus the system's (Debian's IRkernel, see .ci/run), in the server's order.
  const options = dialog.getByLabel('Kernelspec').locator('option');
  await expect(options).toHaveCount(3);
  const specs = await options.allTextContents();
  expect(specs.sort()).toEqual(['Broken (exits at start)', 'Python 3 (ipykernel)', 'R']);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await useJupyter(page);
  await expect(page.getByRole('button', { name: 'Choose kernel' })).toHaveText(`python3 on 127.0.0.1:${JUPYTER_PORT}`);
  const out = await runAndSee(page, 'import sys, numpy as np\nprint(sys.platform, np.arange(6).reshape(2, 3).sum())', 'linux 15');
  // The execution count comes from the server's kernel.
  await expect(page.locator('[data-cell-id]').first()).toContainText('[1]');
  // The token never reaches the document or the page's text.
  await expect(page.locator('body')).not.toContainText(TOKEN);
  await expect(out).not.toContainText('emscripten');
});

test('a pandas DataFrame renders as a table, a matplotlib figure as an image, a display updates in place', async () => {
  const table = await runAndSee(page, 'import pandas as pd\npd.DataFrame({"city": ["Oslo", "Lima"], "pop": [0.7, 10.0]})', '');
  await expect(table.frameLocator('iframe').first().locator('table td', { hasText: 'Lima' })).toBeVisible();
  const fig = await runAndSee(page, 'import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()', '');
  await expect(fig.locator('img[src^="data:image/png;base64,iVBOR"]')).toHaveCount(1);
  const upd = await runAndSee(
    page,
    'from IPython.display import display, clear_output\nh = display("first", display_id=True)\nh.update("second")\nprint("a")\nclear_output(wait=True)\nprint("b")',
    'b',
  );
  await expect(upd).not.toContainText('first');
  await expect(upd).not.toContainText('a\n');
});

test('the Variables panel lists the server kernel’s variables, and the explorer pages a pandas DataFrame there', async () => {
  await runAndSee(page, "import pandas as pd\nxs = list(range(100000))\ndf = pd.DataFrame({'n': range(300), 's': ['row'] * 300})\nprint('made')", 'made');
  await page.getByRole('button', { name: 'Variables', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Variables' });
  await expect(panel).toContainText('xs');
  await expect(panel).toContainText('DataFrame');
  await panel.getByRole('button', { name: 'Open df' }).click();
  const view = page.getByRole('dialog', { name: 'Variable df' });
  await expect(view.locator('.table-status')).toHaveText('Rows 1–100 of 300');
  await view.getByRole('button', { name: 'Next page' }).click();
  await expect(view.locator('.table-status')).toHaveText('Rows 101–200 of 300');
  await expect(view.locator('tbody tr').first()).toContainText('100');
  await view.getByRole('button', { name: 'Close variable' }).click();
  await page.getByRole('button', { name: 'Variables', exact: true }).click();
  await expect(panel).toBeHidden();
});

test('the notebook’s files are the server kernel’s: pandas there reads an uploaded CSV, what it writes shows in Files', async () => {
  const files = filesPanel(page);
  await openFiles(page);
  await page.getByTestId('file-picker').setInputFiles([{ name: 'cities.csv', mimeType: 'text/csv', buffer: Buffer.from('city,population\nLyon,522250\nNantes,320732\n') }]);
  await expect(files.locator('li[data-path="cities.csv"]')).toBeVisible();
  await runAndSee(
    page,
    ['import os, pandas as pd', 'df = pd.read_csv("cities.csv")', 'print(os.path.basename(os.getcwd()) != "", int(df.population.sum()))', 'os.makedirs("out", exist_ok=True)', 'df[df.population > 400000].to_csv("out/big.csv", index=False)'].join('\n'),
    'True 842982',
  );
  // Written on the server, read back after the run into the notebook's files (and so to every peer).
  await files.locator('li[data-path="out"]').getByRole('button', { name: 'Folder out' }).click();
  await expect(files.locator('li[data-path="out/big.csv"]')).toBeVisible();
  await runAndSee(page, 'os.remove("cities.csv"); print(sorted(os.listdir(".")))', "['out']");
  await expect(files.locator('li[data-path="cities.csv"]')).toHaveCount(0);
  await page.getByRole('button', { name: 'Files', exact: true }).click();
});

test('widgets on the server kernel: a slider made by its comm renders, and moving it runs the observer there', async () => {
  // The ipywidgets 8 stand-in of widgets.spec (Debian has no ipywidgets 8), put in the kernel's folder as a file.
  const files = filesPanel(page);
  await openFiles(page);
  await page.getByTestId('file-picker').setInputFiles([{ name: 'anode_testwidgets.py', mimeType: 'text/x-python', buffer: readFileSync(WIDGETS_MODULE) }]);
  await expect(files.locator('li[data-path="anode_testwidgets.py"]')).toBeVisible();
  await page.getByRole('button', { name: 'Files', exact: true }).click();
  const out = await run(
    page,
    [
      // Debian's ipykernel 6.17 predates the comm package's hook (ipykernel 6.22+ installs it itself).
      'import comm, ipykernel.comm',
      'comm.create_comm = ipykernel.comm.Comm',
      'import anode_testwidgets as w',
      "s = w.IntSlider(value=3, min=0, max=10, description='level')",
      "s.observe(lambda change: print('server observer saw', s.value), names='value')",
      'display(s)',
    ].join('\n'),
  );
  const level = page.getByRole('slider', { name: 'level' });
  await expect(level).toHaveValue('3');
  await expect(kernelStatus(page)).toHaveText('idle');
  await level.fill('7');
  await expect(out).toContainText('server observer saw 7');
  await runAndSee(page, 'print("python has", s.value)', 'python has 7');
});

test('a SQL cell queries the server kernel’s DataFrame with a parameter, and its result is a DataFrame there', async () => {
  await runAndSee(page, "import pandas as pd\nsales = pd.DataFrame({'city': ['Lyon', 'Nantes', 'Brest'], 'amount': [5, 9, 2]})\nlow = 3\nprint('ready')", 'ready');
  const out = await run(page, '%%sql top\nSELECT city, amount * 2 AS twice FROM sales WHERE amount > {low} ORDER BY amount DESC');
  // DuckDB runs on the page; the table and {low} came from CPython on the server, the result went back there.
  await expect(out.frameLocator('iframe.anode-html-frame').locator('.sql-summary')).toContainText('in top (DataFrame)', { timeout: BOOT_TIMEOUT });
  await runAndSee(page, 'print(type(top).__name__, top.city.tolist(), top.twice.tolist())', "DataFrame ['Nantes', 'Lyon'] [18, 10]");
});

test('errors show the traceback; interrupt stops `while True: pass` and keeps the variables', async () => {
  await runAndSee(page, 'kept = 41\n1/0', 'ZeroDivisionError');
  const out = await run(page, 'while True: pass');
  await expect(kernelStatus(page)).toHaveText('busy');
  await page.getByRole('button', { name: 'Interrupt kernel' }).first().click();
  await expect(out).toContainText('KeyboardInterrupt');
  await expect(kernelStatus(page)).toHaveText('idle');
  await runAndSee(page, 'print(kept + 1)', '42');
});

test('input() asks in the notebook and the kernel gets the answer', async () => {
  const out = await run(page, 'name = input("Your name? ")\nprint(f"Hello, {name}!")');
  const box = page.getByLabel('Your name?');
  await expect(box).toBeVisible();
  await box.fill('Ada');
  await box.press('Enter');
  await expect(out).toContainText('Hello, Ada!');
});

test('restart gives a fresh kernel on the server: earlier variables are gone', async () => {
  await runAndSee(page, 'gone_soon = 1\nprint("set")', 'set');
  await page.getByRole('button', { name: 'Restart kernel' }).first().click();
  await expect(kernelStatus(page)).toHaveText('idle', { timeout: 60_000 });
  await runAndSee(page, 'gone_soon', "NameError: name 'gone_soon' is not defined");
});

test('the choice is remembered for this notebook on this device (reload keeps the Jupyter kernel)', async () => {
  await page.reload();
  await expect(page.getByRole('button', { name: 'Choose kernel' })).toHaveText(`python3 on 127.0.0.1:${JUPYTER_PORT}`, { timeout: BOOT_TIMEOUT });
  await expect(kernelStatus(page)).toHaveText('idle', { timeout: BOOT_TIMEOUT });
  await runAndSee(page, 'import sys; print(sys.platform)', 'linux');
});

test('the server goes away: the badge says so, a queued run waits, and runs on a new kernel once the server is back', async () => {
  await runAndSee(page, 'before_outage = 1\nprint("set")', 'set');
  await jupyter.stop();
  await expect(page.getByTestId('kernel-note')).toContainText(`Lost the connection to the Jupyter server at 127.0.0.1:${JUPYTER_PORT}`, { timeout: 30_000 });
  const out = await run(page, 'print("after the outage", "before_outage" in globals())');
  await expect(page.locator('[data-cell-id]').first()).toHaveAttribute('data-run-state', 'queued');
  jupyter = await startJupyter({ port: JUPYTER_PORT, token: TOKEN, allowOrigin: APP_ORIGIN });
  // The restarted server no longer had the kernel: a new one ran it, without the earlier variables.
  await expect(out).toContainText('after the outage False', { timeout: 60_000 });
});

test.describe('the connection doctor', () => {
  test('a wrong token: says the server refused it', async () => {
    const dialog = await connect(page, jupyter.url, 'not-the-token');
    const alert = dialog.getByRole('alert');
    await expect(alert).toHaveAttribute('data-cause', 'token');
    await expect(alert).toContainText('refused the token (HTTP 403)');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('no server there: says so, with the command that starts one for this origin', async () => {
    const dialog = await connect(page, `http://127.0.0.1:${JUPYTER_PORT - 1}/`, TOKEN);
    const alert = dialog.getByRole('alert');
    await expect(alert).toHaveAttribute('data-cause', 'unreachable');
    await expect(alert).toContainText('no Jupyter server is running there');
    await expect(dialog.getByTestId('doctor-fix')).toHaveText(
      `jupyter server --ServerApp.allow_origin='${APP_ORIGIN}' --ServerApp.token='${TOKEN}' --ServerApp.port=${JUPYTER_PORT - 1}`,
    );
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('a kernel that dies as it starts: says which kernel, and how to see its error', async () => {
    const dialog = await connect(page, jupyter.url, TOKEN);
    await dialog.getByLabel('Kernelspec').selectOption('broken');
    await dialog.getByRole('button', { name: 'Use this kernel' }).click();
    const alert = dialog.getByRole('alert');
    await expect(alert).toHaveAttribute('data-cause', 'kernel-died', { timeout: 60_000 });
    await expect(dialog.getByTestId('doctor-fix')).toHaveText("jupyter console --kernel='broken'");
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  test('CORS refused (the server allows another origin): the doctor names allow_origin for this origin', async ({ browser }) => {
    // The same app from another origin (localhost instead of 127.0.0.1), which the server does not allow.
    const other = await newPage(browser);
    const origin = `http://localhost:${APP_PORT}`;
    other.on('dialog', (d) => void d.accept());
    await other.goto(`${origin}/`);
    await expect(other.locator('[data-cell-id]').first()).toBeVisible({ timeout: BOOT_TIMEOUT });
    const dialog = await connect(other, jupyter.url, TOKEN);
    const alert = dialog.getByRole('alert');
    await expect(alert).toHaveAttribute('data-cause', 'unreachable');
    await expect(alert).toContainText(`allow_origin is not set to ${origin}`);
    await expect(dialog.getByTestId('doctor-fix')).toContainText(`--ServerApp.allow_origin='${origin}'`);
    await other.close();
  });
});

test('an R kernel: cells are edited as R, run on R, and the Variables panel stays quiet (its helpers are Python)', async ({ browser }) => {
  const p = await newPage(browser);
  try {
    await openNotebook(p);
    await expect(p.locator('.cm-content').first()).toHaveAttribute('data-language', 'python');
    const dialog = await connect(p, jupyter.url, TOKEN);
    await dialog.getByLabel('Kernelspec').selectOption({ label: 'R' });
    await dialog.getByRole('button', { name: 'Use this kernel' }).click();
    await expect(dialog).toBeHidden({ timeout: BOOT_TIMEOUT });
    await expect(kernelStatus(p)).toHaveText('idle', { timeout: BOOT_TIMEOUT });
    await expect(p.getByRole('button', { name: 'Choose kernel' })).toHaveText(`ir on 127.0.0.1:${JUPYTER_PORT}`);
    // The kernel said its language (kernel_info's language_info): the editor follows it.
    await expect(p.locator('.cm-content').first()).toHaveAttribute('data-language', 'r');
    const out = await runAndSee(p, 'x <- c(1, 2, 6)\ncat("mean:", mean(x), "\\n")', 'mean: 3');
    await expect(out).not.toContainText('SyntaxError');
    await runAndSee(p, 'print(R.version$language)', '"R"');
  } finally {
    await p.context().close();
  }
});

test('in a room, the executor’s Jupyter kernel is the room’s: Bob runs a cell on Ada’s server without the token', async ({ browser }) => {
  test.setTimeout(180_000);
  const contexts: BrowserContext[] = [];
  try {
    const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
    const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
    await ada.goto('./');
    await expect(ada.locator('[data-cell-id] .cm-content').first()).toBeVisible({ timeout: BOOT_TIMEOUT });
    await useJupyter(ada);
    await ada.getByRole('button', { name: 'Share', exact: true }).click();
    const link = await ada.getByLabel('Share link').inputValue();
    await ada.keyboard.press('Escape');
    await bob.goto(link);
    await expect(bob.getByTestId('executor')).toHaveText(`Code runs on Ada’s Jupyter server (python3, 127.0.0.1:${JUPYTER_PORT})`, { timeout: 60_000 });
    const out = await run(bob, 'import os, sys\nprint("on", sys.platform, "pid", os.getpid() > 0)');
    const consent = ada.getByRole('dialog', { name: `Run code from Bob on your Jupyter server (127.0.0.1:${JUPYTER_PORT})?` });
    await expect(consent).toBeVisible({ timeout: 60_000 });
    await consent.getByRole('button', { name: 'Run code from others' }).click();
    await expect(out).toContainText('on linux pid True');
    // Bob's device never got the token: not in his storage, not on his page.
    const stored = await bob.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain(TOKEN);
    await expect(bob.locator('body')).not.toContainText(TOKEN);
  } finally {
    await Promise.all(contexts.map((c) => c.close()));
  }
});
