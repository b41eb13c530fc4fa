/**
 * View-only links: the edit proof (real WebCrypto ECDSA P-256) and the filter that keeps a viewer's writes out of
 * the document (real Yjs documents exchanging real y-protocols messages as y-webrtc frames them).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate } from 'y-protocols/awareness';
import {
  decodeCapability,
  encodeCapability,
  importCapability,
  newEditCapability,
  newNonce,
  proveEdit,
  sdpFingerprint,
  verifyEdit,
  viewCapability,
  type Transcript,
} from '../../src/sync/edit-auth';
import { judge, type Trust } from '../../src/sync/edit-filter';
import { setRelayUrl } from '../../src/sync/settings';
import { canEditWith, linksOf, newRoomKey, parseShareLink, rememberLink, roomOf, rotatedKey, shareLinksFor } from '../../src/sync/room-index';

function memoryStore() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

const transcript = (over: Partial<Transcript> = {}): Transcript => ({
  room: 'anode/nb1',
  signerPeer: 'peer-a',
  verifierPeer: 'peer-b',
  signerFingerprint: 'AA:BB',
  verifierFingerprint: 'CC:DD',
  nonce: newNonce(),
  signerClient: 42,
  ...over,
});

describe('edit proof', () => {
  it('an edit link signs a proof the view link verifies; the view link cannot sign', async () => {
    const cap = await newEditCapability();
    const editor = await importCapability(decodeCapability(encodeCapability(cap))!);
    const viewer = await importCapability(decodeCapability(encodeCapability(viewCapability(cap)))!);
    const t = transcript();
    const proof = await proveEdit(editor, t);
    expect(proof).not.toBeNull();
    expect(await verifyEdit(viewer, t, proof)).toBe(true);
    expect(await proveEdit(viewer, t)).toBeNull();
  });

  it('a proof is bound to its connection: another nonce, peer, certificate or client id fails', async () => {
    const keys = await importCapability(await newEditCapability());
    const t = transcript();
    const proof = await proveEdit(keys, t);
    expect(await verifyEdit(keys, { ...t, nonce: newNonce() }, proof)).toBe(false);
    expect(await verifyEdit(keys, { ...t, verifierPeer: 'peer-c' }, proof)).toBe(false);
    expect(await verifyEdit(keys, { ...t, signerFingerprint: 'EE:FF' }, proof)).toBe(false);
    expect(await verifyEdit(keys, { ...t, verifierFingerprint: 'EE:FF' }, proof)).toBe(false);
    expect(await verifyEdit(keys, { ...t, signerClient: 43 }, proof)).toBe(false);
    expect(await verifyEdit(keys, { ...t, room: 'anode/nb2' }, proof)).toBe(false);
  });

  it('a key of another room, or garbage, is no proof', async () => {
    const ours = await importCapability(await newEditCapability());
    const theirs = await importCapability(await newEditCapability());
    const t = transcript();
    expect(await verifyEdit(ours, t, await proveEdit(theirs, t))).toBe(false);
    for (const junk of [null, 7, '', 'not base64!', 'A'.repeat(86), { sig: 'x' }]) expect(await verifyEdit(ours, t, junk)).toBe(false);
  });

  it('reads the DTLS fingerprint from an SDP', () => {
    expect(sdpFingerprint('v=0\r\na=fingerprint:sha-256 ab:CD:01\r\n')).toBe('AB:CD:01');
    expect(sdpFingerprint(undefined)).toBe('');
  });
});

describe('links', () => {
  it('gives an edit and a view link; the view link cannot edit; a damaged capability is refused', async () => {
    const store = memoryStore();
    const links = (await shareLinksFor('nb1', { base: 'https://a.example/', store }))!;
    const edit = parseShareLink(links.edit.url)!;
    const view = parseShareLink(links.view.url)!;
    expect(edit.secret).toBe(view.secret);
    expect(canEditWith(edit)).toBe(true);
    expect(canEditWith(view)).toBe(false);
    expect(decodeCapability(view.cap!)?.kind).toBe('view');
    expect(parseShareLink(links.view.url.slice(0, -5))).toBeNull();
    // Asked again: the same room and keys.
    expect((await shareLinksFor('nb1', { base: 'https://a.example/', store }))!.edit.url).toBe(links.edit.url);
  });

  it('opening the view link of one’s own room keeps the edit key; a viewer has no links to give', async () => {
    const store = memoryStore();
    const links = (await shareLinksFor('nb1', { base: '', store }))!;
    rememberLink(parseShareLink(links.view.url)!, store);
    expect(canEditWith(roomOf('nb1', store)!)).toBe(true);
    const other = memoryStore();
    rememberLink(parseShareLink(links.view.url)!, other);
    expect(await shareLinksFor('nb1', { store: other })).toBeNull();
    expect(() => linksOf(roomOf('nb1', other)!)).toThrow();
  });

  it('carry the relay of the device that shares, which the joiner remembers; a bad relay is ignored, not fatal', async () => {
    const store = memoryStore();
    setRelayUrl('wss://relay.example.org/relay', store);
    const links = (await shareLinksFor('nb1', { base: 'https://a.example/', store }))!;
    expect(links.view.url).toMatch(/\/v[A-Za-z0-9_-]+\?relay=wss%3A%2F%2Frelay\.example\.org%2Frelay$/);
    const view = parseShareLink(links.view.url)!;
    expect(view.relay).toBe('wss://relay.example.org/relay');
    const joiner = memoryStore();
    rememberLink(view, joiner);
    expect(roomOf('nb1', joiner)?.relay).toBe('wss://relay.example.org/relay');
    const bad = parseShareLink(links.edit.url.replace(/\?relay=.*$/, '?relay=javascript%3Aalert(1)'))!;
    expect(bad.cap).toBe(parseShareLink(links.edit.url)!.cap);
    expect(bad.relay).toBeUndefined();
    // A room shared before the relay was set gets it in its links once the device has one.
    const old = memoryStore();
    const before = (await shareLinksFor('nb2', { base: '', store: old }))!;
    expect(before.edit.url).not.toContain('relay=');
    setRelayUrl('ws://127.0.0.1:4173/relay', old);
    const after = (await shareLinksFor('nb2', { base: '', store: old }))!;
    expect(parseShareLink(after.edit.url)).toEqual({ ...parseShareLink(before.edit.url), relay: 'ws://127.0.0.1:4173/relay' });
  });
});

describe('rotation', () => {
  it('new secrets are a new password and a new edit key; only an edit key is accepted from a peer', async () => {
    const before = await newRoomKey('nb1');
    const after = await newRoomKey('nb1');
    expect(after.secret).not.toBe(before.secret);
    expect(after.cap).not.toBe(before.cap);
    expect(rotatedKey('nb1', after.secret, after.cap!)).toEqual(after);
    const view = linksOf(after, '').view;
    expect(rotatedKey('nb1', view.secret, view.cap!)).toBeNull();
    expect(rotatedKey('nb1', 'short', after.cap!)).toBeNull();
    expect(rotatedKey('nb1', after.secret, 'e' + after.cap!.slice(2))).toBeNull();
  });

  it('keeps the room’s relay, on the editor who rotates and on the editors who follow', async () => {
    const store = memoryStore();
    setRelayUrl('wss://relay.example.org', store);
    await shareLinksFor('nb1', { base: '', store });
    const after = await newRoomKey('nb1', store);
    expect(after.relay).toBe('wss://relay.example.org');
    const follower = memoryStore();
    rememberLink(parseShareLink(linksOf(roomOf('nb1', store)!, '').edit.url)!, follower);
    expect(rotatedKey('nb1', after.secret, after.cap!, follower)?.relay).toBe('wss://relay.example.org');
  });
});

/** y-webrtc's framing of a sync message (type 0) around a y-protocols sync message. */
function syncMessage(write: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  write(e);
  return encoding.toUint8Array(e);
}

