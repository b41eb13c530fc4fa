/**
 * Failover rule: when a peer may take over execution from a silent executor, and when an executor may claim and
 * start a run, so that a crashed executor is replaced within seconds and no run ever executes twice, even when the
 * network splits the room. Pure: its inputs are what this peer has heard and when, and what its copy of the
 * document records; the app (src/sync/handover.ts) and the network simulation (tests/unit/sync-failover-sim.test.ts)
 * run exactly this code.
 *
 * A crash and a network cut look the same to the others, so the rule is a quorum with timing:
 * - **Hearing.** Every peer re-publishes its presence every {@link HEARTBEAT_MS}. y-webrtc floods presence to every
 *   peer it reaches (and relays what it receives), so within one connected part of the room everybody hears
 *   everybody. The signaling server, when reachable, relays the same heartbeats (src/sync/witness.ts) and is the
 *   **witness**: a peer hears it when its own heartbeat comes back.
 * - **Quorum.** The kernel session records its members (the peers that could take over). A peer has a quorum when
 *   it hears over the mesh a strict majority of the members (itself included), or exactly half and the witness.
 *   Two parts of a split room cannot both have one: two majorities share a member, which relays the presence of
 *   each side to the other; two halves with the witness hear each other through it.
 * - **Fence.** The executor claims and starts runs only while it has had a quorum within {@link FENCE_MS}.
 * - **Takeover.** A peer takes over only when the recorded executor has been silent for {@link TAKEOVER_MS} (longer
 *   than the fence plus a heartbeat and delivery), it has a quorum, and its document holds every change of the old
 *   executor that any peer it hears has acknowledged seeing.
 * - **Acknowledged claims.** Before starting a claimed run, the executor waits until every peer it has heard (by any
 *   path) within the fence, and a strict majority of the members (itself included, the witness not counted), say
 *   (their presence field `seen`) that their document holds the claim. Any later quorum (a majority, or half and
 *   the witness) shares a member with that majority, and a taker first catches up with what the members it hears
 *   hold: it sees the run as claimed and never claims it again.
 * - **Membership.** The executor adds a peer it hears, or removes one that left or stayed silent for
 *   {@link MEMBER_TIMEOUT_MS}, one at a time; until every remaining member has acknowledged the change, a quorum
 *   must hold in both the old and the new list. A peer that takes over with half the members and the witness, but
 *   has heard no other member for {@link INHERIT_MS} (it may have been removed meanwhile), does not inherit the
 *   queue: it cancels the runs queued before, visibly (an orphan takeover, model/handover.ts).
 */

/** How often every peer re-publishes its presence (a tick, from a timer background tabs do not throttle). */
export const HEARTBEAT_MS = 500;
/**
 * The executor claims nothing new unless it had a quorum this recently: two heartbeats, so one late or lost heartbeat
 * does not stop the queue (a follower's main thread stalled for more than about a second pauses new runs briefly).
 */
export const FENCE_MS = 1000;
/**
 * Silence after which the executor counts as gone. Must exceed FENCE_MS + HEARTBEAT_MS + delivery + timer slack
 * (here 500 ms of margin), so the old executor has fenced itself before anybody takes over.
 */
export const TAKEOVER_MS = 2000;
/**
 * A member silent this long is removed from the session's members (y-protocols drops its presence at 30 s). Until
 * then, in a room of two, the executor starts no run without the other's acknowledgement: a crashed follower
 * pauses the queue this long.
 */
export const MEMBER_TIMEOUT_MS = 30_000;
/** A taker relying on the witness inherits the queue only if it heard another member this recently (see above). */
export const INHERIT_MS = 20_000;

/** What one peer has heard, on its own clock. */
export interface Hearing {
  now: number;
  /** This peer's client id. */
  self: number;
  /** When each other peer was last heard by any path (presence over WebRTC or BroadcastChannel, or via the witness). */
  heard: ReadonlyMap<number, number>;
  /**
   * Since when each other peer is known alive and connected over the peer-to-peer mesh (WebRTC, BroadcastChannel),
   * which also carries its acknowledgements, the document, and, relayed by y-webrtc, the presence of the peers it
   * hears: the send time of this peer's heartbeat that the other's latest presence echoes (so an old state relayed
   * by a reconnecting peer does not count as fresh). Only these count for a quorum: a peer heard only through the
   * witness could not pass on what the executor did.
   */
  mesh: ReadonlyMap<number, number>;
  /** When this peer's own heartbeat last came back from the signaling server, or null (none reachable). */
  witness: number | null;
  /** Since when it has come back without a break (a gap over FENCE_MS starts a new run), or null. */
  witnessSince: number | null;
}

/** The session's members as this peer's document records them. */
export interface Membership {
  members: readonly number[];
  /** The list before the last change, until every remaining member has acknowledged it; null otherwise. */
  previous: readonly number[] | null;
}

/** Whether `client` was heard within `windowMs` by any path (this peer always hears itself). */
export function hears(h: Hearing, client: number, windowMs: number): boolean {
  if (client === h.self) return true;
  const at = h.heard.get(client);
  return at !== undefined && h.now - at <= windowMs;
}

/** Whether `client`'s presence arrived over the mesh within `windowMs` (this peer always hears itself). */
export function meshHears(h: Hearing, client: number, windowMs: number): boolean {
  if (client === h.self) return true;
  const at = h.mesh.get(client);
  return at !== undefined && h.now - at <= windowMs;
}

