#!/usr/bin/env node
// Serves the built app (dist/) on 127.0.0.1 with the cross-origin isolation headers that interrupt and input()
// need, and starts y-webrtc's own signaling server beside it. PORT (default 4173), SIGNALING_PORT (default 4444),
// NO_SIGNALING=1 to skip it, DIST to serve another folder.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = resolve(process.env.DIST ?? join(fileURLToPath(new URL('..', import.meta.url)), 'dist'));
const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.wasm': 'application/wasm',
  '.zip': 'application/zip',
  '.whl': 'application/zip',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.py': 'text/x-python; charset=utf-8',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

if (!existsSync(join(root, 'index.html'))) {
  console.error(`No build in ${root}: run "npm run build" first (npm start does).`);
  process.exit(1);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  let path = normalize(join(root, decodeURIComponent(url.pathname)));
  if (path !== root && !path.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
  if (!existsSync(path)) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(path)] ?? 'application/octet-stream',
    'Content-Length': statSync(path).size,
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // The service worker and the HTML must be revalidated, or a new deployment goes unnoticed.
    'Cache-Control': /\.(html|js|webmanifest)$/.test(path) && !path.includes(`${sep}assets${sep}`) ? 'no-cache' : 'public, max-age=3600',
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(path).pipe(res);
});

let signaling;
if (process.env.NO_SIGNALING !== '1') {
  const require = createRequire(import.meta.url);
  // y-webrtc's exports map hides package.json: find the bin from the main entry (dist/y-webrtc.cjs).
  const bin = join(dirname(require.resolve('y-webrtc')), '..', 'bin', 'server.js');
  const sport = process.env.SIGNALING_PORT ?? '4444';
  signaling = spawn(process.execPath, [bin], { env: { ...process.env, PORT: sport }, stdio: 'inherit' });
  signaling.on('exit', (code) => code && console.error(`signaling server exited (${code})`));
}

server.listen(port, host, () => {
  console.log(`Anode is running at http://${host}:${port}/`);
});

function stop() {
  signaling?.kill();
  server.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
