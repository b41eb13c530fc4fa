#!/usr/bin/env node
// `npx anode-runtime "<room link>"`: the headless runtime agent (src/runtime). Its TypeScript is bundled for Node
// with rolldown (Vite's bundler) on every start, which takes about a second and is never stale; the native WebRTC
// binding and `ws` stay outside the bundle, loaded from node_modules.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'node_modules', '.cache', 'anode-runtime', 'agent.mjs');

/** Bundles src/runtime/main.ts into `out`; returns its path. */
async function buildRuntime() {
  mkdirSync(dirname(out), { recursive: true });
  await build({
    input: join(root, 'src', 'runtime', 'main.ts'),
    platform: 'node',
    external: ['@roamhq/wrtc', 'ws'],
    logLevel: 'warn',
    // Vite's `?raw` imports (the Python helpers src/kernel/jupyter installs in the kernel): the file as a string.
    plugins: [
      {
        name: 'raw',
        resolveId: (id, importer) => (id.endsWith('?raw') && importer ? join(dirname(importer), id) : null),
        load: (id) => (id.endsWith('?raw') ? `export default ${JSON.stringify(readFileSync(id.slice(0, -4), 'utf8'))};` : null),
      },
    ],
    output: { file: out, format: 'esm', codeSplitting: false },
  });
  return out;
}

await import(pathToFileURL(await buildRuntime()).href);
