/**
 * ipywidgets in the notebook, as users see them. PyPI is unreachable and Debian's ipywidgets 6 speaks an older
 * protocol, so Python's side is tests/fixtures/widgets/anode_testwidgets.py: built on the real `comm` package
 * (Debian's, from a local mirror), it sends exactly the comm messages ipywidgets 8 sends for an IntSlider, a Button,
 * an HTML and an Output widget, per the Jupyter widget messaging protocol version 2 (ipywidgets'
 * packages/schema/messages.md: comm_open on `jupyter.widget` with {state, buffer_paths}, `update`, `echo_update`,
 * `request_state`, `custom`). The page side is the app's: the kernel's comm hook, the document, the views.
 *
 * UI contract: [data-testid="widget"] views (data-live="true" while their Python side exists), sliders as
 * role=slider named by their description, buttons by theirs, [data-testid="widget-output"] for Output widgets.
 */
import { readFileSync } from 'node:fs';
import { test, expect, type BrowserContext, type Page } from './fixtures';
import { buildWidgetMirror } from '../fixtures/widgets/build.mjs';
import { serveMirror, type Mirror } from '../fixtures/wheels/serve.mjs';
import { BOOT_TIMEOUT, kernelStatus, openNotebook, outputs, run } from './kernel-helpers';
import { openPerson } from './helpers/app';

const UI_TIMEOUT = 30_000;

let mirror: Mirror;
test.beforeAll(async () => {
  mirror = await serveMirror(buildWidgetMirror().dir);
});
test.afterAll(async () => {
  await mirror.close();
});

const SLIDER_CELL = [
  'import anode_testwidgets as w',
  "s = w.IntSlider(value=3, min=0, max=10, description='level')",
  "s.observe(lambda change: print('observer saw', s.value), names='value')",
  "b = w.Button(description='Press me')",
  "b.on_click(lambda button: print('clicked', button.description))",
  'display(s, b)',
].join('\n');

function slider(page: Page, name: string) {
  return page.getByRole('slider', { name });
}

