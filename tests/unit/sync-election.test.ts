import { describe, expect, it } from 'vitest';
import { electExecutor, isEligible, recordedExecutor } from '../../src/sync/election';
import { PRESENCE_VERSION, readPeer, type KernelReadiness } from '../../src/sync/awareness';
import { createNotebookDoc, kernelMap, startSession, SYSTEM } from '../../src/model';
import { rng } from './helpers/random';

function peer(joinedAt: number, opts: { offers?: boolean; kernel?: KernelReadiness; name?: string; v?: number; executes?: string } = {}) {
  return {
    executes: opts.executes ?? null,
    v: opts.v ?? PRESENCE_VERSION,
    user: { name: opts.name ?? 'P', color: '#336699', colorLight: '#33669933' },
    cell: null,
    offersExecution: opts.offers ?? true,
    kernel: opts.kernel ?? 'none',
    joinedAt,
  };
}

function states(entries: Array<[number, unknown]>): Map<number, unknown> {
  return new Map(entries);
}

/** The document's record of an executor, for session `s1` unless said otherwise. */
function rec(client: number, sessionId = 's1') {
  return { client, sessionId };
}


function shuffled<T>(items: T[], rand: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('electExecutor', () => {
  it('elects nobody in an empty room', () => {
    expect(electExecutor(new Map(), null)).toBeNull();
  });

  it('elects a lone tab that offers to execute', () => {
    expect(electExecutor(states([[7, peer(100)]]), null)).toBe(7);
  });

  it('elects the longest-present peer', () => {
    expect(electExecutor(states([[1, peer(300)], [2, peer(100)], [3, peer(200)]]), null)).toBe(2);
  });

  it('breaks a tie on join time by the lowest client id', () => {
    expect(electExecutor(states([[9, peer(100)], [4, peer(100)], [6, peer(100)]]), null)).toBe(4);
  });

  it('prefers a peer whose kernel is ready over a more senior one without', () => {
    expect(electExecutor(states([[1, peer(100)], [2, peer(500, { kernel: 'ready' })]]), null)).toBe(2);
  });

  it('never elects a peer that opted out, even alone', () => {
    expect(electExecutor(states([[1, peer(100, { offers: false })]]), null)).toBeNull();
    expect(electExecutor(states([[1, peer(100, { offers: false })], [2, peer(900)]]), null)).toBe(2);
  });

  it('never elects a peer whose kernel failed', () => {
    expect(electExecutor(states([[1, peer(100, { kernel: 'failed' })], [2, peer(900)]]), null)).toBe(2);
  });

  it('never elects a peer speaking another presence version', () => {
    expect(electExecutor(states([[1, peer(100, { v: PRESENCE_VERSION + 1 })], [2, peer(900)]]), null)).toBe(2);
  });

  it('keeps the recorded executor while it is present, even when someone more senior arrives', () => {
    const s = states([[5, peer(900, { executes: 's1' })], [1, peer(100, { kernel: 'ready' })]]);
    expect(electExecutor(s, rec(5))).toBe(5);
  });

  it('follows the document\'s record only when the recorded peer announces that session itself (a forged record moves nothing)', () => {
    const s = states([[5, peer(900)], [1, peer(100)]]);
    expect(electExecutor(s, rec(5))).toBe(1);
    expect(electExecutor(states([[5, peer(900, { executes: 'other' })], [1, peer(100)]]), rec(5))).toBe(1);
    expect(electExecutor(states([[5, peer(900, { executes: 's1' })], [1, peer(100)]]), rec(5))).toBe(5);
  });

  it('moves on when the recorded executor leaves, opts out or its kernel fails', () => {
    const others: Array<[number, unknown]> = [[2, peer(300)], [3, peer(200)]];
    expect(electExecutor(states(others), rec(1))).toBe(3);
    expect(electExecutor(states([[1, peer(100, { offers: false, executes: 's1' })], ...others]), rec(1))).toBe(3);
    expect(electExecutor(states([[1, peer(100, { kernel: 'failed', executes: 's1' })], ...others]), rec(1))).toBe(3);
  });

  it('ignores a recorded executor that never announced a presence', () => {
    expect(electExecutor(states([[1, {}], [2, peer(300)]]), rec(1))).toBe(2);
  });

  it('does not bounce the role when a senior peer appears and disappears repeatedly', () => {
    const base: Array<[number, unknown]> = [[10, peer(500, { executes: 's1' })], [11, peer(600)]];
    let recorded = electExecutor(states(base), null);
    expect(recorded).toBe(10);
    const seen = new Set<number | null>();
    for (let i = 0; i < 50; i++) {
      const flapping: Array<[number, unknown]> = i % 2 ? [[1, peer(1, { kernel: 'ready' })]] : [];
      const winner = electExecutor(states([...base, ...flapping]), recorded === null ? null : rec(recorded));
      seen.add(winner);
      recorded = winner;
    }
    expect([...seen]).toEqual([10]);
  });

  it('does not bounce the role when the executor itself flaps: the successor keeps it', () => {
    // 1 executes; it drops out, 2 takes over (and is recorded); 1 comes back: 2 keeps the role.
    const one: [number, unknown] = [1, peer(100, { executes: 's1' })];
    const two: [number, unknown] = [2, peer(200, { executes: 's2' })];
    expect(electExecutor(states([one, two]), rec(1))).toBe(1);
    expect(electExecutor(states([two]), rec(1))).toBe(2);
    expect(electExecutor(states([one, two]), rec(2, 's2'))).toBe(2);
  });

  it('gives every peer the same answer whatever order its map holds', () => {
    const entries: Array<[number, unknown]> = [
      [40, peer(100)],
      [12, peer(100)],
      [33, peer(50, { offers: false })],
      [8, peer(100, { kernel: 'failed' })],
      [21, peer(100)],
    ];
    const rand = rng(7);
    for (let i = 0; i < 20; i++) expect(electExecutor(new Map(shuffled(entries, rand)), null)).toBe(12);
  });

  it('never throws on hostile states, and only elects well-formed peers', () => {
    const hostile: unknown[] = [
      null,
      undefined,
      42,
      'executor',
      [],
      { user: 'x' },
      { user: null, v: 1, joinedAt: 0, offersExecution: true },
      { ...peer(0), joinedAt: 'yesterday' },
      { ...peer(0), joinedAt: NaN },
      { ...peer(0), user: { name: 5, color: '#000000' } },
      { ...peer(0), user: { name: 'x', color: 'red; background:url(x)' } },
      { ...peer(0), offersExecution: 'yes' },
      { ...peer(0), v: '1' },
      Object.create(null),
      new Proxy({}, { get: () => { throw new Error('boom'); } }),
      { get user() { throw new Error('getter'); } },
    ];
    const s = new Map<number, unknown>(hostile.map((h, i) => [i + 100, h]));
    s.set(999, peer(10_000));
    expect(() => electExecutor(s, rec(100))).not.toThrow();
    expect(electExecutor(s, rec(100))).toBe(999);
    expect(electExecutor(s, null)).toBe(999);
  });

  it('treats a kernel readiness it does not know as not ready', () => {
    const p = readPeer({ ...peer(1), kernel: 'warp-speed' });
    expect(p?.kernel).toBe('none');
    expect(isEligible(p)).toBe(true);
  });

  it('agrees across peers with different views once views converge (seeded random rooms)', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const rand = rng(seed);
      const n = 1 + Math.floor(rand() * 8);
      const entries: Array<[number, unknown]> = [];
      for (let i = 0; i < n; i++) {
        const client = 1 + Math.floor(rand() * 1000);
        const kinds: KernelReadiness[] = ['none', 'starting', 'ready', 'failed'];
        entries.push([
          client,
          rand() < 0.1 ? { junk: rand() } : peer(Math.floor(rand() * 5) * 100, { offers: rand() < 0.8, kernel: kinds[Math.floor(rand() * 4)]!, executes: 's1' }),
        ]);
      }
      const recorded = rand() < 0.5 && entries.length ? entries[Math.floor(rand() * entries.length)]![0] : null;
      const answers = new Set<number | null>();
      for (let view = 0; view < 5; view++) answers.add(electExecutor(new Map(shuffled(entries, rand)), recorded === null ? null : rec(recorded)));
      expect(answers.size, `seed ${seed}`).toBe(1);
      const [winner] = [...answers];
      const map = new Map(entries);
      if (winner !== null && winner !== undefined) {
        // The winner is eligible, and it is the recorded one whenever that one is eligible.
        expect(isEligible(readPeer(map.get(winner))), `seed ${seed}`).toBe(true);
        if (recorded !== null && isEligible(readPeer(map.get(recorded)))) expect(winner).toBe(recorded);
      } else {
        expect([...map.values()].some((s) => isEligible(readPeer(s))), `seed ${seed}`).toBe(false);
      }
    }
  });
});

describe('recordedExecutor', () => {
  it('reads the executor of the current kernel session', () => {
    const doc = createNotebookDoc();
    expect(recordedExecutor(doc)).toBeNull();
    startSession(doc, 's1', { client: 77, name: 'Ada' }, SYSTEM);
    expect(recordedExecutor(doc)).toBe(77);
  });

  it('returns null when a peer wrote nonsense into the session', () => {
    const doc = createNotebookDoc();
    startSession(doc, 's1', { client: 77, name: 'Ada' }, SYSTEM);
    kernelMap(doc).set('executor', 'me!');
    expect(recordedExecutor(doc)).toBeNull();
    kernelMap(doc).set('executor', { client: '77' });
    expect(recordedExecutor(doc)).toBeNull();
  });
});
