/**
 * Comments between two people in a room: a comment on selected text appears live on the other peer's cell with
 * an unread count, gets a reply, is resolved, and is still there after a reload. Text from a peer is text.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type BrowserContext, type Page } from './fixtures';
import { cell, editor, expectCellText, openPerson, setCellText, shareOpenNotebook, waitForEditor, UI_TIMEOUT } from './helpers/app';

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

function panel(page: Page) {
  return page.getByRole('region', { name: 'Comments' });
}

test('a comment reaches the other peer live, is replied to, resolved, and survives a reload', async ({ browser }) => {
  test.setTimeout(180_000);
  const ada = await openPerson(browser, contexts, 'Ada', '#b58900');
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
  await ada.goto('./');
  await waitForEditor(ada, 0);
  await setCellText(ada, 0, 'total = price * qty');
  const link = await shareOpenNotebook(ada);
  await bob.goto(link);
  await waitForEditor(bob, 0);
  await expectCellText(bob, 0, 'total = price * qty');

  // Ada selects the whole line and comments on it.
  await editor(ada, 0).click();
  await ada.keyboard.press('ControlOrMeta+a');
  await cell(ada, 0).getByTestId('comment-button').click();
  await expect(panel(ada).locator('.comment-new .comment-quote')).toHaveText('total = price * qty');
  await panel(ada).getByLabel('Comment', { exact: true }).fill('Is qty ever 0? <img src=x onerror="document.title=\'pwned\'">');
  await panel(ada).getByRole('button', { name: 'Comment', exact: true }).click();
  await expect(panel(ada).getByTestId('comment-thread')).toHaveCount(1);

  // Bob sees it on the cell without opening anything, as unread.
  const badge = cell(bob, 0).getByTestId('comment-badge');
  await expect(badge).toHaveAttribute('aria-label', 'Comments on cell: 1 open, 1 unread', { timeout: UI_TIMEOUT });
  // The toolbar's Comments button counts what Bob has not read in the whole notebook.
  await expect(bob.getByRole('button', { name: 'Comments, 1 unread', exact: true })).toContainText('1');
  // The commented text is marked in Bob's editor.
  await expect(cell(bob, 0).locator('.cm-comment-range').first()).toBeVisible();
  await badge.click();
  const thread = panel(bob).getByTestId('comment-thread');
  await expect(thread).toContainText('Is qty ever 0? <img src=x onerror="document.title=\'pwned\'">');
  await expect(thread.locator('.comment-quote')).toHaveText('total = price * qty');
  await expect(panel(bob).locator('img')).toHaveCount(0);
  // Shown in the panel: read, on the cell and in the toolbar and sidebar.
  await expect(badge).toHaveAttribute('aria-label', 'Comments on cell: 1 open');
  await expect(bob.getByRole('button', { name: 'Comments', exact: true })).toBeVisible();
  await expect(bob.getByRole('tab', { name: 'Comments', exact: true })).toHaveAttribute('aria-selected', 'true');

  await thread.getByLabel('Reply').fill('Never: checked upstream.');
  await thread.getByRole('button', { name: 'Reply' }).click();
  await expect(panel(ada).getByTestId('comment-thread')).toContainText('Never: checked upstream.', { timeout: UI_TIMEOUT });
  await expect(panel(ada).getByTestId('comment-thread')).toContainText('Bob');

  await thread.getByRole('button', { name: 'Resolve' }).click();
  await expect(panel(ada).getByTestId('comment-thread')).toHaveCount(0, { timeout: UI_TIMEOUT });
  await panel(ada).getByLabel('Resolved').check();
  await expect(panel(ada).getByTestId('comment-thread')).toContainText('Resolved by Bob');
  await expect(cell(ada, 0).getByTestId('comment-badge')).toHaveCount(0);
  await expect(cell(ada, 0).locator('.cm-comment-range')).toHaveCount(0);

  // After a reload Bob still has the discussion (from this device's storage), resolved.
  await bob.reload();
  await waitForEditor(bob, 0);
  await panel(bob).getByLabel('All').check();
  await expect(panel(bob).getByTestId('comment-thread')).toContainText('Never: checked upstream.');
  await expect(panel(bob).getByTestId('comment-thread')).toContainText('Resolved by Bob');
  expect(await bob.title()).not.toBe('pwned');
  expect(await ada.title()).not.toBe('pwned');
});

test('comments travel in the exported .ipynb and come back when it is imported', async ({ browser }) => {
  const ada = await openPerson(browser, contexts, 'Ada', '#b58900');
  await ada.goto('./');
  await waitForEditor(ada, 0);
  await setCellText(ada, 0, 'rate = 0.07');
  await cell(ada, 0).getByTestId('comment-button').click();
  await panel(ada).getByLabel('Comment', { exact: true }).fill('Source for this rate?');
  await panel(ada).getByRole('button', { name: 'Comment', exact: true }).click();
  await panel(ada).getByTestId('comment-thread').getByLabel('Reply').fill('Central bank, March.');
  await panel(ada).getByTestId('comment-thread').getByRole('button', { name: 'Reply' }).click();
  await expect(panel(ada).getByTestId('comment-thread')).toContainText('Central bank, March.');

  const download = ada.waitForEvent('download');
  await ada.getByRole('button', { name: 'Export', exact: true }).click();
  await ada.getByRole('menuitem', { name: 'Export .ipynb' }).click();
  const text = readFileSync(await (await download).path(), 'utf8');
  const file = JSON.parse(text) as { cells: Array<{ metadata: { anode?: { comments?: Array<{ messages: Array<{ text: string }> }> } } }> };
  expect(file.cells[0]!.metadata.anode?.comments?.[0]?.messages.map((m) => m.text)).toEqual(['Source for this rate?', 'Central bank, March.']);

  await ada.getByRole('link', { name: 'All notebooks' }).click();
  const chooser = ada.waitForEvent('filechooser');
  await ada.getByRole('button', { name: 'Import', exact: true }).click();
  await (await chooser).setFiles({ name: 'rates.ipynb', mimeType: 'application/x-ipynb+json', buffer: Buffer.from(text) });
  await expect(ada).toHaveURL(/#\/n\//);
  await waitForEditor(ada, 0);
  await expect(cell(ada, 0).getByTestId('comment-badge')).toHaveAttribute('aria-label', /1 open/);
  await cell(ada, 0).getByTestId('comment-badge').click();
  await expect(panel(ada).getByTestId('comment-thread')).toContainText('Central bank, March.');
});
