// One interpreter snapshot for the whole e2e run. Every spec's browser context starts with empty storage, so every
// page would boot Python from scratch (unpacking the standard library, importing IPython: most of a test's time).
// A user's second visit starts from the snapshot the first one stored; the tests start there too: global-setup
// boots the app once, takes the snapshot the app stored, and each new context gets a copy in its Cache Storage
// before its first page opens (tests/e2e/fixtures.ts). Specs about the first boot itself (kernel-snapshot) use
// Playwright's own `test`, whose contexts stay empty.
import { createServer } from 'node:http';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../chromium-args.mjs';

// As src/kernel/snapshot.ts names them.
const CACHE_PREFIX = 'anode-python-snapshot-';
const CACHE_KEY = 'https://anode.invalid/python-memory-snapshot';

/**
 * Serves the snapshot to test pages (CORS: they fetch it from the app's origin) and takes it once from the page
 * that made it. Resolves to { url, close }.
 */
function snapshotServer() {
  let body = null;
  const server = createServer((req, res) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type');
    res.setHeader('cross-origin-resource-policy', 'cross-origin');
    if (req.method === 'OPTIONS') return void res.end();
    if (req.method === 'POST') {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        body = Buffer.concat(chunks);
        res.end('ok');
      });
      return;
    }
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}/snapshot`, size: () => body?.length ?? 0, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** Boots the app once in Chromium and keeps the snapshot it stores; sets the env the fixtures read. */
export async function prepareSnapshot(appURL, executablePath) {
  const served = await snapshotServer();
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await (await browser.newContext({ serviceWorkers: 'block' })).newPage();
    await page.goto(appURL);
    await page.locator('[data-testid="kernel-status"]').filter({ hasText: /idle/i }).waitFor({ timeout: 180_000 });
    const cache = await page.evaluate(
      async ({ prefix, key, url }) => {
        for (let i = 0; i < 600; i++) {
          for (const name of await caches.keys()) {
            if (!name.startsWith(prefix)) continue;
            const res = await (await caches.open(name)).match(key);
            if (!res) continue;
            await fetch(url, { method: 'POST', body: await res.arrayBuffer(), headers: { 'content-type': 'application/octet-stream' } });
            return name;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        return null;
      },
      { prefix: CACHE_PREFIX, key: CACHE_KEY, url: served.url },
    );
    if (!cache || !served.size()) throw new Error('The app stored no interpreter snapshot');
    process.env.E2E_SNAPSHOT_URL = served.url;
    process.env.E2E_SNAPSHOT_CACHE = cache;
    return { close: served.close, bytes: served.size() };
  } catch (e) {
    await served.close();
    throw e;
  } finally {
    await browser.close();
  }
}

/**
 * Puts the run's snapshot into a fresh context's Cache Storage, as the app itself would have on an earlier visit.
 * Must run before the context's first app page opens. A run without one (a single spec run without global setup)
 * leaves the context as it is.
 */
export async function seedSnapshot(context, appURL) {
  const url = process.env.E2E_SNAPSHOT_URL;
  const cache = process.env.E2E_SNAPSHOT_CACHE;
  if (!url || !cache) return;
  const page = await context.newPage();
  try {
    // Any page of the app's origin that does not start the app.
    await page.goto(new URL('favicon.svg', appURL).href);
    await page.evaluate(
      async ({ url, cache, key }) => {
        const res = await fetch(url);
        if (!res.ok) throw new Error(`snapshot: HTTP ${res.status}`);
        await (await caches.open(cache)).put(key, new Response(await res.blob(), { headers: { 'content-type': 'application/octet-stream' } }));
      },
      { url, cache, key: CACHE_KEY },
    );
  } finally {
    await page.close();
  }
}
