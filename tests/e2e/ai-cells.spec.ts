/**
 * AI cells in the real app, with the real Anthropic SDK in Chromium talking to the local mock of the Messages
 * API (tests/fixtures/mock-llm.mjs), scripted per test. Each test asserts what the user sees in the cell, and
 * what the mock received where that is the point (hidden cells, the key, the run's output sent back).
 */
import { expect, test, type Locator, type Page } from './fixtures';
import { startMockLlm, type MockLlm, type MockRequest } from '../fixtures/mock-llm.mjs';
import { AI_STORAGE_KEYS } from '../../src/ai/settings';
import { BOOT_TIMEOUT, cell, kernelStatus, outputs, setSource } from './kernel-helpers';

const KEY = 'sk-ant-e2e-0123456789-NEVER-IN-THE-DOC';

let llm: MockLlm;

test.beforeAll(async () => {
  llm = await startMockLlm({ port: 0 });
});
test.afterAll(async () => {
  await llm?.close();
});
/** Uncaught exceptions in the page: an AI failure must show in the cell, never escape. */
let pageErrors: string[] = [];
test.beforeEach(() => {
  llm.reset();
  pageErrors = [];
});
test.afterEach(() => {
  expect(pageErrors).toEqual([]);
});

/** Opens a fresh notebook with this device's AI settings seeded (no key when `key` is null). */
async function openNotebook(page: Page, opts: { key?: string | null } = {}): Promise<void> {
  const key = opts.key === undefined ? KEY : opts.key;
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.addInitScript(
    ({ keys, key, baseURL }) => {
      // The app's page only: sandboxed frames (the kernel's, outputs) have no storage.
      if (window !== window.top) return;
      // Once per tab: a later reload must see what the user changed in Settings.
      if (sessionStorage.getItem('ai-e2e-seeded')) return;
      sessionStorage.setItem('ai-e2e-seeded', '1');
      if (key) localStorage.setItem(keys.apiKey, key);
      localStorage.setItem(keys.baseURL, baseURL);
    },
    { keys: AI_STORAGE_KEYS, key, baseURL: llm.url },
  );
  await page.goto('./');
  await expect(cell(page, 0)).toBeVisible({ timeout: BOOT_TIMEOUT });
}

function aiBody(page: Page, index = 0): Locator {
  return cell(page, index).getByTestId('ai-body');
}

/** Writes a prompt into cell `index` and runs it in place (Ctrl+Enter), as a user does. */
async function ask(page: Page, prompt: string, index = 0): Promise<void> {
  await setSource(page, prompt, index);
  await page.keyboard.press('Control+Enter');
}

/** Texts an answer showed over time, recorded in the page. */
type AnswerLog = Window & { __answerTexts?: string[] };

/** The last user message of a request, as JSON text (tool results included). */
function lastUserMessage(req: MockRequest): string {
  const msgs = req.body.messages;
  return JSON.stringify(msgs[msgs.length - 1]);
}

