/**
 * The blind relay (src/sync/relay.ts) over the real engine: `@y/websocket-server` on a real HTTP server
 * (scripts/relay.mjs, as `npm start` serves it), real y-websocket clients over real sockets, real WebCrypto.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import { afterEach, describe, expect, it } from 'vitest';
import { attachRelay } from '../../scripts/relay.mjs';
import { RelayLink, relayRoomName } from '../../src/sync/relay';
import { importCapability, newEditCapability, viewCapability, type CapabilityKeys } from '../../src/sync/edit-auth';
import { relayKey, seal } from '../../src/sync/relay-seal';
import { memoryStore } from './sync-net';
import { parseRelayUrl, relayFor, relayUrl, setRelayUrl } from '../../src/sync/settings';

// ws's Node client by its file (see scripts/signaling.mjs): under Vitest's resolve conditions 'ws' is a stub.
const require = createRequire(import.meta.url);
const WebSocket = require(join(dirname(require.resolve('ws/package.json')), 'index.js')) as typeof globalThis.WebSocket;

const SECRET = 'relay-test-secret-0123456789';
let server: Server | null = null;
let close: (() => void) | null = null;
const links: RelayLink[] = [];
const raws: WebsocketProvider[] = [];

afterEach(() => {
  for (const l of links.splice(0)) l.destroy();
  for (const p of raws.splice(0)) p.destroy();
  close?.();
  server?.close();
});

async function startRelay(): Promise<string> {
  server = createServer((_req, res) => res.end('app'));
  close = attachRelay(server);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/relay`;
}

interface Peer {
  doc: Y.Doc;
  awareness: Awareness;
  link: RelayLink;
}

const MESH = Symbol('mesh');

function joinRoom(url: string, room: string, capability: CapabilityKeys | null, doc = new Y.Doc()): Peer {
  const awareness = new Awareness(doc);
  const link = new RelayLink(doc, awareness, {
    url,
    room,
    secret: SECRET,
    capability,
    fromMesh: (origin) => origin === MESH,
    onStatus: () => {},
    Provider: WebsocketProvider,
    WebSocketPolyfill: WebSocket,
  });
  links.push(link);
  return { doc, awareness, link };
}

async function until(what: string, ok: () => boolean, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const text = (p: Peer): string => p.doc.getText('t').toString();

/** A plain y-websocket client of a room's relay document, as a spy or a tampered peer connects: its log as sent. */
function rawClient(url: string, room: string): { log: Y.Array<Uint8Array>; provider: WebsocketProvider } {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(url, relayRoomName(room), doc, { WebSocketPolyfill: WebSocket, disableBc: true });
  raws.push(provider);
  return { log: doc.getArray<Uint8Array>('log'), provider };
}

async function capabilities(): Promise<{ edit: CapabilityKeys; view: CapabilityKeys }> {
  const cap = await newEditCapability();
  return { edit: await importCapability(cap), view: await importCapability(viewCapability(cap)) };
}

