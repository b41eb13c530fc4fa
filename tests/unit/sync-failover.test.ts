/** The failover rule (src/sync/failover.ts), case by case; the network simulation tries it at random. */
import { describe, expect, it } from 'vitest';
import {
  FENCE_MS,
  INHERIT_MS,
  MEMBER_TIMEOUT_MS,
  TAKEOVER_MS,
  changeAcknowledged,
  executorMayClaim,
  executorMayStart,
  nextMembers,
  quorumIn,
  takeoverInherits,
  takeoverWait,
  type Hearing,
} from '../../src/sync/failover';

const NOW = 100_000;

/** Peer `self` hearing each peer `ago` ms ago over the mesh (and so by any path); the witness `witness` ms ago. */
function hearing(self: number, ago: Record<number, number>, witness: number | null = null, witnessFor = 10_000, viaWitnessOnly: Record<number, number> = {}): Hearing {
  const mesh = new Map(Object.entries(ago).map(([c, a]) => [Number(c), NOW - a]));
  const heard = new Map(mesh);
  for (const [c, a] of Object.entries(viaWitnessOnly)) heard.set(Number(c), NOW - a);
  return { now: NOW, self, heard, mesh, witness: witness === null ? null : NOW - witness, witnessSince: witness === null ? null : NOW - witnessFor };
}

const two = { members: [1, 2], previous: null };
const three = { members: [1, 2, 3], previous: null };

describe('failover rule', () => {
  it('a quorum is a strict majority of members heard over the mesh, or half and the witness', () => {
    expect(quorumIn(hearing(1, { 2: 100 }), [1, 2, 3], FENCE_MS)).toBe(true);
    expect(quorumIn(hearing(1, {}), [1, 2, 3], FENCE_MS)).toBe(false);
    expect(quorumIn(hearing(1, {}), [1, 2], FENCE_MS)).toBe(false);
    expect(quorumIn(hearing(1, {}, 200), [1, 2], FENCE_MS)).toBe(true);
    // Half of three is not a thing: the witness never breaks an odd tie.
    expect(quorumIn(hearing(1, {}, 200), [1, 2, 3], FENCE_MS)).toBe(false);
    // Heard too long ago, or only through the witness (which carries no document): not counted.
    expect(quorumIn(hearing(1, { 2: FENCE_MS + 1 }), [1, 2, 3], FENCE_MS)).toBe(false);
    expect(quorumIn(hearing(1, {}, null, 0, { 2: 100 }), [1, 2, 3], FENCE_MS)).toBe(false);
  });

  it('the executor fences itself once it has not had a quorum within FENCE_MS', () => {
    expect(executorMayClaim(hearing(1, { 2: FENCE_MS }), two)).toBe(true);
    expect(executorMayClaim(hearing(1, { 2: FENCE_MS + 1 }), two)).toBe(false);
    expect(executorMayClaim(hearing(1, { 2: FENCE_MS + 1 }, 100), two)).toBe(true);
    // Alone in its session: nobody else could take over.
    expect(executorMayClaim(hearing(1, {}), { members: [1], previous: null })).toBe(true);
  });

  it('starts a claimed run only once every peer heard and a majority of members hold it', () => {
    const h = hearing(1, { 2: 100, 3: 100 });
    expect(executorMayStart(h, three, new Map([[2, 10], [3, 9]]), 10)).toBe(false);
    expect(executorMayStart(h, three, new Map([[2, 10], [3, 10]]), 10)).toBe(true);
    // A peer heard only through the witness must acknowledge too (it cannot, so the run waits).
    expect(executorMayStart(hearing(1, { 2: 100 }, 100, 10_000, { 3: 100 }), three, new Map([[2, 10]]), 10)).toBe(false);
    // With the witness but without the other member's acknowledgement, nothing starts in a room of two.
    expect(executorMayStart(hearing(1, { 2: 5000 }, 100), two, new Map(), 10)).toBe(false);
  });

  it('takes over only after TAKEOVER_MS of silence, with a quorum, caught up with what the peers heard hold', () => {
    const acks = new Map<number, number>();
    expect(takeoverWait(hearing(2, { 1: TAKEOVER_MS - 1, 3: 10 }), three, 1, false, acks, 0)).toBe('executor-heard');
    expect(takeoverWait(hearing(2, { 1: TAKEOVER_MS + 1, 3: 10 }), three, 1, false, acks, 0)).toBeNull();
    expect(takeoverWait(hearing(2, { 1: TAKEOVER_MS + 1 }), three, 1, false, acks, 0)).toBe('no-quorum');
    expect(takeoverWait(hearing(2, { 1: TAKEOVER_MS + 1, 3: 10 }), three, 1, false, new Map([[3, 7]]), 6)).toBe('catching-up');
    // A goodbye needs no silence and no quorum.
    expect(takeoverWait(hearing(2, { 1: 10 }), two, 1, true, acks, 0)).toBeNull();
  });

  it('counts the witness for a takeover only after an unbroken TAKEOVER_MS', () => {
    const h = (witnessFor: number) => hearing(2, { 1: 10 * TAKEOVER_MS }, 100, witnessFor);
    expect(takeoverWait(h(TAKEOVER_MS - 1), two, 1, false, new Map(), 0)).toBe('no-quorum');
    expect(takeoverWait(h(TAKEOVER_MS), two, 1, false, new Map(), 0)).toBeNull();
  });

  it('a taker relying on the witness inherits the queue only if it heard another member within INHERIT_MS', () => {
    expect(takeoverInherits(hearing(2, { 1: INHERIT_MS - 1 }, 100), two)).toBe(true);
    expect(takeoverInherits(hearing(2, { 1: INHERIT_MS + 1 }, 100), two)).toBe(false);
    expect(takeoverInherits(hearing(2, { 3: 100, 1: 10 * INHERIT_MS }), three)).toBe(true);
  });

  it('changes members one at a time, and waits for the remaining members to hold each change', () => {
    expect(nextMembers(hearing(1, { 2: 100, 3: 100 }), two, [2, 3], new Set())).toEqual([1, 2, 3]);
    expect(nextMembers(hearing(1, { 2: MEMBER_TIMEOUT_MS + 1, 3: 100 }), two, [3], new Set())).toEqual([1]);
    expect(nextMembers(hearing(1, { 2: 100 }), two, [2], new Set([2]))).toEqual([1]);
    expect(nextMembers(hearing(1, { 3: 100 }), { members: [1, 2, 3], previous: [1, 2] }, [3], new Set())).toBeNull();
    const pending = { members: [1, 2, 3], previous: [1, 2] };
    expect(changeAcknowledged(hearing(1, { 2: 100, 3: 100 }), pending, new Map([[2, 4]]), 5)).toBe(false);
    expect(changeAcknowledged(hearing(1, { 2: 100, 3: 100 }), pending, new Map([[2, 5]]), 5)).toBe(true);
    // A member silent past the timeout is not waited for: the next change removes it.
    expect(changeAcknowledged(hearing(1, { 2: MEMBER_TIMEOUT_MS + 1 }), pending, new Map(), 5)).toBe(true);
  });
});
