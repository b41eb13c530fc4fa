/** The signaling endpoint `npm start` serves beside the app (scripts/signaling.mjs), with real sockets. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { attachSignaling } from '../../scripts/signaling.mjs';

// ws's Node client by its file (see scripts/signaling.mjs): Node 20 has no WebSocket of its own.
const require = createRequire(import.meta.url);
const WebSocket = require(join(dirname(require.resolve('ws/package.json')), 'index.js')) as typeof globalThis.WebSocket;

let server: Server | null = null;
let close: (() => void) | null = null;
afterEach(() => {
  close?.();
  server?.close();
});

async function start(): Promise<number> {
  server = createServer((_req, res) => res.end('app'));
  close = attachSignaling(server);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

function client(url: string): Promise<{ ws: WebSocket; received: unknown[] }> {
  const ws = new WebSocket(url);
  const received: unknown[] = [];
  ws.addEventListener('message', (m) => received.push(JSON.parse(String(m.data))));
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve({ ws, received }));
    ws.addEventListener('error', () => reject(new Error(`no WebSocket at ${url}`)));
  });
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('same-origin signaling', () => {
  it('relays a publish to every subscriber of the topic, the sender too, and nobody else', async () => {
    const port = await start();
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => client(`ws://127.0.0.1:${port}/tools/anode/signal`)));
    a!.ws.send(JSON.stringify({ type: 'subscribe', topics: ['anode/room1'] }));
    b!.ws.send(JSON.stringify({ type: 'subscribe', topics: ['anode/room1'] }));
    c!.ws.send(JSON.stringify({ type: 'subscribe', topics: ['anode/other'] }));
    await settle();
    a!.ws.send(JSON.stringify({ type: 'publish', topic: 'anode/room1', data: 'ciphertext' }));
    await settle();
    const publish = { type: 'publish', topic: 'anode/room1', data: 'ciphertext', clients: 2 };
    expect(a!.received).toEqual([publish]);
    expect(b!.received).toEqual([publish]);
    expect(c!.received).toEqual([]);

    b!.ws.send(JSON.stringify({ type: 'unsubscribe', topics: ['anode/room1'] }));
    b!.ws.send(JSON.stringify({ type: 'ping' }));
    b!.ws.send('not json');
    await settle();
    a!.ws.send(JSON.stringify({ type: 'publish', topic: 'anode/room1', data: 'again' }));
    await settle();
    expect(b!.received).toEqual([publish, { type: 'pong' }]);
    expect(a!.received).toHaveLength(2);
    for (const x of [a, b, c]) x!.ws.close();
  });

  it('answers only its own path: other upgrades are refused', async () => {
    const port = await start();
    await expect(client(`ws://127.0.0.1:${port}/elsewhere`)).rejects.toThrow();
  });
});
