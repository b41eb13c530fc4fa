// A y-websocket relay on a path of an existing HTTP server (default `/relay`): rooms that configure
// `ws(s)://<host>/relay` sync through it besides (or, where WebRTC is blocked, instead of) the mesh. The engine is
// the maintained `@y/websocket-server` (its `setupWSConnection`), unchanged: Anode only ever sends it sealed
// updates (src/sync/relay.ts), so what it keeps in memory, and forwards, is ciphertext.
//
// Run alone (`node scripts/relay.mjs`, PORT default 1234, HOST default 127.0.0.1) it answers on every path, like
// `npx @y/websocket-server` (`HOST=0.0.0.0 PORT=1234 npx y-websocket` does the same job with nothing of Anode).
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setupWSConnection } from '@y/websocket-server/utils';

// ws's Node entry by its file (see scripts/signaling.mjs).
const require = createRequire(import.meta.url);
const { WebSocketServer } = require(join(dirname(require.resolve('ws/package.json')), 'index.js'));

/** Whether `pathname` is one of the relay's rooms under `path` (`/relay/<room…>`). */
export function isRelayPath(pathname, path = '/relay') {
  return pathname.startsWith(`${path}/`) && pathname.length > path.length + 1;
}

/** Serves the relay on `server` for upgrade requests under `path`; other upgrades are left alone. Returns a close. */
export function attachRelay(server, { path = '/relay' } = {}) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024 });
  const onUpgrade = (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname;
    if (!isRelayPath(pathname, path)) return;
    let docName;
    try {
      // The room is the rest of the path: one Yjs document (of sealed entries) per room.
      docName = decodeURIComponent(pathname.slice(path.length + 1));
    } catch {
      socket.destroy(); // a malformed escape: no room, and no crash of the server
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => setupWSConnection(ws, request, { docName }));
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const c of wss.clients) c.terminate();
    wss.close();
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = createServer((_req, res) => res.end('Anode relay\n'));
  attachRelay(server, { path: '' });
  const port = Number(process.env.PORT ?? 1234);
  const host = process.env.HOST ?? '127.0.0.1';
  server.listen(port, host, () => console.log(`relay on ws://${host}:${port}/`));
}