test.describe('widgets in one tab', () => {
  test('a slider whose observer prints and a button callback; the views survive a reload, and a restart says the kernel side is gone', async ({ page }) => {
    test.setTimeout(4 * BOOT_TIMEOUT);
    await openNotebook(page, { packageBaseURL: mirror.url });
    const out = await run(page, SLIDER_CELL);
    await expect(slider(page, 'level')).toHaveValue('3', { timeout: BOOT_TIMEOUT });
    await expect(kernelStatus(page)).toHaveText(/idle/i);

    await slider(page, 'level').fill('7');
    // The observer ran in Python, where the model's value is now 7.
    await expect(out).toContainText('observer saw 7');
    await expect(out.locator('.anode-widget-readout')).toHaveText('7');

    await page.getByRole('button', { name: 'Press me' }).click();
    await expect(out).toContainText('clicked Press me');

    // Reload: a new page, a new interpreter; the view comes back from the document with its value, saying so.
    await page.reload();
    await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
    await expect(slider(page, 'level')).toHaveValue('7', { timeout: UI_TIMEOUT });
    await expect(outputs(page).getByTestId('widget').first()).toContainText('kernel side of this widget is gone');
    await expect(slider(page, 'level')).toBeDisabled();

    // Run again: live, and a restart makes it say the kernel side is gone (not silently dead).
    await run(page, SLIDER_CELL);
    await expect(outputs(page).locator('[data-testid="widget"][data-live="true"]')).toHaveCount(2, { timeout: BOOT_TIMEOUT });
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    await page.getByRole('button', { name: 'Restart kernel' }).first().click();
    await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
    await expect(outputs(page).getByTestId('widget').first()).toContainText('kernel side of this widget is gone');
  });

  test('interact re-runs its function on every change, its output replacing the last inside an Output widget', async ({ page }) => {
    test.setTimeout(2 * BOOT_TIMEOUT);
    await openNotebook(page, { packageBaseURL: mirror.url });
    const out = await run(
      page,
      [
        'import anode_testwidgets as w',
        "def square(n):\n    print('square of', n, 'is', n * n)",
        "w.interact(square, n=w.IntSlider(value=2, max=9, description='n'));",
      ].join('\n'),
    );
    const captured = out.getByTestId('widget-output');
    await expect(captured).toContainText('square of 2 is 4', { timeout: BOOT_TIMEOUT });
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    await slider(page, 'n').fill('5');
    await expect(captured).toContainText('square of 5 is 25');
    await expect(captured).not.toContainText('square of 2 is 4');
    // Captured by the Output widget: not printed into the cell itself.
    await expect(out.locator('.anode-outputs > [data-output-type="stream"]')).toHaveCount(0);
  });

  test('an HTML widget is shown sanitized (its script and onerror never run in the app); a third-party widget module is not loaded', async ({ page }) => {
    test.setTimeout(2 * BOOT_TIMEOUT);
    await openNotebook(page, { packageBaseURL: mirror.url });
    const out = await run(
      page,
      [
        'import anode_testwidgets as w',
        "html = w.HTML(value='<b>bold words</b><img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>')",
        'class Custom(w.DOMWidget):',
        "    _module = ('evil-widgets', '1.0.0')",
        "    _model_name = 'EvilModel'",
        'display(html, Custom())',
      ].join('\n'),
    );
    await expect(out.getByTestId('widget-unsupported')).toContainText('EvilModel from evil-widgets is not supported', { timeout: BOOT_TIMEOUT });
    await expect(out.locator('.anode-widget-html b')).toHaveText('bold words', { timeout: BOOT_TIMEOUT });
    await expect(kernelStatus(page)).toHaveText(/idle/i);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect(out.locator('.anode-widget-html script')).toHaveCount(0);
    await expect(out.locator('.anode-widget-html [onerror]')).toHaveCount(0);
  });

  test('the .ipynb export carries the widget state in its metadata and the view in the outputs', async ({ page }) => {
    test.setTimeout(2 * BOOT_TIMEOUT);
    await openNotebook(page, { packageBaseURL: mirror.url });
    await run(page, SLIDER_CELL);
    await expect(slider(page, 'level')).toHaveValue('3', { timeout: BOOT_TIMEOUT });
    await slider(page, 'level').fill('6');
    await expect(outputs(page)).toContainText('observer saw 6');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.getByRole('menuitem', { name: 'Export .ipynb' }).click();
    const nb = JSON.parse(readFileSync(await (await download).path(), 'utf8')) as {
      metadata: { widgets?: Record<string, { state: Record<string, { model_name: string; state: Record<string, unknown> }> }> };
      cells: Array<{ outputs?: Array<{ data?: Record<string, { model_id?: string }> }> }>;
    };
    const saved = nb.metadata.widgets?.['application/vnd.jupyter.widget-state+json'];
    const sliders = Object.entries(saved?.state ?? {}).filter(([, m]) => m.model_name === 'IntSliderModel');
    expect(sliders).toHaveLength(1);
    expect(sliders[0]![1].state.value).toBe(6);
    const views = nb.cells[0]!.outputs!.flatMap((o) => o.data?.['application/vnd.jupyter.widget-view+json']?.model_id ?? []);
    expect(views).toContain(sliders[0]![0]);
  });
});

test.describe('widgets in a room', () => {
  const contexts: BrowserContext[] = [];
  test.afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  test('Bob moves the slider: the observer runs in Ada’s kernel and both see the value and the output', async ({ browser }) => {
    test.setTimeout(4 * BOOT_TIMEOUT);
    const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
    const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
    await ada.context().addInitScript((url) => window === window.top && localStorage.setItem('anode.packageBaseURL', url), mirror.url);
    await ada.goto('./');
    await expect(kernelStatus(ada)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
    await ada.getByRole('button', { name: 'Share', exact: true }).click();
    const link = await ada.getByLabel('Share link').inputValue();
    await ada.keyboard.press('Escape');
    await bob.goto(link);
    await expect(bob.getByTestId('executor')).toHaveText(/Ada’s browser/, { timeout: UI_TIMEOUT });

    await run(ada, SLIDER_CELL);
    await expect(slider(ada, 'level')).toHaveValue('3', { timeout: BOOT_TIMEOUT });
    await expect(slider(bob, 'level')).toHaveValue('3', { timeout: UI_TIMEOUT });
    await expect(slider(bob, 'level')).toBeEnabled();

    await slider(bob, 'level').fill('9');
    await expect(outputs(ada)).toContainText('observer saw 9', { timeout: UI_TIMEOUT });
    await expect(outputs(bob)).toContainText('observer saw 9', { timeout: UI_TIMEOUT });
    await expect(slider(ada, 'level')).toHaveValue('9');

    await bob.getByRole('button', { name: 'Press me' }).click();
    await expect(outputs(ada)).toContainText('clicked Press me', { timeout: UI_TIMEOUT });
    await expect(outputs(bob)).toContainText('clicked Press me', { timeout: UI_TIMEOUT });
  });
});
