/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';
import { VitePWA } from 'vite-plugin-pwa';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const pyodideDir = dirname(require.resolve('pyodide/package.json'));
/** Pyodide's core, served by the app itself (never from a CDN) under `pyodide/`. */
const PYODIDE_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];
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
        if (!m || !PYODIDE_FILES.includes(m[1]!)) return next();
        res.setHeader('Content-Type', MIME[m[1]!.split('.').pop()!] ?? 'application/octet-stream');
        res.end(readFileSync(join(pyodideDir, m[1]!)));
      });
    },
    generateBundle() {
      for (const f of PYODIDE_FILES) {
        this.emitFile({ type: 'asset', fileName: `pyodide/${f}`, source: readFileSync(join(pyodideDir, f)) });
      }
    },
  };
}

export default defineConfig({
  // Relative asset paths: the same build works at a domain's root and under any sub-path.
  base: './',
  define: {
    __PYODIDE_VERSION__: JSON.stringify(PYODIDE_VERSION),
    __DEFAULT_PACKAGE_BASE__: JSON.stringify(
      process.env.ANODE_PACKAGE_BASE_URL ?? `https://cdn.jsdelivr.net/pyodide/v${PYODIDE_VERSION}/full/`,
    ),
    __DEFAULT_SIGNALING__: JSON.stringify(process.env.ANODE_SIGNALING_URLS ?? 'ws://127.0.0.1:4444'),
  },
  plugins: [
    solid(),
    pyodideCore(),
    VitePWA({
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
      workbox: {
        globPatterns: ['**/*.{js,mjs,css,html,svg,png,ico,wasm,zip,json,py,woff2}'],
        maximumFileSizeToCacheInBytes: 32 * 1024 * 1024,
      },
    }),
  ],
  optimizeDeps: { exclude: ['pyodide'] },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1200 },
  test: {
    environment: 'node',
    include: ['tests/unit/**/*.test.ts'],
  },
});