describe('blind relay', () => {
  it('syncs editors both ways, gives a late joiner the document, and keeps only ciphertext on the server', async () => {
    const url = await startRelay();
    const { edit } = await capabilities();
    const a = joinRoom(url, 'r1', edit);
    const b = joinRoom(url, 'r1', edit);
    await until('both joined', () => a.link.status().synced && b.link.status().synced);
    a.doc.getText('t').insert(0, 'secret plan: ');
    await until('b sees a', () => text(b) === 'secret plan: ');
    b.doc.getText('t').insert(text(b).length, 'attack at dawn');
    await until('a sees b', () => text(a) === 'secret plan: attack at dawn');

    const late = joinRoom(url, 'r1', edit);
    await until('late joiner has it', () => text(late) === 'secret plan: attack at dawn');

    // What the relay holds: read it as any y-websocket client would.
    const spy = rawClient(url, 'r1');
    await until('spy synced', () => spy.log.length > 0);
    const stored = spy.log.toArray();
    const all = Buffer.concat(stored.map((e) => Buffer.from(e))).toString('latin1');
    expect(all).not.toContain('secret');
    expect(all).not.toContain('dawn');
  });

  it("drops a viewer's writes and junk, and lets the viewer see everything live", async () => {
    const url = await startRelay();
    const { edit, view } = await capabilities();
    const ed = joinRoom(url, 'r2', edit);
    const viewer = joinRoom(url, 'r2', view);
    await until('joined', () => ed.link.status().synced && viewer.link.status().synced);
    ed.doc.getText('t').insert(0, 'lecture notes');
    await until('viewer sees', () => text(viewer) === 'lecture notes');

    // The viewer's own client edits: never published (it cannot sign).
    viewer.doc.getText('t').insert(0, 'VIEWER ');
    // A tampered viewer writes sealed-but-unsigned updates, and junk, straight into the log.
    const tamper = rawClient(url, 'r2');
    await until('tamper synced', () => tamper.provider.synced);
    const forged = new Y.Doc();
    Y.applyUpdate(forged, Y.encodeStateAsUpdate(ed.doc));
    forged.getText('t').insert(0, 'FORGED ');
    const key = await relayKey(SECRET, 'r2');
    tamper.log.push([await seal(Y.encodeStateAsUpdate(forged), key, view, 'update'), new Uint8Array([1, 64, 9, 9, 9])]);
    // An editor's next edit still arrives after the forged entries: the editor has seen them by then.
    await new Promise((r) => setTimeout(r, 300));
    ed.doc.getText('t').insert(text(ed).length, ' (end)');
    await until('viewer sees the edit', () => text(viewer).endsWith('lecture notes (end)'));
    await until('editor rejected the forged entry', () => ed.link.status().rejected >= 1);
    expect(text(ed)).toBe('lecture notes (end)');
    const late = joinRoom(url, 'r2', edit);
    await until('late editor joined', () => late.link.status().synced && text(late) === 'lecture notes (end)');
  });

  it('carries presence: an editor as it is, a viewer stripped of what would make it executor', async () => {
    const url = await startRelay();
    const { edit, view } = await capabilities();
    const ed = joinRoom(url, 'r3', edit);
    const viewer = joinRoom(url, 'r3', view);
    ed.awareness.setLocalState({ user: { name: 'Ada' }, offersExecution: true });
    viewer.awareness.setLocalState({ user: { name: 'Bob' }, offersExecution: true, executes: 'x' });
    await until('editor sees the viewer', () => ed.awareness.getStates().has(viewer.awareness.clientID));
    await until('viewer sees the editor', () => viewer.awareness.getStates().has(ed.awareness.clientID));
    expect(viewer.awareness.getStates().get(ed.awareness.clientID)).toMatchObject({ user: { name: 'Ada' }, offersExecution: true });
    expect(ed.awareness.getStates().get(viewer.awareness.clientID)).toMatchObject({ user: { name: 'Bob' }, offersExecution: false, executes: null, viewer: true });
    // Leaving the relay withdraws the presence it carried.
    viewer.link.destroy();
    await until('viewer gone', () => !ed.awareness.getStates().has(viewer.awareness.clientID));
  });

  it('compacts a long log into a snapshot without losing an edit', async () => {
    const url = await startRelay();
    const { edit } = await capabilities();
    const a = joinRoom(url, 'r4', edit);
    const b = joinRoom(url, 'r4', edit);
    await until('joined', () => a.link.status().synced && b.link.status().synced);
    for (let i = 0; i < 260; i++) {
      (i % 2 ? a : b).doc.getText('t').insert(0, String(i % 10));
      await new Promise((r) => setTimeout(r, i % 20 === 0 ? 30 : 0));
    }
    await until('converged', () => text(a).length === 260 && text(a) === text(b), 15000);
    const spy = rawClient(url, 'r4');
    await until('spy synced', () => spy.log.length > 0);
    expect(spy.log.length).toBeLessThan(200);
    const late = joinRoom(url, 'r4', edit);
    await until('late joiner converged', () => text(late) === text(a), 15000);
  });

  it('re-publishes what a wiped log lost, so a later joiner still gets the document', async () => {
    const url = await startRelay();
    const { edit } = await capabilities();
    const a = joinRoom(url, 'r5', edit);
    await until('joined', () => a.link.status().synced);
    a.doc.getText('t').insert(0, 'kept');
    const wiper = rawClient(url, 'r5');
    await until('wiper sees the entry', () => wiper.log.length > 0);
    wiper.log.delete(0, wiper.log.length);
    await new Promise((r) => setTimeout(r, 1200));
    const late = joinRoom(url, 'r5', edit);
    await until('late joiner has it', () => text(late) === 'kept');
  });

  it('publishes a change from the mesh that its author did not, once, after a grace period', async () => {
    const url = await startRelay();
    const { edit } = await capabilities();
    const a = joinRoom(url, 'r6', edit);
    const b = joinRoom(url, 'r6', edit);
    const spy = rawClient(url, 'r6');
    await until('joined', () => a.link.status().synced && b.link.status().synced);
    // Mallory is on the mesh only: her edit reaches A over WebRTC, and B only if A publishes it.
    const mallory = new Y.Doc();
    Y.applyUpdate(mallory, Y.encodeStateAsUpdate(a.doc));
    mallory.getText('t').insert(0, 'mesh only');
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(mallory, Y.encodeStateVector(a.doc)), MESH);
    await until('B has the mesh edit', () => text(b) === 'mesh only');
    const entries = spy.log.length;
    // B's own edit reaches A over the mesh too, before the relay: A must not publish it a second time.
    b.doc.getText('t').insert(0, '> ');
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)), MESH);
    await until('the log has B’s entry', () => spy.log.length > entries);
    await new Promise((r) => setTimeout(r, 2500));
    expect(spy.log.length).toBe(entries + 1);
    expect(text(a)).toBe('> mesh only');
  });
});

