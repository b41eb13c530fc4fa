/**
 * Collaboration through the app, as users see it: two (or three) people in separate browser contexts (separate
 * storage, so only WebRTC can carry the sync), y-webrtc's signaling server started by the Playwright config on
 * E2E_SIGNALING_PORT. Ada shares her notebook with the Share button; Bob opens the link.
 *
 * UI contract used here: [data-cell-id] cells with .cm-content editors and .outputs; the Share button and its
 * "Share link" field; [data-testid="executor"] ("Code runs in Ada’s browser"); avatars [data-peer="<name>"];
 * y-codemirror.next's remote caret labels (.cm-ySelectionInfo); .not-found for a notebook that cannot be opened.
 * The sync layer's own behaviour (failover with an interrupted run, offline merge) is covered in collab-sync.
 */
import { test, expect, type Browser, type BrowserContext, type Page } from './fixtures';
import { allowPeerCode, cellText as sourceText, openPerson, storedNotebooks } from './helpers/app';

const UI_TIMEOUT = 30_000;
/** Python boots on the executor before the first output: generous on 2 cores with several pages. */
const KERNEL_TIMEOUT = 120_000;

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});


function cell(page: Page, index = 0) {
  return page.locator('[data-cell-id]').nth(index);
}

/** The cell's source as its editor shows it, without other people's caret labels (y-codemirror widgets). */
function cellText(page: Page, index = 0): Promise<string> {
  return sourceText(page, index);
}

