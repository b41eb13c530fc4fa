/**
 * Driving the app like a user, for any e2e spec: open it, wait for an editable cell, find cells by index, type
 * into a cell, read what a cell shows. Selectors are the UI's visible contract (data-cell-id, .cm-content,
 * aria-labels), never component internals.
 */
import { readFileSync } from 'node:fs';
import { expect, type Browser, type BrowserContext, type Locator, type Page } from '@playwright/test';
import { newContext } from '../fixtures';

/** Generous: the page shares 2 cores with Pyodide booting and other test runs. */
export const UI_TIMEOUT = 30_000;
/** Python has to boot before a code cell's first output. */
export const KERNEL_TIMEOUT = 90_000;

/** Every cell on the page, in notebook order. */
export function cells(page: Page): Locator {
  return page.locator('[data-cell-id]');
}

/** The cell at `index` (0-based). */
export function cell(page: Page, index: number): Locator {
  return cells(page).nth(index);
}

/** The CodeMirror content element (what receives typing) of the cell at `index`. */
export function editor(page: Page, index: number): Locator {
  return cell(page, index).locator('.cm-content');
}

/** Waits until the cell at `index` shows an editor that is ready for input. */
export async function waitForEditor(page: Page, index = 0): Promise<void> {
  await expect(editor(page, index)).toBeVisible({ timeout: UI_TIMEOUT });
}

/**
 * Opens the app at `hash` (default: the start page) and waits for the first cell's editor when a notebook is
 * shown. On a fresh profile the start page is a new "Untitled" notebook.
 */
export async function openApp(page: Page, hash = ''): Promise<void> {
  await page.goto('./' + hash);
  await page.locator('.notebook, .home, .not-found').first().waitFor({ timeout: UI_TIMEOUT });
  if (await page.locator('.notebook').count()) await waitForEditor(page, 0);
}