describe('blind relay, races', () => {
  it('publishes an edit made on top of a mesh change before that change arrived through the relay', async () => {
    const url = await startRelay();
    const { edit } = await capabilities();
    const a = joinRoom(url, 'r7', edit);
    const b = joinRoom(url, 'r7', edit);
    const c = joinRoom(url, 'r7', edit);
    await until('joined', () => a.link.status().synced && b.link.status().synced && c.link.status().synced);
    // B types; A has it over WebRTC at once and types on top of it, before B's entry comes back from the relay.
    b.doc.getText('t').insert(0, 'hello');
    Y.applyUpdate(a.doc, Y.encodeStateAsUpdate(b.doc, Y.encodeStateVector(a.doc)), MESH);
    a.doc.getText('t').insert(5, ' world');
    await until('C, on the relay only, has both', () => text(c) === 'hello world');
  });

  it("a viewer cannot speak for a peer already here, nor for an editor's signed presence", async () => {
    const url = await startRelay();
    const { edit, view } = await capabilities();
    const ed = joinRoom(url, 'r8', edit);
    const viewer = joinRoom(url, 'r8', view);
    ed.awareness.setLocalState({ user: { name: 'Ada' }, offersExecution: true });
    viewer.awareness.setLocalState({ user: { name: 'Vic' } });
    await until('viewer sees Ada', () => viewer.awareness.getStates().get(ed.awareness.clientID) !== undefined);
    await until('Ada sees the viewer', () => ed.awareness.getStates().has(viewer.awareness.clientID));
    // Someone the editor knows over WebRTC only.
    const meshOnly = 123456;
    ed.awareness.states.set(meshOnly, { user: { name: 'Cy' }, offersExecution: true });
    ed.awareness.meta.set(meshOnly, { clock: 1, lastUpdated: Date.now() });
    // The tampered viewer seals presence in Ada's name and in Cy's, with clocks far ahead.
    const key = await relayKey(SECRET, 'r8');
    const forge = async (client: number): Promise<string> => {
      const other = new Awareness(new Y.Doc());
      other.clientID = client;
      other.setLocalState({ user: { name: 'Mallory' } });
      other.meta.set(client, { clock: 2 ** 40, lastUpdated: Date.now() });
      const { encodeAwarenessUpdate } = await import('y-protocols/awareness');
      const { toBase64Url } = await import('../../src/sync/edit-auth');
      return toBase64Url(await seal(encodeAwarenessUpdate(other, [client]), key, view, 'presence'));
    };
    const raw = rawClient(url, 'r8').provider;
    await until('tamper synced', () => raw.synced);
    raw.awareness.setLocalState({ p: await forge(ed.awareness.clientID) });
    const raw2 = rawClient(url, 'r8').provider;
    await until('second tamper synced', () => raw2.synced);
    raw2.awareness.setLocalState({ p: await forge(meshOnly) });
    await until('the editor heard both', () => ed.awareness.getStates().size >= 3 && raw2.awareness.getStates().size >= 4);
    await new Promise((r) => setTimeout(r, 300));
    expect(viewer.awareness.getStates().get(ed.awareness.clientID)).toMatchObject({ user: { name: 'Ada' }, offersExecution: true });
    expect(ed.awareness.getStates().get(meshOnly)).toMatchObject({ user: { name: 'Cy' }, offersExecution: true });
  });
});

