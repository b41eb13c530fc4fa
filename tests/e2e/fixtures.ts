/**
 * Playwright's `test`, with every context starting as a returning user's browser does: with the interpreter
 * snapshot an earlier visit stored (helpers/python-snapshot.mjs). Specs use this `test`; those about the very
 * first boot import Playwright's own.
 */
import { test as base, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from '@playwright/test';
import { seedSnapshot } from './helpers/python-snapshot.mjs';

export { expect } from '@playwright/test';
export type { Browser, BrowserContext, Locator, Page } from '@playwright/test';

const APP_URL = process.env.E2E_APP_URL ?? `http://127.0.0.1:${process.env.E2E_PORT ?? 4180}/`;

export const test = base.extend({
  context: async ({ context }, use) => {
    await seedSnapshot(context, APP_URL);
    await use(context);
  },
});

/** browser.newContext(), seeded like the fixture's. */
export async function newContext(browser: Browser, options?: BrowserContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await seedSnapshot(context, APP_URL);
  return context;
}

/** browser.newPage(), in a seeded context of its own (closing the page closes it). */
export async function newPage(browser: Browser, options?: BrowserContextOptions): Promise<Page> {
  const context = await newContext(browser, options);
  const page = await context.newPage();
  page.on('close', () => void context.close());
  return page;
}
