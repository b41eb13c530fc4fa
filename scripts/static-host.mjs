// Serving a built app as a static host does: the one request handler behind `npm start` (serve.mjs), the PWA e2e
// hosts and the PWA bench, so that all of them send the same types and caching headers.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';

export const CONTENT_TYPES = {
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

/** What makes the page cross-origin isolated (interrupt and input() need SharedArrayBuffer). */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * A request handler serving `root()` (a function: a test swaps builds, as a new deployment does) under `prefix`.
 * `isolate`: send the isolation headers (`npm start` does; GitHub Pages and most CDNs do not). `onFile(rel, size)`
 * is told of every file sent.
 */
export function staticHandler({ root, prefix = '/', isolate = true, onRequest, onFile }) {
  return (req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!pathname.startsWith(prefix)) return void res.writeHead(404).end('Not found');
    const rel = pathname.slice(prefix.length);
    onRequest?.(rel);
    const base = normalize(root());
    let file = normalize(join(base, rel));
    if (file !== base && !file.startsWith(base + sep)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    const size = statSync(file).size;
    onFile?.(rel, size);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': size,
      ...(isolate ? ISOLATION_HEADERS : {}),
      // The HTML, the manifest and the scripts outside assets/ (the service worker) are revalidated, or a new
      // deployment goes unnoticed; hashed assets may be cached.
      'Cache-Control': /\.(html|js|webmanifest)$/.test(file) && !file.includes(`${sep}assets${sep}`) ? 'no-cache' : 'public, max-age=3600',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  };
}
