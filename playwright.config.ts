import { defineConfig } from '@playwright/test';

const PORT = Number(process.env.E2E_PORT ?? 4180);
const SIGNALING_PORT = Number(process.env.E2E_SIGNALING_PORT ?? 4450);

/**
 * Real Chromium (Debian's), against the built app served exactly as `npm start` serves it.
 * Flags: as root Chromium needs --no-sandbox; the background-networking flags stop it dialling Google on a
 * machine with no internet; loopback + fake media permission let WebRTC gather 127.0.0.1 candidates.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}/`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--allow-loopback-in-peer-connection',
        '--use-fake-ui-for-media-stream',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `node scripts/serve.mjs`,
    url: `http://127.0.0.1:${PORT}/`,
    env: { PORT: String(PORT), SIGNALING_PORT: String(SIGNALING_PORT) },
    reuseExistingServer: false,
    timeout: 30_000,
  },
});
