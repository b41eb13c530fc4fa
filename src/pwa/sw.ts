/// <reference lib="webworker" />
/**
 * Anode's service worker (built by vite-plugin-pwa's injectManifest from this file).
 *
 * - Precaches the shell and Pyodide's core (the manifest vite-plugin-pwa injects), so the app opens offline.
 * - Cache-first for Python packages (wheels and the package lock from any package base URL, and the vendored
 *   `pyodide/packages/` of this origin): a package loaded once loads again offline.
 * - Cache-first for DuckDB's files (SQL cells): too large to precache for every visitor, kept once a SQL cell ran.
 *   Likewise the chart libraries' chunks (Vega-Lite, Plotly), kept once a chart was shown.
 * - Adds COOP/COEP/CORP to the documents and worker scripts it serves, so a static host that cannot set headers still
 *   gets a cross-origin isolated page (SharedArrayBuffer: interrupt and input()). The page reloads once when
 *   this worker first takes control (src/pwa/register.ts), the coi-serviceworker technique.
 * - Updates wait for the user ("A new version is available — Reload" posts SKIP_WAITING): a silent swap under an
 *   open notebook would mix two versions of the code in one tab.
 */
import { setCacheNameDetails } from 'workbox-core';
import { cleanupOutdatedCaches, getCacheKeyForURL, matchPrecache, precache } from 'workbox-precaching';

type ManifestEntry = string | { url: string; revision: string | null };
declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: ManifestEntry[] };

const PACKAGE_CACHE = 'anode-packages-v1';
/** DuckDB's worker and wasm (SQL cells), cached on first use: their names carry content hashes, so never stale. */
const DUCKDB_CACHE = 'anode-duckdb-v1';
/** The chart libraries' lazy chunks (src/ui/outputs/charts), cached on first use: hashed names too. */
const CHARTS_CACHE = 'anode-charts-v1';

/**
 * Pyodide's big files (13 MB) would be downloaded twice on a first visit: once by the kernel, once by the precache,
 * whose revisioned entries are fetched with `cache: 'reload'`. Listed without a revision they are fetched with
 * `cache: 'default'`, which the browser can satisfy from the kernel's own download. What keeps them from going
 * stale is the precache's name instead: it carries a hash of their revisions, so a new Pyodide means a new cache
 * (filled afresh; the old one is deleted on activation). The lock file keeps its revision: the vendoring script
 * changes it without changing Pyodide.
 */
const isCoreBinary = (url: string): boolean => /^pyodide\/(?!pyodide-lock\.json$)[^/]+$/.test(url);

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16);
}

const manifest = self.__WB_MANIFEST;
const coreHash = fnv1a(
  manifest
    .map((e) => (typeof e === 'string' ? null : isCoreBinary(e.url) ? `${e.url}@${e.revision ?? ''}` : null))
    .filter((x): x is string => x !== null)
    .sort()
    .join(','),
);
setCacheNameDetails({ precache: `precache-v2-core-${coreHash}` });
precache(manifest.map((e) => (typeof e !== 'string' && isCoreBinary(e.url) ? { url: e.url, revision: null } : e)));
cleanupOutdatedCaches();

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// The first install takes the open page at once (it has no other worker), so the first visit is already
// offline-capable; an update only activates after SKIP_WAITING, and the page then reloads into it.
self.addEventListener('activate', (event: ExtendableEvent) => {
  event.waitUntil(self.clients.claim());
});

const scope = new URL(self.registration.scope);