async function setSource(page: Page, text: string, index = 0): Promise<void> {
  await cell(page, index).locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Ada opens a new notebook and shares it; returns the link. */
async function shareNewNotebook(ada: Page): Promise<string> {
  await ada.goto('./');
  await expect(cell(ada).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  await ada.getByRole('button', { name: 'Share', exact: true }).click();
  const link = await ada.getByLabel('Share link').inputValue();
  expect(link).toMatch(/#\/r\/[a-z0-9]+\/[A-Za-z0-9_-]{16,}\/e[A-Za-z0-9_-]+$/);
  await ada.keyboard.press('Escape');
  return link;
}

async function join(page: Page, link: string): Promise<void> {
  await page.goto(link);
  await expect(cell(page).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
}

/** Ada shares a new notebook, Bob joins, and Bob runs `code`, which Ada's browser executes once she agrees. */
async function bobRunsInAdasBrowser(browser: Browser, code: string): Promise<{ ada: Page; bob: Page }> {
  const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
  const link = await shareNewNotebook(ada);
  await join(bob, link);
  await expect(bob.getByTestId('executor')).toHaveText(/Ada’s browser/, { timeout: UI_TIMEOUT });
  await setSource(bob, code);
  await bob.keyboard.press('Control+Enter');
  await allowPeerCode(ada, 'Bob');
  return { ada, bob };
}

test('Bob opens Ada’s share link: edits flow both ways, each sees the other and their cursor', async ({ browser }) => {
  test.setTimeout(120_000); // two people's pages and kernels: over a minute on a loaded 2-core machine
  // Nothing configured: they meet through the signaling the app's own server offers (ws://<app>/signal).
  const ada = await openPerson(browser, contexts, 'Ada', '#d33682', null);
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2', null);
  const link = await shareNewNotebook(ada);
  await join(bob, link);

  await setSource(ada, 'x = 21');
  await expect.poll(() => cellText(bob), { timeout: UI_TIMEOUT }).toBe('x = 21');
  await cell(bob).locator('.cm-content').click();
  await bob.keyboard.press('ControlOrMeta+End');
  await bob.keyboard.type('\ny = 2');
  await expect.poll(() => cellText(ada), { timeout: UI_TIMEOUT }).toBe('x = 21\ny = 2');

  await expect(ada.locator('[data-peer="Bob"]')).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(bob.locator('[data-peer="Ada"]')).toBeVisible({ timeout: UI_TIMEOUT });
  // Bob's caret, labelled with his name, inside Ada's editor.
  await expect(cell(ada).locator('.cm-ySelectionInfo', { hasText: 'Bob' })).toHaveCount(1, { timeout: UI_TIMEOUT });

  // The room status opens the connections: the app's own signaling answers, and Ada is reached directly.
  await bob.getByTestId('room-status').click();
  const panel = bob.getByTestId('connections');
  await expect(panel.locator('[data-signaling-url$="/signal"]')).toContainText('connected');
  await expect(panel.locator('[data-link]')).toHaveText(['Peer 1: direct'], { timeout: UI_TIMEOUT });
  await expect(panel).toContainText('No TURN relay configured');
});

test('Bob runs a cell and sees the output computed in Ada’s browser; when Ada leaves, Bob’s browser takes over', async ({ browser }) => {
  test.setTimeout(4 * KERNEL_TIMEOUT);
  const { ada, bob } = await bobRunsInAdasBrowser(browser, 'print(6 * 7)');
  await expect(cell(bob).locator('.outputs')).toContainText('42', { timeout: KERNEL_TIMEOUT });
  await expect(cell(ada).locator('.outputs')).toContainText('42', { timeout: UI_TIMEOUT });
  // Ada sees who asked; Bob, who asked himself, does not see his own name.
  await expect(cell(ada)).toContainText('asked by Bob', { timeout: UI_TIMEOUT });
  await expect(cell(bob)).toContainText(/Done in/);
  await expect(cell(bob)).not.toContainText('asked by');

  // Ada closes her tab: within 5 s Bob's browser is the executor (the Ada label goes), and runs his next cell.
  const t0 = Date.now();
  await ada.close({ runBeforeUnload: true });
  // (Alone, Bob's bar no longer names an executor at all.)
  await expect(bob.getByTestId('executor').filter({ hasText: 'Ada’s browser' })).toHaveCount(0, { timeout: 5_000 });
  expect(Date.now() - t0).toBeLessThan(5_000);
  // The notebook says plainly that Python state was lost.
  await expect(bob.getByTestId('handover')).toContainText('Ada', { timeout: 5_000 });
  await expect(bob.getByTestId('handover')).toContainText(/variables from before are gone/i);
  await setSource(bob, 'print(2 + 2)');
  await bob.keyboard.press('Control+Enter');
  await expect(cell(bob).locator('.outputs')).toContainText('4', { timeout: KERNEL_TIMEOUT });
});

test('Bob answers getpass() for code running in Ada’s browser: her kernel gets it, and no copy of the notebook holds it', async ({ browser }) => {
  test.setTimeout(3 * KERNEL_TIMEOUT);
  const { ada, bob } = await bobRunsInAdasBrowser(
    browser,
    // Checked reversed, so that the password itself is nowhere in the cell's source.
    'from getpass import getpass\nsecret = getpass("Password: ")\nprint("got", len(secret), secret[::-1] == "yzzyx-2retnuh")',
  );
  const box = bob.getByLabel('Password:');
  await expect(box).toBeVisible({ timeout: KERNEL_TIMEOUT });
  await expect(box).toHaveAttribute('type', 'password');
  await box.fill('hunter2-xyzzy');
  await box.press('Enter');
  // Sealed for Ada's kernel in Bob's presence, opened there: the run goes on with the right password.
  await expect(cell(bob).locator('.outputs')).toContainText('got 13 True', { timeout: UI_TIMEOUT });
  await expect(cell(ada).locator('.outputs')).toContainText('got 13 True', { timeout: UI_TIMEOUT });
  await ada.waitForTimeout(500); // let IndexedDB commit what the run wrote
  for (const page of [ada, bob]) {
    await expect(cell(page).locator('.outputs')).not.toContainText('hunter2');
    expect(await storedNotebooks(page)).not.toContain('hunter2-xyzzy');
  }
});

test('three people: when the executor leaves, exactly one of the other two runs the code, and both say whose', async ({ browser }) => {
  test.setTimeout(4 * KERNEL_TIMEOUT);
  const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
  const bob = await openPerson(browser, contexts, 'Bob', '#268bd2');
  const cy = await openPerson(browser, contexts, 'Cy', '#2aa198');
  const link = await shareNewNotebook(ada);
  await join(bob, link);
  await join(cy, link);
  for (const p of [bob, cy]) await expect(p.getByTestId('executor')).toHaveText(/Ada’s browser/, { timeout: UI_TIMEOUT });

  await ada.close({ runBeforeUnload: true });
  // One of them now runs the code; the other names that person. (How fast: the two-person test above and
  // tests/bench/collab.mjs; here, with three kernels booting on two cores, only who.)
  const named = async (p: Page) => ((await p.getByTestId('executor').count()) ? await p.getByTestId('executor').innerText() : '');
  await expect
    .poll(async () => [await named(bob), await named(cy)].sort().join(' | '), { timeout: UI_TIMEOUT })
    .toMatch(/^Code runs in (Bob’s browser \| Code runs in your browser|Cy’s browser \| Code runs in your browser)$/);

  await setSource(cy, 'print(3 * 3)');
  await cy.keyboard.press('Control+Enter');
  if ((await named(bob)) === 'Code runs in your browser') await allowPeerCode(bob, 'Cy');
  await expect(cell(cy).locator('.outputs')).toContainText('9', { timeout: KERNEL_TIMEOUT });
  await expect(cell(bob).locator('.outputs')).toContainText('9', { timeout: UI_TIMEOUT });
});

test('a link with the wrong secret cannot read the notebook', async ({ browser }) => {
  test.setTimeout(120_000); // three pages load and the room gives up waiting after 15 s: minutes on a loaded machine
  const ada = await openPerson(browser, contexts, 'Ada', '#d33682');
  const mallory = await openPerson(browser, contexts, 'Mallory', '#859900');
  const link = await shareNewNotebook(ada);
  await setSource(ada, 'secret = 42');
  const wrong = link.replace(/\/[A-Za-z0-9_-]+$/, '/AAAAAAAAAAAAAAAAAAAAAA');
  await mallory.goto(wrong);
  await expect(mallory.locator('.not-found')).toBeVisible({ timeout: 45_000 });
  await expect(mallory.locator('[data-cell-id]')).toHaveCount(0);
  await expect(mallory.getByText('secret = 42')).toHaveCount(0);
  await expect(ada.locator('[data-peer="Mallory"]')).toHaveCount(0);
});
