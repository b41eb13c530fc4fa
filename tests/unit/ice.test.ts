/** STUN/TURN settings (src/sync/ice.ts) and what the connection panel says about failing links (src/sync/links.ts). */
import { describe, expect, it } from 'vitest';
import { hasTurn, iceServers, parseIceServers, setIceServers } from '../../src/sync/ice';
import { linkProblem } from '../../src/sync/links';
import { memoryStore } from './sync-net';

describe('ICE servers', () => {
  it('reads JSON RTCIceServer lists and plain URLs, dropping what is not a STUN/TURN server', () => {
    expect(parseIceServers('')).toBeNull();
    expect(parseIceServers('stun:stun.example.org:3478, turn:t.example.org')).toEqual([
      { urls: ['stun:stun.example.org:3478'] },
      { urls: ['turn:t.example.org'] },
    ]);
    expect(
      parseIceServers('[{"urls": ["turns:t.example.org:443", "https://x"], "username": "ada", "credential": "pw"}, {"urls": "http://no"}, 7]'),
    ).toEqual([{ urls: ['turns:t.example.org:443'], username: 'ada', credential: 'pw' }]);
    expect(parseIceServers('{"urls": "turn:one.example.org", "credential": 5}')).toEqual([{ urls: ['turn:one.example.org'] }]);
  });

  it("keeps the device's servers (credentials included) in its own storage, and falls back to the build's", () => {
    const store = memoryStore();
    expect(iceServers(store)).toBeNull(); // the test build configures none: simple-peer's defaults
    setIceServers([{ urls: ['turn:t.example.org'], username: 'ada', credential: 'pw' }], store);
    expect(iceServers(store)).toEqual([{ urls: ['turn:t.example.org'], username: 'ada', credential: 'pw' }]);
    expect(hasTurn(iceServers(store))).toBe(true);
    setIceServers(null, store);
    expect(iceServers(store)).toBeNull();
    expect(hasTurn([{ urls: ['stun:s.example.org'] }])).toBe(false);
  });

  it('the connection panel names the cause only when no link works', () => {
    expect(linkProblem([{ peerId: 'a', kind: 'direct' }], 3, false)).toBeNull();
    expect(linkProblem([], 0, false)).toBeNull();
    expect(linkProblem([{ peerId: 'a', kind: 'connecting' }], 1, false)).toMatch(/no TURN server is configured/);
    expect(linkProblem([{ peerId: 'a', kind: 'failed' }], 0, true)).toMatch(/even through the TURN server/);
  });
});