/** The same response with the isolation headers a COOP/COEP-less host could not send. */
function isolated(res: Response, sameOrigin: boolean): Response {
  // Opaque and redirect-type responses cannot be rebuilt; error responses carry nothing worth isolating.
  if (res.status === 0 || res.type === 'opaqueredirect') return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  if (sameOrigin && !headers.has('Cross-Origin-Resource-Policy')) headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

/** Package files: wheels (and the zips/tars older locks list) from any base, and this origin's vendored folder. */
function isPackage(url: URL): boolean {
  if (url.origin === scope.origin && url.pathname.startsWith(`${scope.pathname}pyodide/packages/`)) return true;
  return /\.(whl|tar|tgz|zip)$/.test(url.pathname) && !url.pathname.endsWith('/python_stdlib.zip');
}

/** A mirror's own lock file (not the bundled one, which is precached). */
function isMirrorLock(url: URL): boolean {
  return url.pathname.endsWith('/pyodide-lock.json') && url.href !== new URL('pyodide/pyodide-lock.json', scope).href;
}

/**
 * This build's DuckDB files (Vite assets named `duckdb-…` with a content hash), and the DuckDB extensions (parquet,
 * json) duckdb-wasm downloads on first use: their URLs carry DuckDB's version, so a cached one is never stale.
 */
function isDuckdb(url: URL): boolean {
  if (url.origin === 'https://extensions.duckdb.org') return true;
  return url.origin === scope.origin && url.pathname.startsWith(`${scope.pathname}assets/duckdb-`);
}

/** This build's chart library chunks (`assets/vega-….js`, `assets/plotly-….js`: see vite.config.ts). */
function isChartChunk(url: URL): boolean {
  return url.origin === scope.origin && url.pathname.startsWith(`${scope.pathname}assets/`) && /\/(vega|plotly)-[\w-]+\.js$/.test(url.pathname);
}

async function cacheFirst(request: Request, name = PACKAGE_CACHE): Promise<Response> {
  const cache = await caches.open(name);
  const hit = await cache.match(request, { ignoreVary: true });
  if (hit) return hit;
  const res = await fetch(request);
  // Only complete, readable answers: an opaque or partial one would poison the cache for good.
  if (res.ok && res.status === 200 && res.type !== 'opaque') await cache.put(request, res.clone());
  return res;
}

async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(PACKAGE_CACHE);
  try {
    const res = await fetch(request);
    if (res.ok && res.type !== 'opaque') await cache.put(request, res.clone());
    return res;
  } catch (e) {
    const hit = await cache.match(request, { ignoreVary: true });
    if (hit) return hit;
    throw e;
  }
}

/**
 * Only documents and worker scripts need the headers (COOP/COEP decide the isolation of a page or a worker);
 * same-origin subresources need nothing under COEP. Everything else is returned exactly as cached: a rebuilt
 * Response loses the browser's compiled-code cache, and Pyodide's wasm then compiles from scratch on every start.
 */
function needsHeaders(request: Request): boolean {
  return request.mode === 'navigate' || ['worker', 'sharedworker', 'iframe', 'frame'].includes(request.destination);
}

async function handle(request: Request, url: URL): Promise<Response> {
  const sameOrigin = url.origin === scope.origin;
  const finish = (res: Response): Response => (needsHeaders(request) ? isolated(res, sameOrigin) : res);
  const isShell = sameOrigin && (url.pathname === scope.pathname || url.pathname === `${scope.pathname}index.html`);
  if (request.mode === 'navigate' && isShell) {
    // Hash routing: every page of the app is index.html. Served from the precache so it opens offline;
    // a new deployment is noticed by the worker update check, not by this response.
    const shell = await matchPrecache('index.html');
    return finish(shell ?? (await fetch(request)));
  }
  if (sameOrigin) {
    const pre = await matchPrecache(url.href);
    if (pre) return finish(pre);
  }
  if (isDuckdb(url)) return finish(await cacheFirst(request, DUCKDB_CACHE));
  if (isChartChunk(url)) return finish(await cacheFirst(request, CHARTS_CACHE));
  if (isPackage(url)) return finish(await cacheFirst(request));
  if (isMirrorLock(url)) return finish(await networkFirst(request));
  return finish(await fetch(request));
}

self.addEventListener('fetch', (event: FetchEvent) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  const inScope = url.origin === scope.origin && url.pathname.startsWith(scope.pathname);
  // The worker's own script must come from the network, or updates would never be seen.
  if (inScope && url.pathname === `${scope.pathname}sw.js`) return;
  const ours =
    (inScope && (needsHeaders(request) || getCacheKeyForURL(url.href) !== undefined)) || isDuckdb(url) || isChartChunk(url) || isPackage(url) || isMirrorLock(url);
  // Anything else (other sites, other apps on this origin) is left to the browser untouched.
  if (ours) event.respondWith(handle(request, url));
});
