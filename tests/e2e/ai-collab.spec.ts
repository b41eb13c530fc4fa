/**
 * AI cells in a shared notebook: Ada has an API key, Bob has none. Two browser contexts (separate storage), synced
 * over WebRTC through the signaling server the Playwright config starts on E2E_SIGNALING_PORT. Bob watches Ada's
 * turn (her answer, the tool call waiting for her approval), cannot start a second turn over hers, and neither
 * person's stored copy of the notebook holds Ada's key.
 */
import { expect, test, type Browser, type BrowserContext, type Page, newContext } from './fixtures';
import { startMockLlm, type MockLlm } from '../fixtures/mock-llm.mjs';
import { AI_STORAGE_KEYS } from '../../src/ai/settings';
import { shareOpenNotebook, storedNotebooks } from './helpers/app';

const SIGNALING = `ws://127.0.0.1:${process.env.E2E_SIGNALING_PORT ?? 4450}`;
const UI_TIMEOUT = 30_000;
const KEY = 'sk-ant-e2e-ADA-ONLY-5e1f-NOT-FOR-PEERS';

let llm: MockLlm;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  llm = await startMockLlm({ port: 0 });
});
test.afterAll(async () => {
  await llm?.close();
});
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
  llm.reset();
});

async function person(browser: Browser, name: string, key: string | null): Promise<Page> {
  // Media permission: without it Chromium gathers no loopback ICE candidates on a network-less machine.
  const context = await newContext(browser, { permissions: ['camera', 'microphone'] });
  contexts.push(context);
  await context.addInitScript(
    ({ signaling, user, keys, key, baseURL }) => {
      // The app's page only: sandboxed frames (the kernel's, outputs) have no storage.
      if (window !== window.top) return;
      localStorage.setItem('anode.signaling', signaling);
      localStorage.setItem('anode.user', JSON.stringify(user));
      localStorage.setItem(keys.baseURL, baseURL);
      if (key) localStorage.setItem(keys.apiKey, key);
    },
    { signaling: SIGNALING, user: { name, color: name === 'Ada' ? '#7c3aed' : '#0891b2' }, keys: AI_STORAGE_KEYS, key, baseURL: llm.url },
  );
  return context.newPage();
}

function cell(page: Page, index = 0) {
  return page.locator('[data-cell-id]').nth(index);
}

test("a collaborator sees Ada's AI turn as it happens, cannot start another over it, and no copy of the notebook holds her key", async ({ browser }) => {
  test.setTimeout(120_000);
  llm.script([
    {
      content: [
        { type: 'text', text: 'Shared thoughts: first a cell for the data.' },
        { type: 'tool_use', name: 'create_cell', input: { cell_type: 'code', source: 'data = [1, 2, 3]' } },
      ],
    },
    { text: 'Added it. END-OF-ANSWER' },
  ]);
  const ada = await person(browser, 'Ada', KEY);
  const bob = await person(browser, 'Bob', null);

  await ada.goto('./');
  await expect(cell(ada).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  const link = await shareOpenNotebook(ada);
  await bob.goto(link);
  await expect(cell(bob).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(ada.locator('[data-peer="Bob"]')).toBeVisible({ timeout: UI_TIMEOUT });

  await cell(ada).locator('.cm-content').click();
  await ada.keyboard.press('ControlOrMeta+a');
  await ada.keyboard.insertText('%%ai\nBrainstorm with us');
  await ada.keyboard.press('Control+Enter');

  // Ada's turn waits for her approval: Bob sees the answer so far, the tool card, and whose turn it is.
  const bobBody = cell(bob).getByTestId('ai-body');
  await expect(bobBody.getByTestId('ai-answer')).toHaveText('Shared thoughts: first a cell for the data.', { timeout: UI_TIMEOUT });
  await expect(bobBody.getByTestId('ai-tool-status')).toHaveText('Waiting for approval');
  await expect(bobBody.getByTestId('ai-status')).toHaveText('Waiting for Ada to approve an action…');
  await expect(bobBody.getByRole('button', { name: 'Stop answer' })).toHaveCount(0);
  await expect(bob.getByRole('dialog')).toHaveCount(0);

  // Bob runs the same cell meanwhile: he is told to wait, and nothing is sent from his browser.
  await cell(bob).locator('.cm-content').click();
  await bob.keyboard.press('Control+Enter');
  await expect(bobBody.getByRole('alert').filter({ hasText: 'Ada is running this AI cell' })).toBeVisible();

  await ada.getByRole('dialog').getByRole('button', { name: 'Approve', exact: true }).click();
  await expect(bobBody.getByTestId('ai-answer').last()).toHaveText('Added it. END-OF-ANSWER', { timeout: UI_TIMEOUT });
  await expect(bobBody.getByTestId('ai-tool-status')).toHaveText('Done');
  await expect(bobBody.getByTestId('ai-status')).toHaveText('');
  await expect(bob.locator('[data-cell-id]')).toHaveCount(2);
  expect(llm.requests()).toHaveLength(2);

  const adaStored = await storedNotebooks(ada);
  const bobStored = await storedNotebooks(bob);
  expect(adaStored).toContain('END-OF-ANSWER');
  expect(bobStored).toContain('END-OF-ANSWER');
  for (const stored of [adaStored, bobStored]) {
    expect(stored).not.toContain(KEY);
    expect(stored).not.toContain(KEY.slice(0, 16));
  }
  expect(await bob.evaluate((k) => localStorage.getItem(k), AI_STORAGE_KEYS.apiKey)).toBeNull();
});
