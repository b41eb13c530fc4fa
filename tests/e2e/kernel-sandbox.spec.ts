/**
 * The kernel sandbox, probed as an attacker would: code in a notebook (its own, or a room guest's run by the
 * executor) tries to reach the app's IndexedDB, localStorage, Cache Storage, service worker, parent window and
 * its own files with credentials, and to plant a script for the next load. Each attempt fails with a plain Python
 * error, nothing of the app's reaches the output, nothing in the app changes, and a reload runs only the app's
 * code. Before the sandbox (the same probes, run in the app's origin), the IndexedDB listing, the Cache Storage
 * write and the credentialed fetch all succeeded.
 *
 * Also the consent asked before another peer's code first runs in this browser.
 */
import { test, expect, type Browser, type BrowserContext, type Page, newContext } from './fixtures';
import { shareOpenNotebook } from './helpers/app';
import { BOOT_TIMEOUT, kernelStatus, openNotebook, run, runAndSee, type outputs } from './kernel-helpers';

const SIGNALING = `ws://127.0.0.1:${process.env.E2E_SIGNALING_PORT ?? 4450}`;
const SECRET = 'sk-ant-sandbox-probe-0123456789';
const UI_TIMEOUT = 30_000;

/**
 * Python that runs each probe as JavaScript from the kernel (pyodide.code.run_js: what an attacker would use) and
 * prints `name -> OK value` or `name -> ExceptionType: message`. `app` is the app's URL.
 */
function probeCode(app: string): string {
  const probes: Record<string, string> = {
    indexedDB: 'indexedDB.databases().then((d) => JSON.stringify(d.map((x) => x.name)))',
    localStorage: 'JSON.stringify(Object.entries(localStorage))',
    cacheKeys: 'caches.keys().then((k) => JSON.stringify(k))',
    cacheWrite: `caches.open('workbox-precache-v2').then((c) => c.put(${JSON.stringify(`${app}index.html`)}, new Response('<script>window.__pwned = 1</script>', { headers: { 'Content-Type': 'text/html' } }))).then(() => 'written')`,
    serviceWorker: 'navigator.serviceWorker.register("sw.js").then(() => "registered")',
    parent: 'parent.document.title',
    top: 'top.location.href',
    cookie: 'document.cookie',
    origin: 'self.origin',
    appFile: `fetch(${JSON.stringify(`${app}index.html`)}, { credentials: 'include' }).then((r) => r.text()).then((t) => t.slice(0, 40))`,
    appFileViaKernelRoute: `fetch(${JSON.stringify(`${app}pyodide/../index.html`)}).then((r) => r.text()).then((t) => t.slice(0, 40))`,
  };
  return [
    'from pyodide.code import run_js',
    'import pyodide.http',
    `probes = ${JSON.stringify(probes)}`,
    'for name, src in probes.items():',
    '    try:',
    '        v = run_js(src)',
    "        if hasattr(v, 'then'):",
    '            v = await v',
    "        print(name, '-> OK', str(v)[:200])",
    '    except Exception as e:',
    "        print(name, '->', type(e).__name__ + ':', str(e)[:160])",
    'try:',
    `    r = await pyodide.http.pyfetch(${JSON.stringify(app)}, credentials="include")`,
    "    print('pyfetch -> OK', (await r.string())[:40])",
    'except Exception as e:',
    "    print('pyfetch ->', type(e).__name__ + ':', str(e)[:160])",
    "print('PROBES DONE')",
  ].join('\n');
}

/** The probes' verdicts as the output shows them: name -> the rest of its line. */
async function verdicts(out: ReturnType<typeof outputs>): Promise<Record<string, string>> {
  const text = (await out.innerText()).split('\n');
  const v: Record<string, string> = {};
  for (const line of text) {
    const m = /^(\w+) -> (.*)$/.exec(line.trim());
    if (m) v[m[1]!] = m[2]!;
  }
  return v;
}

function expectNothingReached(v: Record<string, string>): void {
  // Each one is a plain Python error: nothing came back and nothing was written.
  expect(v.indexedDB).toMatch(/^JsException: SecurityError/);
  expect(v.localStorage).toMatch(/^JsException: ReferenceError: localStorage is not defined/);
  expect(v.cacheKeys).toMatch(/^JsException: ReferenceError: caches is not defined/);
  expect(v.cacheWrite).toMatch(/^JsException: ReferenceError: caches is not defined/);
  expect(v.serviceWorker).toMatch(/^JsException: TypeError/);
  expect(v.parent).toMatch(/^JsException: ReferenceError: parent is not defined/);
  expect(v.top).toMatch(/^JsException: ReferenceError: top is not defined/);
  expect(v.cookie).toMatch(/^JsException: ReferenceError: document is not defined/);
  expect(v.origin).toBe('OK null');
  expect(v.appFile).toMatch(/^JsException: TypeError: Failed to fetch/);
  expect(v.appFileViaKernelRoute).toMatch(/^JsException: TypeError: Failed to fetch/);
  // pyfetch's refusals carry the kernel's explanation (anode_kernel/web.py): the request failed all the same.
  expect(v.pyfetch).toMatch(/Error: Failed to fetch|NetworkError: Could not read http/);
}

