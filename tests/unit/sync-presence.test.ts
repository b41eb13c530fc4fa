import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import { Presence, PRESENCE_VERSION, readPeer, readPeers } from '../../src/sync/awareness';
import { caretAwareness } from '../../src/sync/caret-awareness';
import {
  cleanColor,
  cleanName,
  loadIdentity,
  loadOffersExecution,
  parseSignalingUrls,
  setSignalingUrls,
  signalingUrls,
  SETTINGS_KEYS,
  defaultSignalingUrls,
  sameOriginSignalingUrl,
} from '../../src/sync/settings';
import { createShareLink, forgetRoom, parseShareLink, rememberRoom, roomOf, shareLinkFor } from '../../src/sync/room-index';
import { memoryStore, SimNet } from './sync-net';

describe('settings', () => {
  it('reads signaling URLs from the device setting over the build default', () => {
    const store = memoryStore();
    // The build default (vite.config.ts: the page's own origin; Node has no page).
    const fallback = defaultSignalingUrls();
    expect(signalingUrls(store)).toEqual(fallback);
    setSignalingUrls(['ws://127.0.0.1:4450', 'wss://signal.example.org'], store);
    expect(signalingUrls(store)).toEqual(['ws://127.0.0.1:4450', 'wss://signal.example.org']);
    setSignalingUrls([], store);
    expect(signalingUrls(store)).toEqual([]);
    setSignalingUrls(null, store);
    expect(signalingUrls(store)).toEqual(fallback);
  });

  it("defaults to signaling on the app's own origin, beside the app, at any sub-path", () => {
    expect(sameOriginSignalingUrl('http://127.0.0.1:4173/')).toBe('ws://127.0.0.1:4173/signal');
    expect(sameOriginSignalingUrl('https://notebooks.example.org/tools/anode/')).toBe('wss://notebooks.example.org/tools/anode/signal');
    expect(sameOriginSignalingUrl('file:///home/ada/anode/')).toBeNull();
    expect(sameOriginSignalingUrl(undefined)).toBeNull();
  });

  it('accepts comma, space or JSON lists and drops what is not a WebSocket URL', () => {
    expect(parseSignalingUrls('ws://a:1, wss://b/x  ws://a:1')).toEqual(['ws://a:1', 'wss://b/x']);
    expect(parseSignalingUrls('["ws://a:1", 5, "http://b", "nonsense"]')).toEqual(['ws://a:1']);
    expect(parseSignalingUrls('[broken')).toEqual([]);
    expect(parseSignalingUrls('')).toEqual([]);
  });

  it('creates an identity once and remembers it; repairs a corrupt one', () => {
    const store = memoryStore();
    const first = loadIdentity(store);
    expect(first.name).toMatch(/^Guest /);
    expect(first.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(loadIdentity(store)).toEqual(first);
    store.setItem(SETTINGS_KEYS.user, '{not json');
    expect(loadIdentity(store).name).toMatch(/^Guest /);
  });

  it('cleans names and colours', () => {
    expect(cleanName('  Ada\u0007 ')).toBe('Ada');
    expect(cleanName('x'.repeat(100))).toHaveLength(40);
    expect(cleanName('   ')).toBeNull();
    expect(cleanName(7)).toBeNull();
    expect(cleanColor('#ABCDEF')).toBe('#abcdef');
    expect(cleanColor('red')).toBeNull();
    expect(cleanColor('#abc; background: url(x)')).toBeNull();
  });

  it('offers to execute unless the user opted out', () => {
    const store = memoryStore();
    expect(loadOffersExecution(store)).toBe(true);
    store.setItem(SETTINGS_KEYS.offersExecution, 'false');
    expect(loadOffersExecution(store)).toBe(false);
  });

  it('survives a store that throws', () => {
    const store = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
      removeItem: () => {
        throw new Error('denied');
      },
    };
    expect(signalingUrls(store)).toEqual(defaultSignalingUrls());
    expect(loadIdentity(store).name).toMatch(/^Guest /);
    expect(() => setSignalingUrls(['ws://x:1'], store)).not.toThrow();
  });
});

