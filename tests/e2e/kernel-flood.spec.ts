/**
 * Output floods never freeze the tab: while Python floods a cell (display() of every number, print with
 * flush=True, update_display in a loop), the notebook still answers ("+ Code" adds a cell while the flood runs)
 * and Interrupt ends it. How fast the page answers is printed (measured, not asserted: see tests/bench).
 */
import { expect, test } from './fixtures';
import { kernelStatus, openNotebook, outputs, run } from './kernel-helpers';

const FLOODS: Array<{ what: string; code: string; flooding: (text: string) => boolean }> = [
  {
    what: 'display() of every number',
    code: 'from IPython.display import display\ni = 0\nwhile True:\n    display(i)\n    i += 1',
    flooding: (t) => /outputs hidden/.test(t),
  },
  {
    what: 'print(i, flush=True)',
    code: 'i = 0\nwhile True:\n    print(i, flush=True)\n    i += 1',
    flooding: (t) => /output truncated/.test(t),
  },
  {
    what: 'update_display',
    code: 'h = display(0, display_id=True)\ni = 0\nwhile True:\n    i += 1\n    h.update(i)',
    flooding: (t) => Math.max(0, ...(t.match(/\d+/g) ?? []).map(Number)) > 2_000,
  },
];

test.describe('output floods', () => {
  test.beforeEach(async ({ page }) => {
    await openNotebook(page);
  });

  for (const flood of FLOODS) {
    test(`a flood of ${flood.what}: the page answers while it runs, and Interrupt ends it`, async ({ page }) => {
      const out = await run(page, flood.code);
      await expect.poll(async () => flood.flooding(await out.innerText()), { timeout: 60_000 }).toBe(true);
      await expect(kernelStatus(page)).toHaveText(/busy/i);

      const cells = page.locator('[data-cell-id]');
      const before = await cells.count();
      const clicked = Date.now();
      await page.getByRole('button', { name: 'Add code cell', exact: true }).click();
      await expect(cells).toHaveCount(before + 1);
      console.log(`flood of ${flood.what}: "+ Code" answered in ${Date.now() - clicked} ms`);
      // Still flooding: the page answered during the flood, not after it.
      await expect(kernelStatus(page)).toHaveText(/busy/i);

      const stopped = Date.now();
      await page.getByRole('button', { name: 'Interrupt kernel' }).first().click();
      await expect(outputs(page, 0)).toContainText('KeyboardInterrupt', { timeout: 30_000 });
      await expect(kernelStatus(page)).toHaveText(/idle/i);
      console.log(`flood of ${flood.what}: Interrupt ended it in ${Date.now() - stopped} ms`);
      // The cell shows a bounded number of outputs however long the flood ran.
      expect(await outputs(page, 0).locator('[data-output-type]').count()).toBeLessThanOrEqual(2002);
    });
  }
});
