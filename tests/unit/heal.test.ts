/**
 * The room healer (src/sync/heal.ts) against a stand-in for y-webrtc's provider: which connections it drops, when
 * it announces this peer again, and that it stops. The real thing over real WebRTC is in
 * tests/e2e/collab-sync.spec.ts (network cuts).
 */
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { CONNECT_MS, PING_MS, STALE_MS, startHealer, type ProviderLike } from '../../src/sync/heal';

class FakePeer {
  sent: Uint8Array[] = [];
  destroyed = false;
  private onData: Array<() => void> = [];
  on(_: 'data', f: () => void): void {
    this.onData.push(f);
  }
  send(d: Uint8Array): void {
    this.sent.push(d);
  }
  destroy(): void {
    this.destroyed = true;
  }
  answer(): void {
    for (const f of this.onData) f();
  }
}

function conn(id: string, connected: boolean) {
  return { remotePeerId: id, connected, closed: false, peer: new FakePeer() };
}

function provider() {
  const listeners = new Set<(e: { added: string[]; removed: string[] }) => void>();
  const signalingConn = { connected: true, ws: { close: vi.fn() }, emit: vi.fn() };
  const webrtcConns = new Map<string, ReturnType<typeof conn>>();
  const p: ProviderLike = {
    doc: new Y.Doc(),
    signalingConns: [signalingConn],
    room: { webrtcConns },
    on: (_, f) => void listeners.add(f),
    off: (_, f) => void listeners.delete(f),
  };
  const peers = (e: { added: string[]; removed: string[] }) => listeners.forEach((f) => f(e));
  return { p, webrtcConns, signalingConn, peers, listeners };
}

describe('the room healer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test('pings every open connection with a sync step 1 and drops one that stops answering', () => {
    const { p, webrtcConns } = provider();
    const alive = conn('alive', true);
    const silent = conn('silent', true);
    webrtcConns.set('alive', alive).set('silent', silent);
    const healer = startHealer(p, () => undefined);
    for (let t = 0; t < STALE_MS + 2 * PING_MS; t += PING_MS) {
      vi.advanceTimersByTime(PING_MS);
      alive.peer.answer();
    }
    expect(alive.peer.sent.length).toBeGreaterThan(2);
    expect(alive.peer.sent[0]![0]).toBe(0); // y-webrtc's sync message
    expect(alive.peer.destroyed).toBe(false);
    expect(silent.peer.destroyed).toBe(true);
    healer.stop();
  });

  test('drops a connection that never opens, and one still negotiating when the browser comes back online', () => {
    const { p, webrtcConns, signalingConn } = provider();
    const stuck = conn('stuck', false);
    webrtcConns.set('stuck', stuck);
    const browser = new EventTarget();
    const healer = startHealer(p, () => undefined, browser);
    // Its age counts from the first check that saw it (one ping interval at most after it appeared).
    vi.advanceTimersByTime(CONNECT_MS);
    expect(stuck.peer.destroyed).toBe(false);
    vi.advanceTimersByTime(2 * PING_MS);
    expect(stuck.peer.destroyed).toBe(true);

    const pending = conn('pending', false);
    webrtcConns.set('pending', pending);
    browser.dispatchEvent(new Event('online'));
    expect(pending.peer.destroyed).toBe(true);
    expect(signalingConn.ws.close).toHaveBeenCalled();
    healer.stop();
  });

  test('announces again, backing off, until a lost peer is connected again; then stops announcing', () => {
    const { p, webrtcConns, signalingConn, peers, listeners } = provider();
    const changes = vi.fn();
    const healer = startHealer(p, changes);
    peers({ added: [], removed: ['bob'] });
    expect(healer.state().lost).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(signalingConn.emit).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2000);
    expect(signalingConn.emit).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(4000);
    expect(signalingConn.emit).toHaveBeenCalledTimes(3);

    webrtcConns.set('bob', conn('bob', true));
    vi.advanceTimersByTime(PING_MS);
    expect(healer.state().lost).toBe(0);
    const calls = signalingConn.emit.mock.calls.length;
    vi.advanceTimersByTime(60_000);
    expect(signalingConn.emit.mock.calls.length).toBeLessThanOrEqual(calls + 1);
    expect(changes).toHaveBeenCalled();
    healer.stop();
    expect(listeners.size).toBe(0);
  });
});