describe('share links', () => {
  it('round-trips a link, with the secret only in the fragment', () => {
    const link = createShareLink('nb123', { base: 'https://anode.example/app/' });
    expect(link.room).toBe('nb123');
    expect(link.secret).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(link.url).toBe(`https://anode.example/app/#/r/nb123/${link.secret}`);
    const url = new URL(link.url);
    expect(url.pathname + url.search).not.toContain(link.secret);
    expect(parseShareLink(link.url)).toEqual({ room: 'nb123', secret: link.secret });
    expect(parseShareLink(url.hash)).toEqual({ room: 'nb123', secret: link.secret });
    expect(parseShareLink(url.hash.slice(1))).toEqual({ room: 'nb123', secret: link.secret });
  });

  it('gives every share a different secret', () => {
    expect(createShareLink('nb').secret).not.toBe(createShareLink('nb').secret);
  });

  it('rejects what is not a share link', () => {
    for (const bad of ['', '#/', '#/n/nb123', '#/r/nb123', '#/r/nb123/short', '#/r/../secretsecretsecret', '#/r/nb%ZZ/secretsecretsecret', '#/r/a b/secretsecretsecret']) {
      expect(parseShareLink(bad), bad).toBeNull();
    }
    expect(() => createShareLink('../etc')).toThrow();
  });

  it('remembers which notebook is in which room on this device', () => {
    const store = memoryStore();
    expect(roomOf('nb1', store)).toBeNull();
    const first = shareLinkFor('nb1', { base: '', store });
    expect(roomOf('nb1', store)).toEqual({ room: 'nb1', secret: first.secret });
    // Sharing again gives the same link (the same room and secret).
    expect(shareLinkFor('nb1', { base: '', store }).url).toBe(first.url);
    rememberRoom({ room: 'nb2', secret: 'abcdefghijklmnopqrstuv' }, store);
    forgetRoom('nb1', store);
    expect(roomOf('nb1', store)).toBeNull();
    expect(roomOf('nb2', store)?.secret).toBe('abcdefghijklmnopqrstuv');
    store.setItem('anode.rooms', '["junk"]');
    expect(roomOf('nb2', store)).toBeNull();
  });
});