/**
 * What of the app's state a probe could have read or changed: its databases, its caches and what the precache
 * serves as the app's page, its settings (the API key) and a marker a planted script would set.
 */
async function appState(page: Page): Promise<{ dbs: string[]; apiKey: string | null; caches: string[]; shell: string; pwned: unknown }> {
  return page.evaluate(async () => {
    const dbs = (await indexedDB.databases()).map((d) => d.name ?? '').sort();
    const names = (await caches.keys()).sort();
    // Precache keys carry a revision query.
    const shell = (await (await caches.match(new URL('index.html', document.baseURI).href, { ignoreSearch: true }))?.text()) ?? '';
    return { dbs, apiKey: localStorage.getItem('anode.ai.apiKey'), caches: names, shell, pwned: (window as { __pwned?: unknown }).__pwned };
  });
}

/** The interpreter snapshot is written after the first boot: waited for, so that it is not mistaken for a change. */
function snapshotStored(page: Page): Promise<unknown> {
  return page.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith('anode-python-snapshot-')), undefined, {
    timeout: BOOT_TIMEOUT,
  });
}

test.describe('the kernel sandbox', () => {
  test('a notebook’s own code reaches none of the app’s storage, caches, service worker, window or files, and a reload runs only the app', async ({
    browser,
    baseURL,
  }) => {
    test.setTimeout(3 * BOOT_TIMEOUT);
    // The service worker on: what a poisoned cache would be served by.
    const context = await newContext(browser, { serviceWorkers: 'allow' });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    // Chromium also reports the sandboxed worker's denied IndexedDB call (which Python caught) as a page error,
    // nameless and without a message: only the app's own errors count here.
    page.on('pageerror', (e) => e.name && pageErrors.push(`${e.name}: ${e.message}`));
    await page.addInitScript((secret) => {
      if (window === window.top) localStorage.setItem('anode.ai.apiKey', secret);
    }, SECRET);
    await openNotebook(page);
    await page.waitForFunction(() => navigator.serviceWorker?.controller !== null, undefined, { timeout: BOOT_TIMEOUT });
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await runAndSee(page, 'print("warm-up")', 'warm-up');
    await snapshotStored(page);
    const before = await appState(page);
    expect(before.dbs.some((d) => d.startsWith('anode:nb:'))).toBe(true);
    expect(before.shell).toContain('<div id="root">');
    expect(before.apiKey).toBe(SECRET);

    const out = await run(page, probeCode(baseURL!));
    await expect(out).toContainText('PROBES DONE', { timeout: BOOT_TIMEOUT });
    expectNothingReached(await verdicts(out));
    const text = await out.innerText();
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('anode:nb:');
    expect(text).not.toContain('<!doctype');

    // Nothing changed in the app, and what a reload serves is the app's own code.
    expect(await appState(page)).toEqual(before);
    await page.reload();
    await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
    const after = await appState(page);
    expect(after.pwned).toBeUndefined();
    expect(after.shell).toBe(before.shell);
    expect(after.apiKey).toBe(SECRET);
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((r) => r.map((x) => x.scope)))).toEqual([baseURL]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function person(browser: Browser, name: string, color: string, extra: Record<string, string> = {}): Promise<Page> {
  // Media permission: without it Chromium gathers no loopback ICE candidates on a network-less machine.
  const context = await newContext(browser, { permissions: ['camera', 'microphone'] });
  contexts.push(context);
  await context.addInitScript(
    ({ signaling, user, extra }) => {
      // The app's page only: sandboxed frames (the kernel's, outputs) have no storage.
      if (window !== window.top) return;
      localStorage.setItem('anode.signaling', signaling);
      localStorage.setItem('anode.user', JSON.stringify(user));
      for (const [k, v] of Object.entries(extra)) localStorage.setItem(k, v);
    },
    { signaling: SIGNALING, user: { name, color }, extra },
  );
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  return page;
}

const cell = (page: Page, index = 0) => page.locator('[data-cell-id]').nth(index);

async function setSource(page: Page, text: string, index = 0): Promise<void> {
  await cell(page, index).locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(text);
}

/** Ada writes a private notebook (never shared), then opens a new one and shares it; returns the link. */
async function adaSharesANewNotebook(ada: Page, privateText: string): Promise<string> {
  await ada.goto('./');
  await expect(cell(ada).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  await setSource(ada, privateText);
  await ada.getByRole('link', { name: 'All notebooks' }).click();
  await ada.getByRole('button', { name: 'New notebook' }).click();
  await expect(cell(ada).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  return shareOpenNotebook(ada);
}

function consentDialog(page: Page, asker: string) {
  return page.getByRole('dialog', { name: `Run code from ${asker} in your browser?` });
}

test('a guest’s code run in the executor’s browser reads none of the executor’s notebooks, settings or key', async ({ browser, baseURL }) => {
  test.setTimeout(4 * BOOT_TIMEOUT);
  const ada = await person(browser, 'Ada', '#d33682', { 'anode.ai.apiKey': SECRET });
  const bob = await person(browser, 'Bob', '#268bd2');
  const privateText = '# Ada’s diary: the launch is on Friday';
  const link = await adaSharesANewNotebook(ada, privateText);
  await bob.goto(link);
  await expect(cell(bob).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(bob.getByTestId('executor')).toHaveText(/Ada’s browser/, { timeout: UI_TIMEOUT });
  await snapshotStored(ada);
  const before = await appState(ada);

  await setSource(bob, probeCode(baseURL!));
  await bob.keyboard.press('Control+Enter');
  // Asked once, naming who; the code runs only after the answer.
  const dialog = consentDialog(ada, 'Bob');
  await expect(dialog).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(dialog).toContainText('sandboxed');
  await expect(cell(bob)).toHaveAttribute('data-run-state', 'queued');
  await dialog.getByRole('button', { name: 'Run code from others' }).click();

  const out = cell(bob).locator('.outputs');
  await expect(out).toContainText('PROBES DONE', { timeout: BOOT_TIMEOUT });
  await expect(cell(bob)).toContainText(/Done in/);
  expectNothingReached(await verdicts(out));
  const text = await out.innerText();
  for (const leak of [SECRET, 'launch is on Friday', 'anode:nb:', 'anode:library']) expect(text).not.toContain(leak);
  expect(await appState(ada)).toEqual(before);

  // The answer holds for the room: Bob's next run is not asked about again.
  await setSource(bob, 'print("second run")');
  await bob.keyboard.press('Control+Enter');
  await expect(cell(bob).locator('.outputs')).toContainText('second run', { timeout: BOOT_TIMEOUT });
  await expect(consentDialog(ada, 'Bob')).toHaveCount(0);
});

test('declining to run a peer’s code leaves it to the next peer who offers, and the answer is remembered for the room', async ({ browser }) => {
  test.setTimeout(4 * BOOT_TIMEOUT);
  const ada = await person(browser, 'Ada', '#d33682');
  const bob = await person(browser, 'Bob', '#268bd2');
  await ada.goto('./');
  await expect(cell(ada).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  const link = await shareOpenNotebook(ada);
  await bob.goto(link);
  await expect(bob.getByTestId('executor')).toHaveText(/Ada’s browser/, { timeout: UI_TIMEOUT });
  await expect(kernelStatus(bob)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });

  await setSource(bob, 'print("ran in", "a browser")');
  await bob.keyboard.press('Control+Enter');
  await consentDialog(ada, 'Bob').getByRole('button', { name: 'Don’t run' }).click();
  // Ada withdraws from running this room's code: Bob's own browser takes his run.
  await expect(bob.getByTestId('executor')).toHaveText(/your browser/, { timeout: UI_TIMEOUT });
  await expect(cell(bob).locator('.outputs')).toContainText('ran in a browser', { timeout: BOOT_TIMEOUT });
  await expect(cell(ada).locator('.outputs')).toContainText('ran in a browser', { timeout: UI_TIMEOUT });
  await expect(ada.getByTestId('consent-declined')).toBeVisible();
  await expect(ada.getByTestId('executor')).toHaveText(/Bob’s browser/);

  // Remembered for this room on Ada's device: after a reload she is not asked again and still does not run it.
  await ada.reload();
  await expect(cell(ada).locator('.cm-content')).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(ada.getByTestId('consent-declined')).toBeVisible({ timeout: UI_TIMEOUT });
  await expect(ada.getByTestId('executor')).toHaveText(/Bob’s browser/, { timeout: UI_TIMEOUT });
  await expect(consentDialog(ada, 'Bob')).toHaveCount(0);
});
