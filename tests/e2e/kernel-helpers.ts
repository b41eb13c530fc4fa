/**
 * Driving a notebook like a user does, for the kernel's e2e specs: type into a cell's editor, run it with the
 * keyboard, read what appears in its outputs. Selectors are the UI's contract (see the kernel issue).
 */
import { expect, type Locator, type Page } from '@playwright/test';

export const BOOT_TIMEOUT = 90_000;

/** The kernel status element; its text is starting / idle / busy / dead. */
export function kernelStatus(page: Page): Locator {
  return page.locator('[data-testid="kernel-status"]');
}

/** Opens the app on a fresh notebook and waits for the kernel to be ready. */
export async function openNotebook(page: Page, init?: { packageBaseURL?: string }): Promise<void> {
  if (init?.packageBaseURL) {
    // The app's page only: sandboxed frames (the kernel's, outputs) have no storage.
    await page.addInitScript((url) => window === window.top && localStorage.setItem('anode.packageBaseURL', url), init.packageBaseURL);
  }
  // Restart asks for confirmation in some UIs: a test that restarts means it.
  page.on('dialog', (d) => void d.accept());
  await page.goto('./');
  await expect(page.locator('[data-cell-id]').first()).toBeVisible({ timeout: BOOT_TIMEOUT });
  await expect(kernelStatus(page)).toHaveText(/idle/i, { timeout: BOOT_TIMEOUT });
}

export function cell(page: Page, index = 0): Locator {
  return page.locator('[data-cell-id]').nth(index);
}

export function outputs(page: Page, index = 0): Locator {
  return cell(page, index).locator('.outputs');
}

/** Replaces the cell's source with `code` as typed text (no auto-indent or bracket closing). */
export async function setSource(page: Page, code: string, index = 0): Promise<void> {
  const editor = cell(page, index).locator('.cm-content');
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(code);
}

/** Types `code` into the cell and runs it in place with Ctrl+Enter; returns the cell's output locator. */
export async function run(page: Page, code: string, index = 0): Promise<Locator> {
  await setSource(page, code, index);
  await page.keyboard.press('Control+Enter');
  return outputs(page, index);
}

/** Runs `code` and waits until the kernel is idle again with `expected` shown. */
export async function runAndSee(page: Page, code: string, expected: string | RegExp, index = 0): Promise<Locator> {
  const out = await run(page, code, index);
  await expect(out).toContainText(expected);
  await expect(kernelStatus(page)).toHaveText(/idle/i);
  return out;
}