describe('presence', () => {
  const docs: Y.Doc[] = [];
  afterEach(() => docs.splice(0).forEach((d) => d.destroy()));

  function presence(store = memoryStore(), now = () => 1234) {
    const doc = new Y.Doc();
    docs.push(doc);
    return new Presence(doc, { store, now });
  }

  it('publishes name, colours for remote cursors, cell, execution offer, kernel readiness and join time', () => {
    const store = memoryStore({ 'anode.user': JSON.stringify({ name: 'Ada', color: '#112233' }) });
    const p = presence(store);
    expect(p.awareness.getLocalState()).toMatchObject({
      v: PRESENCE_VERSION,
      user: { name: 'Ada', color: '#112233', colorLight: '#11223333' },
      cell: null,
      offersExecution: true,
      kernel: 'none',
      joinedAt: 1234,
    });
    p.setCell('c1');
    p.setKernel('ready');
    expect(p.local()).toMatchObject({ cell: 'c1', kernel: 'ready' });
    expect(p.peers().get(p.clientId)?.user.name).toBe('Ada');
  });

  it('remembers a rename and an opt-out on the device', () => {
    const store = memoryStore();
    const p = presence(store);
    p.setIdentity({ name: 'Grace', color: '#00ff00' });
    p.setOffersExecution(false);
    const again = presence(store);
    expect(again.local()).toMatchObject({ user: { name: 'Grace', color: '#00ff00' }, offersExecution: false });
  });

  it('keeps fields an editor binding put in the awareness (cursor)', () => {
    const doc = new Y.Doc();
    docs.push(doc);
    const awareness = new Awareness(doc);
    awareness.setLocalStateField('cursor', { anchor: 1 });
    const p = new Presence(doc, { awareness, store: memoryStore() });
    expect(p.awareness.getLocalState()?.cursor).toEqual({ anchor: 1 });
    awareness.destroy();
  });

  it('reads hostile peer states as absent, never throwing', () => {
    const states = new Map<number, unknown>([
      [1, { user: { name: 'Ok', color: '#000000' }, v: 1, joinedAt: 5, offersExecution: true, kernel: 'ready', cell: 'c' }],
      [2, { user: { name: 'NoJoin', color: '#000000' }, v: 1 }],
      [3, { user: { name: '<img src=x onerror=alert(1)>'.repeat(5), color: '#000000' }, v: 1, joinedAt: 5, cell: 42 }],
      [4, null],
      [5, { user: { toString: () => 'x' } }],
    ]);
    const peers = readPeers(states);
    expect([...peers.keys()]).toEqual([1, 3]);
    expect(peers.get(3)!.user.name).toHaveLength(40);
    expect(peers.get(3)!.cell).toBeNull();
    expect(readPeer(undefined)).toBeNull();
  });

  it('sees a peer again at once when it comes back after this peer lost the network', async () => {
    const net = new SimNet();
    const a = net.peer('a', 1);
    const b = net.peer('b', 2);
    const pa = new Presence(a.doc, { awareness: a.awareness, store: memoryStore() });
    const pb = new Presence(b.doc, { awareness: b.awareness, store: memoryStore() });
    net.connect(a);
    net.connect(b);
    net.flush();
    expect([...pa.peers().keys()].sort()).toEqual([1, 2]);
    // a loses the network; b times out there (and a there); they meet again before either renews its state.
    net.disconnect(a, false);
    net.expire(a);
    await Promise.resolve();
    expect([...pa.peers().keys()]).toEqual([1]);
    net.connect(a);
    net.flush();
    expect([...pa.peers().keys()].sort()).toEqual([1, 2]);
    expect([...pb.peers().keys()].sort()).toEqual([1, 2]);
    net.destroy();
  });

  it('withdraws at once on destroy', () => {
    const p = presence();
    p.destroy();
    expect(p.awareness.getLocalState()).toBeNull();
  });
});

describe('remote carets', () => {
  it('the editors see a tampered peer\'s colour and name replaced, their own state and cursor writes unchanged', () => {
    const doc = new Y.Doc();
    const mine = new Awareness(doc);
    const theirs = new Awareness(new Y.Doc());
    theirs.setLocalState({
      user: { name: 'Eve\u0000', color: 'red;position:fixed;inset:0;background:url(http://evil.example/x)', colorLight: 'url(http://evil.example/y)' },
      cursor: { anchor: 1, head: 2 },
    });
    mine.setLocalState({ user: { name: 'Ada', color: '#268bd2' } });
    // What arrives over the network is whatever the peer put there.
    mine.getStates().set(theirs.clientID, theirs.getLocalState()!);
    const view = caretAwareness(mine);
    const eve = view.getStates().get(theirs.clientID)!;
    expect(eve.user).toEqual({ name: 'Eve', color: '#30bced', colorLight: '#30bced33' });
    expect(eve.cursor).toEqual({ anchor: 1, head: 2 });
    expect(JSON.stringify([...view.getStates().values()])).not.toContain('evil');
    view.setLocalStateField('cursor', { anchor: 3, head: 3 });
    expect(mine.getLocalState()).toMatchObject({ user: { name: 'Ada', color: '#268bd2' }, cursor: { anchor: 3, head: 3 } });
    expect(view.clientID).toBe(mine.clientID);
    mine.destroy();
    theirs.destroy();
  });
});
