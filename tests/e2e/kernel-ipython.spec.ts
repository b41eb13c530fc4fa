/**
 * The kernel is IPython's shell, as in Jupyter: a cell that uses IPython itself (magics, `?`, In/Out,
 * get_ipython()) means what it means there. The build under test has Debian's IPython vendored
 * (tests/e2e/global-setup.mjs); users get Pyodide's.
 */
import { expect, test, type Page, newPage } from './fixtures';
import { BOOT_TIMEOUT, kernelStatus, openNotebook, run, runAndSee } from './kernel-helpers';

// One kernel for the whole spec, as one notebook session is: a fresh context has no interpreter snapshot, so every
// boot would import IPython again.
test.describe.configure({ mode: 'serial', timeout: BOOT_TIMEOUT + 60_000 });

let page: Page;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(BOOT_TIMEOUT + 30_000);
  page = await newPage(browser);
  await openNotebook(page);
});

test.afterAll(async () => {
  // The context, awaited: a page made by newPage closes its context unawaited, and a context still closing when the
  // next test starts fails that test at once (Playwright starts its trace on every context of the browser).
  await page.context().close();
});

test.describe('IPython in the kernel', () => {

  test('line and cell magics run: %time, %%capture, %who, %%writefile then %run and %load, %%html', async () => {
    await runAndSee(page, '%time total = sum(range(1000))', /CPU times: .*Wall time:/s);
    await run(page, '%%capture captured\nprint("kept aside")');
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    await runAndSee(page, 'captured.stdout', 'kept aside');
    await runAndSee(page, '%who', 'total');
    await runAndSee(page, '%%writefile greet.py\nprint("hello from", __name__)', 'Writing greet.py');
    await runAndSee(page, '%run greet.py', 'hello from __main__');
    // %load puts the file into the cell, as JupyterLab does, ready to edit and run.
    await run(page, '%load greet.py');
    await expect(page.locator('[data-cell-id]').first().locator('.cm-content')).toHaveText(/# %load greet\.py\s*print\("hello from", __name__\)/);
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    const html = await run(page, '%%html\n<b class="from-magic">bold</b>');
    await expect(html.locator('b.from-magic, iframe')).toHaveCount(1);
    await expect(kernelStatus(page)).toHaveText(/idle/i);
  });

  test('len? shows IPython\'s help in the cell; In, Out and _ are there; an unknown magic is a UsageError', async () => {
    await runAndSee(page, 'len?', /Signature:\s*len\(obj, \/\)[\s\S]*Return the number of items in a container/);
    await runAndSee(page, '6 * 7', '42');
    await runAndSee(page, '(_, Out[max(Out)])', '(42, 42)');
    await runAndSee(page, 'In[-3]', '6 * 7');
    await runAndSee(page, '%no_such_magic', 'UsageError: Line magic function `%no_such_magic` not found.');
    await runAndSee(page, '!ls', 'no shell');
  });

  test('get_ipython() is the shell: a library that checks for a notebook takes its notebook path', async () => {
    const library = [
      'import sys, types',
      'lib = types.ModuleType("fancy")',
      'exec("""',
      'def show(x):',
      '    try:',
      '        ip = get_ipython()',
      '    except NameError:',
      '        ip = None',
      '    if ip is not None and type(ip).__name__ == "ZMQInteractiveShell" and "IPKernelApp" in ip.config:',
      '        from IPython.display import Markdown, display',
      '        display(Markdown(f"**notebook view of {x}**"))',
      '    else:',
      '        print(f"terminal view of {x}")',
      '""", lib.__dict__)',
      'lib.show("data")',
    ].join('\n');
    const out = await run(page, library);
    await expect(out).toContainText('notebook view of data');
    await expect(out).not.toContainText('terminal view');
    await runAndSee(page, 'type(get_ipython()).__name__', 'ZMQInteractiveShell');
  });
});
