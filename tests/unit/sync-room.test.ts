/**
 * NotebookRoom against real y-webrtc: signaling reachability (a real y-webrtc signaling server on localhost, a
 * port nobody listens on, no servers at all), and sync with a second "tab" over BroadcastChannel, encrypted
 * with the room secret. WebRTC itself needs a browser: see tests/e2e/collab-*.spec.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Presence } from '../../src/sync/awareness';
import { openRoom, roomTopic, type NotebookRoom, type RoomStatus } from '../../src/sync/room';
import { createShareLink } from '../../src/sync/room-index';
import { memoryStore } from './sync-net';

const require = createRequire(import.meta.url);
// ws's Node entry by path: under Vitest's browser-leaning resolve conditions even require('ws') gives the
// browser stub, which refuses to run.
const WebSocket = require(join(dirname(require.resolve('ws')), 'index.js')) as WsClass;

/** The part of ws's client used here (the package ships no types, and @types/ws is not installed). */
interface WsClient {
  on(event: 'open' | 'error', fn: () => void): void;
  close(): void;
}
type WsClass = new (url: string) => WsClient;

beforeAll(() => {
  // lib0's WebSocket client uses the global (browsers have it; Node 20 does not).
  (globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function startSignaling(port: number): Promise<ChildProcess> {
  // y-webrtc's exports map hides package.json: find the bin from the main entry (dist/y-webrtc.cjs).
  const bin = join(dirname(require.resolve('y-webrtc')), '..', 'bin', 'server.js');
  const child = spawn(process.execPath, [bin], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      ws.on('open', () => {
        ws.close();
        resolve(true);
      });
      ws.on('error', () => resolve(false));
    });
    if (up) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('signaling server did not start');
}

function until(room: NotebookRoom, pred: (s: RoomStatus) => boolean, ms = 5000): Promise<RoomStatus> {
  return new Promise((resolve, reject) => {
    if (pred(room.status())) return resolve(room.status());
    const t = setTimeout(() => (off(), reject(new Error(`timeout; last status ${JSON.stringify(room.status())}`))), ms);
    const off = room.onStatus((s) => {
      if (pred(s)) {
        clearTimeout(t);
        off();
        resolve(s);
      }
    });
  });
}

describe('NotebookRoom', () => {
  const cleanup: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function room(signaling: string[], opts: { settleMs?: number; doc?: Y.Doc; name?: string; secret?: string } = {}) {
    const doc = opts.doc ?? new Y.Doc();
    const presence = new Presence(doc, { store: memoryStore() });
    const link = createShareLink(opts.name ?? `nb${Math.random().toString(36).slice(2, 10)}`, { base: '', ...(opts.secret ? { secret: opts.secret } : {}) });
    const r = await openRoom(doc, link, { signaling, awareness: presence.awareness, ...(opts.settleMs ? { settleMs: opts.settleMs } : {}) });
    cleanup.push(() => {
      r.destroy();
      presence.destroy();
      doc.destroy();
    });
    return { doc, presence, room: r, link };
  }

  it('says no signaling server is reachable, settles quickly and keeps the notebook usable', async () => {
    const port = await freePort();
    const { room: r, doc } = await room([`ws://127.0.0.1:${port}`]);
    const s = await until(r, (x) => x.signaling === 'unreachable');
    expect(s).toMatchObject({ connectedSignaling: [], webrtcPeers: 0, bcPeers: 0, transport: 'none', isolated: false });
    const t0 = Date.now();
    await r.whenSettled();
    expect(Date.now() - t0).toBeLessThan(2000);
    doc.getText('t').insert(0, 'still works');
    expect(doc.getText('t').toString()).toBe('still works');
  });

  it('with no signaling configured, settles after a short grace', async () => {
    const { room: r } = await room([]);
    expect(r.status().signaling).toBe('none');
    await r.whenSettled();
    expect(r.status().settled).toBe(true);
  });

  it('connects to a y-webrtc signaling server, and reports isolation when it goes away', async () => {
    const port = await freePort();
    const server = await startSignaling(port);
    cleanup.push(() => void server.kill());
    const url = `ws://127.0.0.1:${port}`;
    const { room: r } = await room([`ws://127.0.0.1:${await freePort()}`, url], { settleMs: 300 });
    const s = await until(r, (x) => x.signaling === 'connected');
    expect(s.connectedSignaling).toEqual([url]);
    await r.whenSettled(); // nobody else in the room: settles on the timeout
    server.kill();
    const lost = await until(r, (x) => x.signaling !== 'connected');
    expect(lost.isolated).toBe(true);
  });

  /** A second "tab" (worker thread) in room `name` with `secret`; collects the texts it sees. */
  function tabPeer(name: string, secret: string, peerName: string) {
    const w = new Worker(new URL('./sync-bc-peer.mjs', import.meta.url), { workerData: { topic: roomTopic(name), secret, name: peerName } });
    const texts: string[] = [];
    let undecryptable = 0;
    let exited = false;
    w.on('message', (m: { type: string; text?: string }) => {
      if (m.type === 'text') texts.push(m.text!);
      if (m.type === 'undecryptable') undecryptable++;
    });
    w.on('exit', () => (exited = true));
    cleanup.push(async () => {
      if (exited) return;
      w.postMessage({ type: 'close' });
      await new Promise((res) => w.once('exit', res));
    });
    return { w, texts, undecryptable: () => undecryptable };
  }

  it('syncs with another tab over BroadcastChannel, encrypted with the room secret', async () => {
    const name = `nb${Math.random().toString(36).slice(2, 10)}`;
    const secret = createShareLink(name).secret;
    const { room: r, doc } = await room([], { name, secret, settleMs: 5000 });
    const friend = tabPeer(name, secret, 'Bob');

    const t0 = Date.now();
    await r.whenSettled();
    // No signaling: settled after the short grace for this browser's tabs, not on the 5 s timeout.
    expect(Date.now() - t0).toBeLessThan(3000);
    await until(r, (x) => x.bcPeers === 1 && x.transport === 'broadcastchannel');
    const names = () => [...r.awareness.getStates().values()].map((s) => (s as { user?: { name?: string } }).user?.name);
    await expect.poll(names, { timeout: 5000 }).toContain('Bob');

    doc.getText('t').insert(0, 'hello from A');
    await expect.poll(() => friend.texts.at(-1), { timeout: 5000 }).toBe('hello from A');
    friend.w.postMessage({ type: 'append', text: ' and B' });
    await expect.poll(() => doc.getText('t').toString(), { timeout: 5000 }).toBe('hello from A and B');
  });

  it('a peer with the wrong secret reads nothing of the room', async () => {
    // Two tabs outside the code under test, so that the intruder's undecryptable traffic stays in workers.
    const name = `nb${Math.random().toString(36).slice(2, 10)}`;
    const secret = createShareLink(name).secret;
    const owner = tabPeer(name, secret, 'Ada');
    const intruder = tabPeer(name, createShareLink(name).secret, 'Mallory');
    // Both are on the channel once either has received the other's traffic and failed to decrypt it.
    await expect.poll(() => owner.undecryptable() + intruder.undecryptable(), { timeout: 5000 }).toBeGreaterThan(0);
    const before = intruder.undecryptable();
    owner.w.postMessage({ type: 'append', text: 'private' });
    await expect.poll(() => intruder.undecryptable(), { timeout: 5000 }).toBeGreaterThan(before);
    await new Promise((res) => setTimeout(res, 300));
    expect(owner.texts.at(-1)).toBe('private');
    expect(intruder.texts).toEqual([]);
  });

  it('leaving the room keeps this tab\'s own presence (for its own election)', async () => {
    const { room: r, presence } = await room([]);
    r.destroy();
    await new Promise((res) => setTimeout(res, 50));
    expect(presence.awareness.getLocalState()).not.toBeNull();
    expect(presence.local().user.name).toBeTruthy();
  });
});

afterAll(() => undefined);
