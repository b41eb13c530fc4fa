// What the WebSocket endpoints `npm start` serves beside the app (signaling, the relay) share: ws's server on the
// upgrade requests of an existing HTTP server, routed by path, and running alone as a small server of their own.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// ws's Node entry by its file: under a `browser` resolve condition (Vitest runs with Solid's) 'ws' is its
// browser stub, which has no server.
const require = createRequire(import.meta.url);
const { WebSocketServer } = require(join(dirname(require.resolve('ws/package.json')), 'index.js'));

/**
 * Answers upgrade requests on `server` that `route(pathname)` claims: it returns the connection handler
 * (`(ws, request) => void`), null for a request that is its own but refused (the socket is destroyed), or undefined
 * for one it leaves to another endpoint on the server. Returns a close function.
 */
export function attachEndpoint(server, { maxPayload, route }) {
  const wss = new WebSocketServer({ noServer: true, maxPayload });
  const onUpgrade = (request, socket, head) => {
    const handle = route(new URL(request.url ?? '/', 'http://x').pathname);
    if (handle === undefined) return;
    if (handle === null) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => handle(ws, request));
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const c of wss.clients) c.terminate();
    wss.close();
  };
}

/**
 * When `moduleUrl` is the script Node was started with: serves `attach` alone on PORT (default `port`) and HOST
 * (default 127.0.0.1), answering on every path.
 */
export function runAlone(moduleUrl, { name, port, attach }) {
  if (!process.argv[1] || moduleUrl !== pathToFileURL(process.argv[1]).href) return;
  const server = createServer((_req, res) => res.end(`Anode ${name}\n`));
  attach(server);
  const p = Number(process.env.PORT ?? port);
  const host = process.env.HOST ?? '127.0.0.1';
  server.listen(p, host, () => console.log(`${name} on ws://${host}:${p}/`));
}
