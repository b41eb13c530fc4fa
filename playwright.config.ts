import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './tests/chromium-args.mjs';

const PORT = Number(process.env.E2E_PORT ?? 4180);
const SIGNALING_PORT = Number(process.env.E2E_SIGNALING_PORT ?? 4450);

/** Real Chromium (Debian's, flags in tests/chromium-args.mjs), against the built app served as `npm start` serves it. */
export default defineConfig({
  testDir: 'tests/e2e',
  // A test that boots Python (and some boot two) needs more than a minute when the 2-core machine is loaded.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  // One retry everywhere: a test that passes only on its retry is reported as flaky, and a loaded 2-core machine makes some.
  retries: 1,
  reporter: [['list']],
  globalSetup: './tests/e2e/global-setup.mjs',
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
    },
    trace: 'retain-on-failure',
    // The service worker precaches ~15 MB per fresh context; only the PWA specs (which opt back in) need it.
    serviceWorkers: 'block',
  },
  webServer: {
    command: `node scripts/serve.mjs`,
    url: `http://127.0.0.1:${PORT}/`,
    env: { PORT: String(PORT), SIGNALING_PORT: String(SIGNALING_PORT) },
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