/** Opens the app on a fresh profile and returns the new notebook's id (from its `#/n/<id>` URL). */
export async function openNewNotebook(page: Page): Promise<string> {
  await openApp(page);
  await expect(page).toHaveURL(/#\/n\/[a-z0-9]+$/, { timeout: UI_TIMEOUT });
  return notebookIdFromUrl(page.url());
}

export function notebookIdFromUrl(url: string): string {
  const m = /#\/n\/([a-z0-9]+)$/.exec(url);
  if (!m) throw new Error(`not a notebook URL: ${url}`);
  return m[1]!;
}

/** Clicks into the cell's editor (edit mode), moves to the end of its text, and types `text` key by key. */
export async function typeInCell(page: Page, index: number, text: string): Promise<void> {
  await editor(page, index).click();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.type(text);
}

/** Replaces the cell's whole source with `text`, inserted at once (no auto-indent or bracket closing). */
export async function setCellText(page: Page, index: number, text: string): Promise<void> {
  await editor(page, index).click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  if (text) await page.keyboard.insertText(text);
}

/** The cell's source as its editor shows it, lines joined by "\n", without other people's caret labels. */
export async function cellText(page: Page, index: number): Promise<string> {
  const lines = await cell(page, index)
    .locator('.cm-line')
    .evaluateAll((els) =>
      els.map((el) => {
        const copy = el.cloneNode(true) as HTMLElement;
        copy.querySelectorAll('.cm-ySelectionCaret, .cm-ySelectionInfo').forEach((w) => w.remove());
        return (copy.textContent ?? '').replace(/\u2060/g, '');
      }),
    );
  return lines.join('\n');
}

/** Polls the cell's source until it equals `expected`. */
export async function expectCellText(page: Page, index: number, expected: string): Promise<void> {
  await expect.poll(() => cellText(page, index), { timeout: UI_TIMEOUT }).toBe(expected);
}

/** Leaves edit mode with Escape and waits until the notebook is in command mode. */
export async function commandMode(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await expect(page.locator('.cell.editing')).toHaveCount(0);
}

/** Shares the notebook open in `page` with the Share button; returns the link (the dialog is closed again). */
export async function shareOpenNotebook(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  const link = await page.getByLabel('Share link').inputValue();
  await page.keyboard.press('Escape');
  return link;
}

/** This run's y-webrtc signaling server (playwright.config.ts starts it beside the app). */
export const SIGNALING_URL = `ws://127.0.0.1:${process.env.E2E_SIGNALING_PORT ?? 4450}`;

/**
 * A person in their own browser context (own storage: only WebRTC carries the sync), named and coloured, on this
 * run's signaling server (or, with `signaling` null, the one the app serves on its own origin); confirmation dialogs are accepted. The context joins `contexts` for the spec to close.
 */
export async function openPerson(
  browser: Browser,
  contexts: BrowserContext[],
  name: string,
  color = '#268bd2',
  /** null: no signaling setting, so the build's default (the app's own origin, /signal) is used. */
  signaling: string | null = SIGNALING_URL,
): Promise<Page> {
  // Media permission: without it Chromium gathers no loopback ICE candidates on a network-less machine.
  const context = await newContext(browser, { permissions: ['camera', 'microphone'] });
  contexts.push(context);
  await context.addInitScript(
    ({ signaling, user }) => {
      // The app's page only: sandboxed frames (the kernel's, outputs) have no storage.
      if (window !== window.top) return;
      if (signaling !== null) localStorage.setItem('anode.signaling', signaling);
      localStorage.setItem('anode.user', JSON.stringify(user));
    },
    { signaling, user: { name, color } },
  );
  const page = await context.newPage();
  page.on('dialog', (d) => void d.accept());
  return page;
}

/** Every stored notebook document on this page's device, as text (y-indexeddb keeps binary Yjs updates). */
export async function storedNotebooks(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const open = (name: string): Promise<IDBDatabase> =>
      new Promise((resolve, reject) => {
        const r = indexedDB.open(name);
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
    const texts: string[] = [];
    for (const { name } of await indexedDB.databases()) {
      if (!name?.startsWith('anode:nb:')) continue;
      const db = await open(name);
      if (db.objectStoreNames.contains('updates')) {
        const rows = await new Promise<unknown[]>((resolve, reject) => {
          const r = db.transaction('updates').objectStore('updates').getAll();
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
        });
        for (const row of rows) if (row instanceof Uint8Array) texts.push(new TextDecoder('latin1').decode(row));
      }
      db.close();
    }
    return texts.join('\n');
  });
}

/** Chooses `item` in the Export menu; the downloaded file's name and text. */
export async function exportAs(page: Page, item: 'Export .ipynb' | 'Export .py' | 'Export HTML'): Promise<{ name: string; text: string }> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: item }).click();
  const d = await download;
  return { name: d.suggestedFilename(), text: readFileSync(await d.path(), 'utf8') };
}

/** Chooses "Export .ipynb" in the Export menu; the downloaded file's name and text. */
export function exportIpynb(page: Page): Promise<{ name: string; text: string }> {
  return exportAs(page, 'Export .ipynb');
}

/** The Files sidebar panel. */
export function filesPanel(page: Page): Locator {
  return page.getByRole('region', { name: 'Files' });
}

/** Opens the Files panel (the button toggles: a sidebar remembered open may still be rendering, so look first). */
export async function openFiles(page: Page): Promise<void> {
  await expect(async () => {
    if (!(await filesPanel(page).isVisible())) await page.getByRole('button', { name: 'Files', exact: true }).click();
    await expect(filesPanel(page)).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
}

/** The executor's user answers the once-per-room question before a peer's code first runs in their browser. */
export async function allowPeerCode(page: Page, asker: string): Promise<void> {
  const dialog = page.getByRole('dialog', { name: `Run code from ${asker} in your browser?` });
  // Asked once the executor sees the run, even while its Python is still starting.
  await expect(dialog).toBeVisible({ timeout: KERNEL_TIMEOUT });
  await dialog.getByRole('button', { name: 'Run code from others' }).click();
}