/** What y-webrtc's readMessage does with a sync message, on `doc`; returns its reply if any. */
function deliver(doc: Y.Doc, message: Uint8Array | 'drop' | 'wait'): Uint8Array | null {
  if (message === 'drop' || message === 'wait') return null;
  const d = decoding.createDecoder(message);
  expect(decoding.readVarUint(d)).toBe(0);
  const reply = encoding.createEncoder();
  encoding.writeVarUint(reply, 0);
  const type = syncProtocol.readSyncMessage(d, reply, doc, 'remote');
  return type === syncProtocol.messageYjsSyncStep1 ? encoding.toUint8Array(reply) : null;
}

/** Two peers' first sync, as y-webrtc does it on connect, `b` judging what `a` sends by `trust`. */
function firstSync(a: Y.Doc, b: Y.Doc, trust: Trust): void {
  const stepOneOfA = syncMessage((e) => syncProtocol.writeSyncStep1(e, a));
  const answerOfB = deliver(b, judge(stepOneOfA, trust, null));
  deliver(a, answerOfB!); // a trusts b's answer
  const stepOneOfB = syncMessage((e) => syncProtocol.writeSyncStep1(e, b));
  const answerOfA = deliver(a, stepOneOfB);
  deliver(b, judge(answerOfA!, trust, null));
}