test.describe('AI cells', () => {
  test('an AI cell streams its answer as rendered markdown, and a code block inserts as a new code cell', async ({ page }) => {
    test.setTimeout(BOOT_TIMEOUT + 30_000);
    llm.script([
      {
        text: 'Here is **the plan**: load the numbers, then add them up one by one.\n\n```python\ntotal = sum(range(10))\nprint(total)\n```\n\nThat is all, finally.',
        chunks: 12,
        delayMs: 400,
      },
    ]);
    await openNotebook(page);
    // A quiet page (Python booted) and a record of every text the answer showed, so the test sees the words
    // arrive however busy the machine is.
    await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as AnswerLog).__answerTexts = seen;
      new MutationObserver(() => {
        const text = document.querySelector('[data-testid="ai-answer"]')?.textContent ?? '';
        if (text && seen[seen.length - 1] !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await cell(page, 0).getByLabel('Cell type').selectOption('ai');
    await ask(page, 'Sum the numbers below ten');

    const body = aiBody(page);
    await expect(body.getByTestId('ai-prompt')).toContainText('Sum the numbers below ten');
    const answer = body.getByTestId('ai-answer');
    await expect(answer).toContainText('That is all, finally.');
    await expect(answer.getByTestId('ai-cursor')).toHaveCount(0);
    await expect(answer.locator('strong')).toHaveText('the plan');
    // Before the end arrived, the first words were already on screen, with the cursor after them.
    const texts = await page.evaluate(() => (window as AnswerLog).__answerTexts ?? []);
    const partial = texts.filter((t) => t.includes('Here is') && !t.includes('finally'));
    expect(partial.length).toBeGreaterThan(1);
    expect(partial.every((t) => t.endsWith('▍'))).toBe(true);

    await answer.getByRole('button', { name: 'Insert as code cell' }).click();
    await expect(page.locator('[data-cell-id]')).toHaveCount(2);
    await expect(cell(page, 1)).toHaveAttribute('data-cell-type', 'code');
    await expect(cell(page, 1).locator('.cm-content')).toContainText('total = sum(range(10))');
  });

  test('a follow-up prompt in the same cell continues the conversation; Clear conversation starts afresh', async ({ page }) => {
    llm.script([{ text: 'Paris.' }, { text: 'About two million people.' }, { text: 'Fresh start.' }]);
    await openNotebook(page);
    await ask(page, '%%ai\nWhat is the capital of France?');
    await expect(aiBody(page).getByTestId('ai-answer')).toHaveText('Paris.');
    await ask(page, '%%ai\nHow many people live there?');
    await expect(aiBody(page).getByTestId('ai-answer').nth(1)).toHaveText('About two million people.');
    await expect(aiBody(page).getByTestId('ai-prompt')).toHaveCount(2);
    const second = llm.requests()[1]!.body.messages;
    expect(second.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(JSON.stringify(second)).toContain('capital of France');
    expect(JSON.stringify(second)).toContain('Paris.');

    await aiBody(page).getByRole('button', { name: 'Clear conversation' }).click();
    await expect(aiBody(page).getByTestId('ai-answer')).toHaveCount(0);
    await ask(page, '%%ai\nHello again');
    await expect(aiBody(page).getByTestId('ai-answer')).toHaveText('Fresh start.');
    expect(llm.requests()[2]!.body.messages).toHaveLength(1);
  });

  test('the AI creates a cell and runs it on the kernel after approval, and receives the output', async ({ page }) => {
    test.setTimeout(BOOT_TIMEOUT + 60_000);
    llm.script([
      {
        content: [
          { type: 'text', text: 'I will add a cell that computes it.' },
          { type: 'tool_use', name: 'create_cell', input: { cell_type: 'code', source: 'print(6 * 7)' } },
        ],
      },
      { content: [{ type: 'tool_use', name: 'create_cell', input: { cell_type: 'markdown', source: 'The cell above prints the product.' } }] },
    ]);
    await openNotebook(page);
    await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
    await ask(page, '%%ai\nCompute six times seven in Python');

    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('ai-approval-summary')).toHaveText('Create a code cell after cell 1');
    await expect(dialog.getByTestId('ai-diff')).toContainText('+print(6 * 7)');
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();

    // The second approval holds the turn: the created cell's id is known now, so the next step can name it.
    await expect(dialog).toContainText('Create a markdown cell');
    await expect(cell(page, 1)).toHaveAttribute('data-cell-type', 'code');
    const codeId = (await cell(page, 1).getAttribute('data-cell-id'))!;
    llm.script([{ content: [{ type: 'tool_use', name: 'run_cell', input: { cell_id: codeId } }] }, { text: 'The cell printed 42.' }]);
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();

    await expect(dialog.getByTestId('ai-approval-summary')).toHaveText('Run cell 2');
    await expect(dialog.getByTestId('ai-approval-source')).toHaveText('print(6 * 7)');
    await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
    await expect(dialog).toHaveCount(0);

    await expect(outputs(page, 1)).toContainText('42');
    const body = aiBody(page);
    await expect(body.getByTestId('ai-answer').last()).toHaveText('The cell printed 42.');
    const cards = body.getByTestId('ai-tool-card');
    await expect(cards).toHaveCount(3);
    for (const i of [0, 1, 2]) await expect(cards.nth(i).getByTestId('ai-tool-status')).toHaveText('Done');
    await expect(cell(page, 2)).toHaveAttribute('data-cell-type', 'markdown');

    const reqs = llm.requests();
    expect(reqs).toHaveLength(4);
    const toolResult = lastUserMessage(reqs[3]!);
    expect(toolResult).toContain('tool_result');
    expect(toolResult).toContain('42');

    // History kept the notebook as it was before the AI changed it: one cell, the prompt.
    await page.getByRole('button', { name: 'History', exact: true }).click();
    const before = page.getByRole('region', { name: 'History' }).locator('.history-row[data-kind="ai"]');
    await expect(before).toHaveCount(1);
    await expect(before).toContainText('Before an AI turn');
    await expect(before).toContainText('· 1 cell');
  });

  test('a rejected tool call changes nothing, and the AI is told so', async ({ page }) => {
    llm.script([
      {
        content: [
          { type: 'text', text: 'Let me add a cleanup cell.' },
          { type: 'tool_use', name: 'create_cell', input: { cell_type: 'code', source: 'import shutil; shutil.rmtree("/data")' } },
        ],
      },
      { text: 'Understood, I left the notebook as it was.' },
    ]);
    await openNotebook(page);
    await ask(page, '%%ai\nTidy up my files');

    const dialog = page.getByRole('dialog');
    await expect(dialog.getByTestId('ai-diff')).toContainText('shutil.rmtree');
    await dialog.getByRole('button', { name: 'Reject' }).click();
    await expect(dialog).toHaveCount(0);

    const body = aiBody(page);
    await expect(body.getByTestId('ai-answer').last()).toHaveText('Understood, I left the notebook as it was.');
    await expect(body.getByTestId('ai-tool-status')).toHaveText('Rejected');
    await expect(page.locator('[data-cell-id]')).toHaveCount(1);
    const told = lastUserMessage(llm.requests()[1]!);
    expect(told).toContain('"is_error":true');
    expect(told).toContain('rejected');
  });

  test('cells hidden from AI are absent from the request, and "What the AI sees" shows that exact request', async ({ page }) => {
    llm.script([{ text: 'I see one variable.' }]);
    await openNotebook(page);
    await setSource(page, "private_notes = 'TOP-SECRET-HIDDEN-CELL'", 0);
    await page.getByRole('button', { name: 'Add code cell', exact: true }).click();
    await setSource(page, "shared_value = 'VISIBLE-CELL-CONTENT'", 1);
    await page.getByRole('button', { name: 'Add code cell', exact: true }).click();
    await setSource(page, '%%ai\nWhat variables do I have?', 2);
    await cell(page, 0).hover();
    await cell(page, 0).getByRole('button', { name: 'Hide cell from AI' }).click();
    await expect(cell(page, 0).getByRole('button', { name: 'Show cell to AI' })).toBeVisible();

    await aiBody(page, 2).getByRole('button', { name: 'What the AI sees' }).click();
    const dialog = page.getByRole('dialog', { name: 'What the AI sees' });
    const shown = dialog.getByTestId('ai-request-json');
    await expect(shown).toContainText('VISIBLE-CELL-CONTENT');
    await expect(shown).not.toContainText('TOP-SECRET-HIDDEN-CELL');
    const preview: unknown = JSON.parse((await shown.textContent()) ?? '');
    await dialog.getByRole('button', { name: 'Close' }).first().click();

    await cell(page, 2).locator('.cm-content').click();
    await page.keyboard.press('Control+Enter');
    await expect(aiBody(page, 2).getByTestId('ai-answer')).toHaveText('I see one variable.');
    const sent = llm.requests()[0]!.body;
    expect(JSON.stringify(sent)).toContain('VISIBLE-CELL-CONTENT');
    expect(JSON.stringify(sent)).not.toContain('TOP-SECRET-HIDDEN-CELL');
    const { stream, ...body } = sent;
    expect(stream).toBe(true);
    expect(body).toEqual(preview);
  });

  test('"Always allow for this notebook" stops asking for that tool in this notebook', async ({ page }) => {
    const create = (source: string) => ({ type: 'tool_use' as const, name: 'create_cell', input: { cell_type: 'code', source } });
    llm.script([
      { content: [create('a = 1'), create('b = 2')] },
      { text: 'Added two cells.' },
      { content: [create('c = 3')] },
      { text: 'Added one more.' },
    ]);
    await openNotebook(page);
    await ask(page, '%%ai\nAdd two cells');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Always allow for this notebook' }).click();
    const body = aiBody(page);
    await expect(body.getByTestId('ai-answer').last()).toHaveText('Added two cells.');
    await expect(page.locator('[data-cell-id]')).toHaveCount(3);

    await ask(page, '%%ai\nOne more');
    await expect(body.getByTestId('ai-answer').last()).toHaveText('Added one more.');
    await expect(page.locator('[data-cell-id]')).toHaveCount(4);
    await expect(dialog).toHaveCount(0);
  });

  test('model output is rendered as sanitized markdown: no script or event handler runs', async ({ page }) => {
    llm.script([
      {
        text: 'Look: <img src="x" onerror="window.__aiPwned = 1"> <script>window.__aiPwned = 2</script> [link](javascript:window.__aiPwned=3) **safe**',
      },
    ]);
    await openNotebook(page);
    await ask(page, '%%ai\nSay something nasty');
    const answer = aiBody(page).getByTestId('ai-answer');
    await expect(answer.locator('strong')).toHaveText('safe');
    await expect(answer.locator('script, [onerror]')).toHaveCount(0);
    await expect(answer.locator('a[href^="javascript:"]')).toHaveCount(0);
    expect(await page.evaluate(() => (window as { __aiPwned?: number }).__aiPwned)).toBeUndefined();
  });

  test('a refusal and an unreachable API each show a message in the cell', async ({ page }) => {
    llm.script([{ stop_reason: 'refusal' }]);
    await openNotebook(page);
    await ask(page, '%%ai\nSomething the model declines');
    const error = aiBody(page).getByTestId('ai-error');
    await expect(error).toContainText('The model declined to answer');

    // A Base URL where nothing listens: the network error names the host and what to check.
    await page.evaluate((k) => localStorage.setItem(k, 'http://127.0.0.1:9'), AI_STORAGE_KEYS.baseURL);
    await ask(page, '%%ai\nAre you there?');
    await expect(error.last()).toContainText('Connection error');
    await expect(error.last()).toContainText('127.0.0.1:9');
  });

  test('the API key never enters the notebook: not in requests bodies, not in the stored document', async ({ page }) => {
    llm.script([{ text: 'Noted.' }]);
    await openNotebook(page);
    await ask(page, '%%ai\nRemember nothing');
    await expect(aiBody(page).getByTestId('ai-answer')).toHaveText('Noted.');
    const [req] = llm.requests();
    // It travels where it must (a header), and nowhere else.
    expect(JSON.stringify(req!.headers)).toContain(KEY);
    expect(JSON.stringify(req!.body)).not.toContain(KEY);

    const id = /#\/n\/([a-z0-9]+)/.exec(page.url())![1]!;
    const stored = await page.evaluate(async (name) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const r = db.transaction('updates').objectStore('updates').getAll();
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      db.close();
      const bytes = rows.filter((r): r is Uint8Array => r instanceof Uint8Array);
      return { count: bytes.length, text: bytes.map((b) => new TextDecoder('latin1').decode(b)).join('\n') };
    }, `anode:nb:${id}`);
    expect(stored.count).toBeGreaterThan(0);
    // The answer is in the stored document; the key is not.
    expect(stored.text).toContain('Noted.');
    expect(stored.text).not.toContain(KEY);
    expect(stored.text).not.toContain(KEY.slice(0, 16));
  });

  test('without a key the cell says to add one; the key entered from there works', async ({ page }) => {
    llm.script([{ text: 'Now I can answer.' }]);
    await openNotebook(page, { key: null });
    await ask(page, '%%ai\nAre you there?');
    const error = aiBody(page).getByTestId('ai-error');
    await expect(error).toContainText('No API key');
    await expect(error).toContainText('Settings');
    expect(llm.requests()).toHaveLength(0);

    await error.getByRole('button', { name: 'Open AI settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'AI settings' });
    await dialog.getByLabel('API key', { exact: true }).fill(KEY);
    await dialog.getByLabel('API key', { exact: true }).press('Enter');
    await expect(dialog.getByTestId('ai-key-status')).toContainText('Key saved on this device');
    await expect(dialog.getByLabel('API key', { exact: true })).toHaveValue('');
    await expect(dialog).not.toContainText(KEY);
    await dialog.getByRole('button', { name: 'Done' }).click();

    await cell(page, 0).locator('.cm-content').click();
    await page.keyboard.press('Control+Enter');
    await expect(aiBody(page).getByTestId('ai-answer')).toHaveText('Now I can answer.');
  });

  test('an invalid key (401) shows what to do in the cell', async ({ page }) => {
    llm.script([{ error: { status: 401, message: 'invalid x-api-key' } }]);
    await openNotebook(page);
    await ask(page, '%%ai\nHello');
    const error = aiBody(page).getByTestId('ai-error');
    await expect(error).toContainText('Invalid API key');
    await expect(error).toContainText('Check the API key in Settings');
    await expect(error.getByRole('button', { name: 'Open AI settings' })).toBeVisible();
  });

  test('a rate limit (429) shows when to try again', async ({ page }) => {
    // The SDK retries 429s twice (honouring retry-after) before giving up.
    llm.script([1, 2, 3].map(() => ({ error: { status: 429, retryAfter: 1 } })));
    await openNotebook(page);
    await ask(page, '%%ai\nHello');
    const error = aiBody(page).getByTestId('ai-error');
    await expect(error).toContainText('Rate limit reached');
    await expect(error).toContainText('Try again in 1 second');
  });

  test('the interrupt action stops a streaming answer', async ({ page }) => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    llm.script([{ text: `Beginning ${words} THE-END`, chunks: 40, delayMs: 600 }]);
    await openNotebook(page);
    await ask(page, '%%ai\nTalk for a long time');
    const answer = aiBody(page).getByTestId('ai-answer');
    await expect(answer).toContainText('Beginning');
    await expect(answer.getByTestId('ai-cursor')).toBeVisible();

    await page.getByRole('button', { name: 'Interrupt kernel' }).click();
    await expect(aiBody(page).getByTestId('ai-notice')).toHaveText('Stopped by the user.');
    await expect(answer.getByTestId('ai-cursor')).toHaveCount(0);
    await expect(answer).toContainText('Beginning');
    await expect(answer).not.toContainText('THE-END');
    await expect(aiBody(page).getByRole('button', { name: 'Stop answer' })).toHaveCount(0);
  });

  test('Settings: key, model and base URL are kept on this device, the key only ever shown masked', async ({ page }) => {
    llm.script([{ text: 'Using the chosen model.' }]);
    await openNotebook(page, { key: null });
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByLabel('API key', { exact: true }).fill(KEY);
    await dialog.getByLabel('Model', { exact: true }).fill('claude-haiku-5-5');
    await dialog.getByLabel('Base URL', { exact: true }).fill('not a url');
    await expect(dialog.getByRole('alert')).toContainText('is not a URL');
    await dialog.getByLabel('Base URL', { exact: true }).fill(llm.url);
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(dialog.getByTestId('ai-key-status')).toContainText(`Key saved on this device: ${KEY.slice(0, 7)}…${KEY.slice(-4)}`);
    await expect(dialog.getByLabel('API key', { exact: true })).toHaveValue('');
    await dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
    await expect(dialog).toHaveCount(0);

    await ask(page, '%%ai\nWhich model are you?');
    await expect(aiBody(page).getByTestId('ai-answer')).toHaveText('Using the chosen model.');
    const [req] = llm.requests();
    expect(req!.body.model).toBe('claude-haiku-5-5');

    await page.getByRole('button', { name: 'Settings' }).click();
    await dialog.getByRole('button', { name: 'Forget key' }).click();
    await expect(dialog.getByTestId('ai-key-status')).toHaveText('No key saved.');
    expect(await page.evaluate((k) => localStorage.getItem(k), AI_STORAGE_KEYS.apiKey)).toBeNull();
  });
});
