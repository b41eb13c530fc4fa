import { expect, test } from './fixtures';
import { cell, openNotebook, runAndSee, setSource } from './kernel-helpers';

test.describe('completion and inspection from the live kernel', () => {
  test.beforeEach(async ({ page }) => {
    await openNotebook(page);
  });

  test('Tab completes names defined by earlier runs', async ({ page }) => {
    await runAndSee(page, 'my_long_variable = 1\nimport os\nprint("ok")', 'ok');
    await setSource(page, 'my_lo');
    await page.keyboard.press('Tab');
    const list = page.locator('.cm-tooltip-autocomplete');
    await expect(list).toContainText('my_long_variable');
    await list.getByText('my_long_variable').click();
    await expect(cell(page).locator('.cm-content')).toHaveText('my_long_variable');
  });

  test('Tab completes attributes of live objects', async ({ page }) => {
    await runAndSee(page, 'import os\nprint("ok")', 'ok');
    await setSource(page, 'os.pa');
    await page.keyboard.press('Tab');
    await expect(page.locator('.cm-tooltip-autocomplete')).toContainText('path');
  });

  test('Shift+Tab shows the signature and docstring of the call being typed', async ({ page }) => {
    await runAndSee(
      page,
      'def greet(name: str, excited: bool = False) -> str:\n    """Say hello to someone."""\n    return name\nprint("defined")',
      'defined',
    );
    await setSource(page, 'greet(');
    await page.keyboard.press('Shift+Tab');
    const tip = page.locator('.cm-inspect-panel');
    await expect(tip).toContainText('greet(name: str, excited: bool = False) -> str');
    await expect(tip).toContainText('Say hello to someone.');
  });
});