describe('update filter', () => {
  it('a viewer gets the whole document; its own writes never reach the editor', () => {
    const editor = new Y.Doc();
    const viewer = new Y.Doc();
    editor.getText('src').insert(0, 'print(1)');
    // The tampered viewer writes before and after syncing.
    viewer.getText('src').insert(0, 'import os; os.remove("x")\n');
    firstSync(viewer, editor, 'viewer');
    expect(viewer.getText('src').toString()).toContain('print(1)');
    expect(editor.getText('src').toString()).toBe('print(1)');
    const tamper = Y.encodeStateAsUpdate(viewer);
    viewer.getText('src').delete(0, viewer.getText('src').length);
    const update = syncMessage((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(viewer, Y.encodeStateVector(editor))));
    expect(judge(update, 'viewer', null)).toBe('drop');
    expect(judge(syncMessage((e) => syncProtocol.writeUpdate(e, tamper)), 'viewer', null)).toBe('drop');
    expect(editor.getText('src').toString()).toBe('print(1)');
    // Editors' edits keep flowing to the viewer.
    editor.getText('src').insert(8, '\nprint(2)');
    deliver(viewer, syncMessage((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(editor))));
    expect(viewer.getText('src').toString()).toContain('print(2)');
  });

  it('an editor’s writes apply; an unproved connection’s writes wait, its questions do not', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('src').insert(0, 'x = 1');
    firstSync(a, b, 'editor');
    expect(b.getText('src').toString()).toBe('x = 1');
    const update = syncMessage((e) => syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(a)));
    expect(judge(update, 'pending', null)).toBe('wait');
    const step1 = syncMessage((e) => syncProtocol.writeSyncStep1(e, a));
    expect(judge(step1, 'pending', null)).toBe(step1);
    expect(judge(new Uint8Array([0xff, 0xff, 0xff]), 'viewer', null)).toBe('drop');
  });

  it('a viewer’s presence counts for itself only and never offers to run code', () => {
    const viewer = new Awareness(new Y.Doc());
    const victim = new Awareness(new Y.Doc());
    viewer.setLocalState({ user: { name: 'Mallory' }, offersExecution: true, executes: 'session-1', variables: { x: 1 }, sealedInput: { runId: 'r', data: 'x' } });
    victim.setLocalState({ user: { name: 'Ada' }, offersExecution: true });
    // Mallory relays Ada's presence, forged, beside her own.
    const forged = encodeAwarenessUpdate(victim, [victim.clientID]);
    const editor = new Awareness(new Y.Doc());
    const frame = (update: Uint8Array): Uint8Array => {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, update);
      return encoding.toUint8Array(e);
    };
    const apply = (m: Uint8Array | 'drop' | 'wait'): void => {
      if (m === 'drop' || m === 'wait') return;
      const d = decoding.createDecoder(m);
      decoding.readVarUint(d);
      applyAwarenessUpdate(editor, decoding.readVarUint8Array(d), 'remote');
    };
    apply(judge(frame(encodeAwarenessUpdate(viewer, [viewer.clientID])), 'viewer', viewer.clientID));
    expect(judge(frame(forged), 'viewer', viewer.clientID)).toBe('drop');
    const seen = editor.getStates().get(viewer.clientID) as Record<string, unknown>;
    expect(seen.user).toEqual({ name: 'Mallory' });
    expect(seen.offersExecution).toBe(false);
    expect(seen.executes).toBeNull();
    expect(seen.sealedInput).toBeNull();
    expect(seen.viewer).toBe(true);
    expect(editor.getStates().has(victim.clientID)).toBe(false);
  });
});
