import type { BrowserContext } from '@playwright/test';

export function prepareSnapshot(appURL: string, executablePath: string): Promise<{ close: () => Promise<void>; bytes: number }>;
export function seedSnapshot(context: BrowserContext, appURL: string): Promise<void>;
