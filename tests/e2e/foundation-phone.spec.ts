/**
 * Foundation, on a phone-sized screen (375×740, touch): every toolbar button can be reached (in view after a
 * scroll, not covered by anything), nothing forces sideways scrolling, and a cell can be edited and run.
 */
import { expect, test, type Locator } from './fixtures';
import { KERNEL_TIMEOUT, cell, cells, editor, expectCellText, openNewNotebook } from './helpers/app';

test.use({ viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true });

/** Scrolls `target` to the middle of the screen and checks a tap at its centre would land on it. */
async function expectReachable(target: Locator): Promise<void> {
  await target.evaluate((el) => el.scrollIntoView({ block: 'center', inline: 'center' }));
  await expect(target).toBeInViewport({ ratio: 1 });
  const hit = await target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return top === el || el.contains(top) ? 'ok' : `covered by ${top?.outerHTML.slice(0, 120) ?? 'nothing'}`;
  });
  expect(hit, await target.getAttribute('aria-label') ?? '').toBe('ok');
}

test('on a 375 px screen the toolbar is reachable and a cell can be edited and run', async ({ page }) => {
  await openNewNotebook(page);

  // No sideways scrolling of the page.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  const toolbar = page.getByRole('toolbar', { name: 'Notebook actions' });
  const buttons = toolbar.getByRole('button');
  const n = await buttons.count();
  expect(n).toBeGreaterThanOrEqual(8);
  for (let i = 0; i < n; i++) {
    const b = buttons.nth(i);
    if (!(await b.isVisible())) continue;
    await expectReachable(b);
  }
  // The selected cell's own buttons too.
  const actions = cell(page, 0).getByRole('toolbar', { name: 'Cell actions' });
  for (const name of ['Move cell up', 'Move cell down', 'Insert cell above', 'Insert cell below', 'Delete cell']) {
    await expectReachable(actions.getByRole('button', { name, exact: true }));
  }
  await expectReachable(actions.getByRole('combobox', { name: 'Cell type' }));
  await expectReachable(cell(page, 0).getByRole('button', { name: 'Run cell' }));
  // The editor is wide enough to use: most of the screen's width.
  const box = await editor(page, 0).boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(200);

  // Edit by tapping, run with the cell's Run button.
  await editor(page, 0).tap();
  await expect(editor(page, 0)).toBeFocused();
  await page.keyboard.type('sum(range(10))');
  await expectCellText(page, 0, 'sum(range(10))');
  await cell(page, 0).getByRole('button', { name: 'Run cell' }).tap();
  await expect(cell(page, 0).locator('.outputs')).toContainText('45', { timeout: KERNEL_TIMEOUT });

  // The toolbar's Run button runs and moves on, adding a cell at the end.
  await toolbar.getByRole('button', { name: 'Run selected cell and advance' }).tap();
  await expect(cells(page)).toHaveCount(2);
  await expect(editor(page, 1)).toBeFocused();
  await page.keyboard.type('"phone"');
  await toolbar.getByRole('button', { name: 'Run all', exact: true }).tap();
  await expect(cell(page, 1).locator('.outputs')).toContainText("'phone'", { timeout: KERNEL_TIMEOUT });
  // Output does not push the page sideways either.
  const after = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(after).toBeLessThanOrEqual(0);
});