describe('relay beside signaling on one server', () => {
  it('answers each upgrade once and survives malformed paths', async () => {
    const { attachSignaling } = await import('../../scripts/signaling.mjs');
    const { isRelayPath } = await import('../../scripts/relay.mjs');
    const url = await startRelay();
    const closeSignaling = attachSignaling(server!, { others: (p) => isRelayPath(p) });
    const base = url.replace(/\/relay$/, '');
    const attempt = (path: string): Promise<'open' | 'refused'> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`${base}${path}`);
        ws.addEventListener('open', () => {
          ws.close();
          resolve('open');
        });
        ws.addEventListener('error', () => resolve('refused'));
      });
    try {
      expect(await attempt('/relay/%ZZ')).toBe('refused');
      expect(await attempt('/relay/x/signal')).toBe('open');
      expect(await attempt('/signal')).toBe('open');
      expect(await attempt('/elsewhere')).toBe('refused');
      expect(await attempt('/relay/anode/room')).toBe('open');
    } finally {
      closeSignaling();
    }
  });
});

describe('relay setting', () => {
  it('takes ws:// and wss:// URLs only, trimmed, without query, fragment or trailing slash', () => {
    expect(parseRelayUrl(' wss://relay.example.org/relay/ ')).toBe('wss://relay.example.org/relay');
    expect(parseRelayUrl('ws://127.0.0.1:4173/relay?x=1#y')).toBe('ws://127.0.0.1:4173/relay');
    expect(parseRelayUrl('https://relay.example.org')).toBeNull();
    expect(parseRelayUrl('not a url')).toBeNull();
    expect(parseRelayUrl('')).toBeNull();
  });

  it('is the device setting when saved (empty: none), else the build default (none here)', () => {
    const store = memoryStore();
    expect(relayUrl(store)).toBeNull();
    setRelayUrl('wss://relay.example.org', store);
    expect(relayUrl(store)).toBe('wss://relay.example.org');
    setRelayUrl('', store);
    expect(relayUrl(store)).toBeNull();
    // A link's relay is used unless this device said "no relay".
    expect(relayFor('wss://room.example.org', store)).toBeNull();
    setRelayUrl(null, store);
    expect(relayFor('wss://room.example.org', store)).toBe('wss://room.example.org');
    expect(relayFor(undefined, store)).toBeNull();
  });
});