/** Strict majority of `members` heard, or exactly half and the witness. An empty list is nobody's quorum. */
export function quorumIn(h: Hearing, members: readonly number[], windowMs: number): boolean {
  const n = members.length;
  if (n === 0) return false;
  let live = 0;
  for (const m of members) if (meshHears(h, m, windowMs)) live++;
  const witness = h.witness !== null && h.now - h.witness <= windowMs;
  return 2 * live > n || (2 * live === n && witness);
}

/** A quorum in the current list and, while a change is unacknowledged, in the previous one too. */
export function hasQuorum(h: Hearing, m: Membership, windowMs: number): boolean {
  return quorumIn(h, m.members, windowMs) && (m.previous === null || quorumIn(h, m.previous, windowMs));
}

/** Whether the executor may claim a new run now: it has had a quorum within FENCE_MS. */
export function executorMayClaim(h: Hearing, m: Membership): boolean {
  return hasQuorum(h, m, FENCE_MS);
}

/** A strict majority of `members` (this peer included) heard over the mesh within FENCE_MS hold `clock`. */
function majorityHolds(h: Hearing, members: readonly number[], acks: ReadonlyMap<number, number>, clock: number): boolean {
  let holding = 0;
  for (const c of members) {
    if (c === h.self || (meshHears(h, c, FENCE_MS) && (acks.get(c) ?? -1) >= clock)) holding++;
  }
  return 2 * holding > members.length;
}

/**
 * Whether the executor may start a run it claimed: it may still claim, every peer heard within FENCE_MS has
 * acknowledged holding the executor's changes up to `claimClock` (`acks`: each peer's published `seen`), and so has
 * a strict majority of the members (of both lists during a change).
 */
export function executorMayStart(h: Hearing, m: Membership, acks: ReadonlyMap<number, number>, claimClock: number): boolean {
  if (!executorMayClaim(h, m)) return false;
  for (const [client] of h.heard) {
    if (client === h.self || !hears(h, client, FENCE_MS)) continue;
    if ((acks.get(client) ?? -1) < claimClock) return false;
  }
  return majorityHolds(h, m.members, acks, claimClock) && (m.previous === null || majorityHolds(h, m.previous, acks, claimClock));
}

/**
 * Whether a takeover that `takeoverWait` allows may inherit the queue: the taker hears a mesh majority, or heard
 * another member within INHERIT_MS. Otherwise it is an orphan takeover (see above).
 */
export function takeoverInherits(h: Hearing, m: Membership): boolean {
  const noWitness = { ...h, witness: null };
  if (hasQuorum(noWitness, m, FENCE_MS)) return true;
  return [...m.members, ...(m.previous ?? [])].some((c) => c !== h.self && meshHears(h, c, INHERIT_MS));
}

/** Why a peer elected as the new executor waits; null when it may take over now. */
export type TakeoverWait = 'executor-heard' | 'no-quorum' | 'catching-up' | null;

/**
 * Whether this peer may take over from `executor` (the recorded one; null: none recorded) after silence.
 * `left`: the executor said goodbye (closed its tab): nothing to wait for. `acks` are what the peers heard within
 * FENCE_MS published as seen of the executor's changes; `held` is how many of them this peer's document holds.
 */
export function takeoverWait(
  h: Hearing,
  m: Membership,
  executor: number | null,
  left: boolean,
  acks: ReadonlyMap<number, number>,
  held: number,
): TakeoverWait {
  if (executor === null || executor === h.self) return null;
  if (!left && hears(h, executor, TAKEOVER_MS)) return 'executor-heard';
  // The witness counts for a takeover only once this peer has reached it without a break for TAKEOVER_MS: an
  // executor that reached it meanwhile would have been heard through it, so it cannot still count it (its fence
  // outlives its last echo by FENCE_MS < TAKEOVER_MS).
  const steady = h.witnessSince !== null && h.now - h.witnessSince >= TAKEOVER_MS;
  if (!left && !hasQuorum(steady ? h : { ...h, witness: null }, m, FENCE_MS)) return 'no-quorum';
  for (const [client, seen] of acks) {
    if (client !== h.self && meshHears(h, client, FENCE_MS) && seen > held) return 'catching-up';
  }
  return null;
}

/**
 * The next membership change the executor should make, one at a time: add a heard eligible peer, or remove a member
 * that left or was silent for MEMBER_TIMEOUT_MS. Null when none is due, or the last change is not acknowledged yet.
 */
export function nextMembers(h: Hearing, m: Membership, eligible: Iterable<number>, left: ReadonlySet<number>): number[] | null {
  if (m.previous !== null) return null;
  const gone = m.members.find((c) => c !== h.self && (left.has(c) || !hears(h, c, MEMBER_TIMEOUT_MS)));
  if (gone !== undefined) return m.members.filter((c) => c !== gone);
  if (!m.members.includes(h.self)) return [...m.members, h.self].sort((a, b) => a - b);
  for (const c of eligible) {
    if (!m.members.includes(c) && !left.has(c) && meshHears(h, c, FENCE_MS)) return [...m.members, c].sort((a, b) => a - b);
  }
  return null;
}

/**
 * Whether every member of both lists (but this peer and members removed) acknowledged the change at `clock`. A member
 * silent for MEMBER_TIMEOUT_MS is not waited for (the next change removes it): if it is alive, it has not heard a
 * member for longer than INHERIT_MS and cannot take the queue over with its old list.
 */
export function changeAcknowledged(h: Hearing, m: Membership, acks: ReadonlyMap<number, number>, clock: number): boolean {
  if (m.previous === null) return true;
  const remaining = m.previous.filter((c) => m.members.includes(c) && c !== h.self && hears(h, c, MEMBER_TIMEOUT_MS));
  return remaining.every((c) => (acks.get(c) ?? -1) >= clock);
}
