/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';
import { VitePWA } from 'vite-plugin-pwa';
import { existsSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
// Pyodide's core, served by the app itself (never from a CDN) under `pyodide/`.
import { CORE_FILES } from './src/kernel/host-fetch';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const pyodideDir = dirname(require.resolve('pyodide/package.json'));
const PYODIDE_VERSION: string = JSON.parse(readFileSync(join(pyodideDir, 'package.json'), 'utf8')).version;

const MIME: Record<string, string> = {
  mjs: 'text/javascript',
  wasm: 'application/wasm',
  zip: 'application/zip',
  json: 'application/json',
};

/** Copies Pyodide's core into the build and serves it in dev, with the isolation headers interrupt needs. */
function pyodideCore(): Plugin {
  return {
    name: 'anode-pyodide-core',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
        res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
        const m = /\/pyodide\/([\w.-]+)$/.exec(req.url?.split('?')[0] ?? '');
        if (!m || !CORE_FILES.includes(m[1]!)) return next();
        res.setHeader('Content-Type', MIME[m[1]!.split('.').pop()!] ?? 'application/octet-stream');
        res.end(readFileSync(join(pyodideDir, m[1]!)));
      });
    },
    generateBundle() {
      for (const f of CORE_FILES) {
        this.emitFile({ type: 'asset', fileName: `pyodide/${f}`, source: readFileSync(join(pyodideDir, f)) });
      }
    },
  };
}

/**
 * Subresource integrity for every precached file: the service worker's install fetches each with its hash, so what
 * it caches (and serves from then on) is byte for byte what this build wrote, or nothing. Key order matters to
 * scripts/vendor-packages.mjs, which updates the lock file's revision and integrity in sw.js.
 */
function withIntegrity(dist: () => string) {
  return (entries: Array<{ url: string; revision: string | null; size: number }>) => ({
    manifest: entries.map((e) => {
      const file = join(dist(), e.url);
      if (!existsSync(file)) return e;
      const integrity = `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`;
      return { revision: e.revision, url: e.url, integrity, size: e.size };
    }),
  });
}

/**
 * The package base URL as code. An absolute URL stays a string. A relative one (`./pyodide/packages/`, a vendored
 * build: scripts/vendor-packages.mjs) is resolved against the page's base at run time, so the same build works at
 * any sub-path. Only the page reads it: the kernel gets the resolved URL with its boot options.
 */
function packageBaseDefine(raw: string): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(raw) || raw.startsWith('/')) return JSON.stringify(raw);
  return `new URL(${JSON.stringify(raw)}, document.baseURI).href`;
}

/** The build's output folder, once Vite has resolved it (a test build may write elsewhere than dist/). */
let outDir = 'dist';
const captureOutDir: Plugin = {
  name: 'anode-out-dir',
  configResolved(config) {
    outDir = resolve(config.root, config.build.outDir);
  },
};

export default defineConfig({
  // Relative asset paths: the same build works at a domain's root and under any sub-path.
  base: './',
  define: {
    __PYODIDE_VERSION__: JSON.stringify(PYODIDE_VERSION),
    __DEFAULT_PACKAGE_BASE__: packageBaseDefine(
      process.env.ANODE_PACKAGE_BASE_URL || `https://cdn.jsdelivr.net/pyodide/v${PYODIDE_VERSION}/full/`,
    ),
    // Tells two deployments apart (the service worker's update flow; tests); any string, e.g. a git hash.
    __ANODE_BUILD_ID__: JSON.stringify(process.env.ANODE_BUILD_ID || new Date().toISOString()),
    // Empty: the page's own origin at ./signal (src/sync/settings.ts), which `npm start` serves.
    __DEFAULT_SIGNALING__: JSON.stringify(process.env.ANODE_SIGNALING_URLS ?? ''),
    __DEFAULT_RELAY__: JSON.stringify(process.env.ANODE_RELAY_URL ?? ''),
    // Empty: simple-peer's public STUN servers (src/sync/ice.ts).
    __DEFAULT_ICE_SERVERS__: JSON.stringify(process.env.ANODE_ICE_SERVERS ?? ''),
  },
  plugins: [
    solid(),
    captureOutDir,
    pyodideCore(),
    VitePWA({
      // Our own worker (src/pwa/sw.ts): generateSW cannot add the COOP/COEP headers static hosts lack, nor
      // cache packages from the package base URL the way the kernel fetches them. Registered by src/pwa.
      strategies: 'injectManifest',
      srcDir: 'src/pwa',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: null,
      manifest: {
        name: 'Anode',
        short_name: 'Anode',
        description: 'Collaborative Python notebooks that run in your browser',
        theme_color: '#1f2937',
        background_color: '#ffffff',
        display: 'standalone',
        start_url: './',
        scope: './',
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The shell and Pyodide's core (wasm 9.6 MB, stdlib zip 2.5 MB: over Workbox's 2 MiB default). KaTeX's
        // woff/ttf fallbacks are left out (every browser that runs Pyodide takes woff2); vendored packages are
        // cached on first use instead of all at install (scripts/vendor-packages.mjs).
        // (The manifest and its icons are added by the plugin itself.)
        globPatterns: ['**/*.{js,mjs,css,html,svg,ico,wasm,zip,json,py,woff2}'],
        // DuckDB (SQL cells, 34 MB of wasm) is cached on first use instead (src/pwa/sw.ts): most notebooks never
        // run SQL, and the install must not download it for them.
        // The chart libraries (Vega 0.85 MB, Plotly 4.6 MB: src/ui/outputs/charts) likewise, on the first chart shown.
        globIgnores: ['pyodide/packages/**', 'sw.js', 'assets/duckdb-*', 'assets/vega-*', 'assets/plotly-*'],
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
        // A classic script: registered without `type: 'module'`, so every browser with service workers runs it.
        rollupFormat: 'iife',
        manifestTransforms: [withIntegrity(() => outDir)],
      },
    }),
  ],
  optimizeDeps: { exclude: ['pyodide'] },
  // A classic worker: the kernel sandbox starts it from a blob URL in an opaque origin, where module workers fail.
  worker: { format: 'iife' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Libraries that change rarely get chunks of their own, so a deployment that only changes the app's code
        // makes returning users (and the service worker's update) download only the app chunk. Only libraries the
        // shell loads eagerly are listed: grouping a lazily imported one (the Anthropic SDK) would make it eager.
        codeSplitting: {
          groups: [
            // Not the markdown editing grammars (markdown, HTML, CSS, JS): the editor loads them lazily on first use.
            {
              name: 'codemirror',
              test: /node_modules[\\/](@codemirror[\\/](?!lang-(markdown|html|css|javascript)|legacy-modes)|@lezer[\\/](?!markdown|html|css|javascript)|codemirror|style-mod|w3c-keyname|crelt)/,
            },
            // Not y-webrtc and simple-peer (loaded on joining a room) nor KaTeX (loaded on the first math shown).
            { name: 'yjs', test: /node_modules[\\/](yjs|y-indexeddb|y-protocols|lib0)[\\/]/ },
            { name: 'markdown', test: /node_modules[\\/](marked|dompurify)[\\/]/ },
          ],
        },
      },
    },
  },
  test: {
    environment: 'node',
    include: ['tests/unit/**/*.test.ts'],
    // Real Pyodide and real timers: seconds per test when the 2-core machine is busy (Vitest's default is 5 s).
    testTimeout: 30_000,
  },
});
