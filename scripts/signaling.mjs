// y-webrtc's signaling protocol on a path of an existing HTTP server (default `/signal`, under any sub-path), so the
// app and its signaling share one origin and one port: a LAN share (`HOST=0.0.0.0 npm start`) needs no setting.
// The same protocol as y-webrtc's bin/server.js (subscribe, unsubscribe, publish to every subscriber of a topic,
// the sender included, ping/pong; dead sockets dropped after 30 s without a pong). It relays what rooms publish
// and learns nothing from it: Anode encrypts every message with the room's secret before it leaves the browser.
//
// Run alone (`node scripts/signaling.mjs`, PORT default 4444, HOST default 127.0.0.1) it is a signaling server
// for a static deployment, answering on every path.
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

// ws's Node entry by its file: under a `browser` resolve condition (Vitest runs with Solid's) 'ws' is its
// browser stub, which has no server.
const require = createRequire(import.meta.url);
const { WebSocketServer } = require(join(dirname(require.resolve('ws/package.json')), 'index.js'));

const PING_MS = 30_000;

/**
 * Serves signaling on `server` for upgrade requests whose path ends with `path`; other upgrades are refused unless
 * `others(pathname)` says another handler on the server takes them (the relay). Returns a close function.
 */
export function attachSignaling(server, { path = '/signal', others = () => false } = {}) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  /** topic -> subscribed sockets */
  const topics = new Map();

  const send = (conn, message) => {
    if (conn.readyState > 1) return;
    try {
      conn.send(JSON.stringify(message));
    } catch {
      conn.close();
    }
  };

  wss.on('connection', (conn) => {
    const subscribed = new Set();
    let alive = true;
    const ping = setInterval(() => {
      if (!alive) {
        conn.terminate();
        return;
      }
      alive = false;
      conn.ping();
    }, PING_MS);
    conn.on('pong', () => {
      alive = true;
    });
    conn.on('close', () => {
      clearInterval(ping);
      for (const t of subscribed) {
        const subs = topics.get(t);
        subs?.delete(conn);
        if (subs?.size === 0) topics.delete(t);
      }
      subscribed.clear();
    });
    conn.on('message', (raw) => {
      let message;
      try {
        message = JSON.parse(String(raw));
      } catch {
        return; // not ours to answer
      }
      if (!message || typeof message.type !== 'string') return;
      switch (message.type) {
        case 'subscribe':
          for (const t of Array.isArray(message.topics) ? message.topics : []) {
            if (typeof t !== 'string') continue;
            if (!topics.has(t)) topics.set(t, new Set());
            topics.get(t).add(conn);
            subscribed.add(t);
          }
          break;
        case 'unsubscribe':
          for (const t of Array.isArray(message.topics) ? message.topics : []) {
            topics.get(t)?.delete(conn);
            subscribed.delete(t);
          }
          break;
        case 'publish': {
          const receivers = typeof message.topic === 'string' ? topics.get(message.topic) : undefined;
          if (!receivers) break;
          message.clients = receivers.size;
          for (const r of receivers) send(r, message);
          break;
        }
        case 'ping':
          send(conn, { type: 'pong' });
          break;
      }
    });
  });

  const onUpgrade = (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', 'http://x').pathname;
    // Another handler's path first (a relay room may end in /signal too): each upgrade is answered once.
    if (others(pathname)) return;
    if (!pathname.endsWith(path)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);
  return () => {
    server.off('upgrade', onUpgrade);
    for (const c of wss.clients) c.terminate();
    wss.close();
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const server = createServer((_req, res) => res.end('Anode signaling\n'));
  attachSignaling(server, { path: '' });
  const port = Number(process.env.PORT ?? 4444);
  const host = process.env.HOST ?? '127.0.0.1';
  server.listen(port, host, () => console.log(`signaling on ws://${host}:${port}/`));
}
