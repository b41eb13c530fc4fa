// A y-websocket relay on a path of an existing HTTP server (default `/relay`): rooms that configure
// `ws(s)://<host>/relay` sync through it besides (or, where WebRTC is blocked, instead of) the mesh. The engine is
// the maintained `@y/websocket-server` (its `setupWSConnection`), unchanged: Anode only ever sends it sealed
// updates (src/sync/relay.ts), so what it keeps in memory, and forwards, is ciphertext.
//
// Run alone (`node scripts/relay.mjs`, PORT default 1234, HOST default 127.0.0.1) it answers on every path, like
// `HOST=0.0.0.0 PORT=1234 npx -p @y/websocket-server y-websocket-server` (the same server, with nothing of Anode).
import { setupWSConnection } from '@y/websocket-server/utils';
import { attachEndpoint, runAlone } from './ws-endpoint.mjs';

/** Whether `pathname` is one of the relay's rooms under `path` (`/relay/<room…>`). */
export function isRelayPath(pathname, path = '/relay') {
  return pathname.startsWith(`${path}/`) && pathname.length > path.length + 1;
}

/** Serves the relay on `server` for upgrade requests under `path`; other upgrades are left alone. Returns a close. */
export function attachRelay(server, { path = '/relay' } = {}) {
  const route = (pathname) => {
    if (!isRelayPath(pathname, path)) return undefined;
    let docName;
    try {
      // The room is the rest of the path: one Yjs document (of sealed entries) per room.
      docName = decodeURIComponent(pathname.slice(path.length + 1));
    } catch {
      return null; // a malformed escape: no room, and no crash of the server
    }
    return (ws, request) => setupWSConnection(ws, request, { docName });
  };
  return attachEndpoint(server, { maxPayload: 64 * 1024 * 1024, route });
}

runAlone(import.meta.url, { name: 'relay', port: 1234, attach: (server) => attachRelay(server, { path: '' }) });
