// y-webrtc's signaling protocol on a path of an existing HTTP server (default `/signal`, under any sub-path), so the
// app and its signaling share one origin and one port: a LAN share (`HOST=0.0.0.0 npm start`) needs no setting.
// The same protocol as y-webrtc's bin/server.js (subscribe, unsubscribe, publish to every subscriber of a topic,
// the sender included, ping/pong; dead sockets dropped after 30 s without a pong). It relays what rooms publish
// and learns nothing from it: Anode encrypts every message with the room's secret before it leaves the browser.
//
// Run alone (`node scripts/signaling.mjs`, PORT default 4444, HOST default 127.0.0.1) it is a signaling server
// for a static deployment, answering on every path.
import { attachEndpoint, runAlone } from './ws-endpoint.mjs';

const PING_MS = 30_000;

/**
 * Serves signaling on `server` for upgrade requests whose path ends with `path`; other upgrades are refused unless
 * `others(pathname)` says another handler on the server takes them (the relay). Returns a close function.
 */
export function attachSignaling(server, { path = '/signal', others = () => false } = {}) {
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

  const onConnection = (conn) => {
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
  };

  // Another endpoint's path first (a relay room may end in /signal too): each upgrade is answered once.
  const route = (pathname) => (others(pathname) ? undefined : pathname.endsWith(path) ? onConnection : null);
  return attachEndpoint(server, { maxPayload: 1024 * 1024, route });
}

runAlone(import.meta.url, { name: 'signaling', port: 4444, attach: (server) => attachSignaling(server, { path: '' }) });
