/**
 * View-only links, as users see them, and as a tampered client tries them: Ada edits; Vic and Val open her "can
 * view" link, each in their own browser context (own storage: only WebRTC carries the sync, over y-webrtc's
 * signaling on 127.0.0.1). The peers enforce it (src/sync/edit-guard.ts): what Vic writes straight into his
 * Y.Doc (the page's `window.anode.doc`) shows in his own page only.
 *
 * UI contract: the Share dialog's "Share link" (can edit) and "View link" fields; [data-testid="view-only"];
 * "Run cell" buttons; the toolbar "Notebook actions"; .peer-tag (who is on a cell).
 */
import { test, expect, type BrowserContext, type Page } from './fixtures';
import { KERNEL_TIMEOUT, UI_TIMEOUT, cell, cellText, openPerson, setCellText } from './helpers/app';

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

/** Ada shares the notebook open in her page; returns its edit and view links (the dialog closed again). */
async function links(ada: Page): Promise<{ edit: string; view: string }> {
  await ada.getByRole('button', { name: 'Share', exact: true }).click();
  const edit = await ada.getByLabel('Share link').inputValue();
  const view = await ada.getByLabel('View link').inputValue();
  await ada.keyboard.press('Escape');
  return { edit, view };
}

/** Ada opens a new notebook in her page and shares it: its edit and view links. */
async function adaShares(ada: Page): Promise<{ edit: string; view: string }> {
  await ada.goto('./');
  await expect(cell(ada, 0).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  return links(ada);
}

async function join(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await expect(cell(page, 0).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
}

test('a viewer sees edits and outputs live, cannot edit, and a tampered viewer changes nobody else’s notebook', async ({ browser }) => {
  test.setTimeout(3 * KERNEL_TIMEOUT);
  const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
  const vic = await openPerson(browser, contexts, 'Vic', '#268bd2');
  const val = await openPerson(browser, contexts, 'Val', '#859900');
  const { edit, view } = await adaShares(ada);
  expect(view).not.toBe(edit);
  expect(view).toMatch(/#\/r\/[a-z0-9]+\/[A-Za-z0-9_-]{16,}\/v[A-Za-z0-9_-]+$/);
  await join(vic, view);
  await join(val, view);

  // Live: Ada's edits and her kernel's output reach the viewers.
  await setCellText(ada, 0, 'print(6 * 7)');
  await ada.keyboard.press('Control+Enter');
  await expect.poll(() => cellText(vic, 0), { timeout: UI_TIMEOUT }).toBe('print(6 * 7)');
  await expect(cell(vic, 0).locator('.outputs')).toContainText('42', { timeout: KERNEL_TIMEOUT });
  await expect(cell(val, 0).locator('.outputs')).toContainText('42', { timeout: UI_TIMEOUT });
  await expect(vic.locator('[data-peer="Ada"]')).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(ada.locator('[data-peer="Vic"]')).toBeVisible({ timeout: UI_TIMEOUT });
  // A viewer never runs the room's code.
  await expect(vic.getByTestId('executor')).toHaveText(/Ada’s browser/, { timeout: UI_TIMEOUT });

  // Read-only UI: a badge, no run buttons, no toolbar, an editor that takes no typing.
  await expect(vic.getByTestId('view-only')).toHaveText('View only');
  await expect(vic.getByRole('button', { name: 'Run cell' })).toHaveCount(0);
  await expect(vic.getByRole('toolbar', { name: 'Notebook actions' })).toHaveCount(0);
  await expect(vic.getByRole('button', { name: 'Add cell at end' })).toHaveCount(0);
  await expect(ada.getByTestId('view-only')).toHaveCount(0);
  await cell(vic, 0).locator('.cm-content').click();
  await vic.keyboard.type('oops');
  await vic.keyboard.press('Shift+Enter');
  expect(await cellText(vic, 0)).toBe('print(6 * 7)');

  // Ada adds a second cell, for Vic to move to after his tampering.
  await setCellText(ada, 0, 'print(6 * 7)');
  await ada.keyboard.press('Escape');
  await ada.keyboard.press('b');
  await expect(ada.locator('[data-cell-id]')).toHaveCount(2, { timeout: UI_TIMEOUT });
  await expect(vic.locator('[data-cell-id]')).toHaveCount(2, { timeout: UI_TIMEOUT });

  // Tampered: Vic's page writes straight into its document (source, title, a new top-level map).
  await vic.evaluate(() => {
    const doc = (window as unknown as { anode: { doc: import('yjs').Doc } }).anode.doc;
    const cells = doc.getMap('cells');
    doc.transact(() => {
      for (const c of cells.values()) ((c as import('yjs').Map<unknown>).get('source') as import('yjs').Text).insert(0, 'TAMPERED ');
      doc.getMap('meta').set('title', 'Hacked');
    });
  });
  // His own page shows it (his copy only)...
  await expect.poll(() => cellText(vic, 0), { timeout: UI_TIMEOUT }).toContain('TAMPERED');
  // ...then his presence moves to the second cell: sent after the update on the same ordered channel, so once
  // Ada and Val see him there, they have had (and refused) his write.
  await cell(vic, 1).click({ position: { x: 5, y: 5 } });
  await expect(cell(ada, 1).locator('.peer-tag', { hasText: 'Vic' })).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(cell(val, 1).locator('.peer-tag', { hasText: 'Vic' })).toBeVisible({ timeout: UI_TIMEOUT });
  // Ada's own edit after it still reaches everyone (the room keeps working), and nothing of Vic's is anywhere.
  await setCellText(ada, 1, 'x = 1');
  await expect.poll(() => cellText(val, 1), { timeout: UI_TIMEOUT }).toBe('x = 1');
  for (const page of [ada, val]) {
    expect(await cellText(page, 0)).toBe('print(6 * 7)');
    await expect(page.getByLabel('Notebook title')).not.toHaveValue('Hacked');
  }
});

test('revoking the links: the editors move to a new room and keep working, the old view link reaches nobody', async ({ browser }) => {
  test.setTimeout(2 * KERNEL_TIMEOUT);
  const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
  const bob = await openPerson(browser, contexts, 'Bob', '#cb4b16');
  const vic = await openPerson(browser, contexts, 'Vic', '#268bd2');
  const old = await adaShares(ada);
  await join(bob, old.edit);
  await join(vic, old.view);
  await setCellText(ada, 0, 'before = 1');
  await expect.poll(() => cellText(vic, 0), { timeout: UI_TIMEOUT }).toBe('before = 1');
  await expect(ada.locator('[data-peer="Bob"]')).toBeVisible({ timeout: UI_TIMEOUT });

  await ada.getByRole('button', { name: 'Share', exact: true }).click();
  await ada.getByRole('button', { name: 'Revoke links' }).click();
  await expect(ada.getByTestId('rotated')).toBeVisible({ timeout: UI_TIMEOUT });
  const fresh = { edit: await ada.getByLabel('Share link').inputValue(), view: await ada.getByLabel('View link').inputValue() };
  expect(fresh.edit).not.toBe(old.edit);
  expect(fresh.view).not.toBe(old.view);
  await ada.getByRole('button', { name: 'Done' }).click();

  // Vic, left with the old link, is alone in it; Ada and Bob meet in the new room and edit on.
  // (Nobody connected: "waiting for others", or "reconnecting" while the others' presence has not timed out.)
  const alone = /waiting for others|Reconnecting/;
  await expect(vic.getByTestId('room-status')).toHaveText(alone, { timeout: UI_TIMEOUT });
  await expect(ada.locator('[data-peer="Bob"]')).toBeVisible({ timeout: UI_TIMEOUT });
  // Vic's presence goes from Ada's bar when it times out (y-protocols: 30 s without news).
  await expect(ada.locator('[data-peer="Vic"]')).toHaveCount(0, { timeout: 2 * UI_TIMEOUT });
  await setCellText(ada, 0, 'after = 2');
  await expect.poll(() => cellText(bob, 0), { timeout: UI_TIMEOUT }).toBe('after = 2');
  await setCellText(bob, 0, 'after = 3');
  await expect.poll(() => cellText(ada, 0), { timeout: UI_TIMEOUT }).toBe('after = 3');
  await expect(vic.getByTestId('room-status')).toHaveText(alone);
  expect(await cellText(vic, 0)).toBe('before = 1');

  // The new view link works.
  await vic.goto(fresh.view);
  await expect.poll(() => cellText(vic, 0), { timeout: UI_TIMEOUT }).toBe('after = 3');
});
