/**
 * The executor role on this peer: watches presence and the document, applies the election, and when this peer
 * becomes the executor takes over (interrupting runs lost with the old executor and starting a new kernel
 * session, see model/handover.ts) before handing the notebook to the executor loop; when it stops being the
 * executor it stops the loop. Every peer runs one of these per open notebook; only the elected one acts.
 */
import type * as Y from 'yjs';
import { EXECUTOR, kernelMap, metaMap, newId, readKernel, readMeta, readRun, readTenure, runsMap, setMembers, takeOverSession } from '../model';
import type { HandoverReason, KernelSession } from '../model';
import type { Actor, HandoverNote, Origin } from '../model';
import { readPeer, type PeerPresence, type Presence } from './awareness';
import { confirmsRecord, electExecutor, isEligible, recordedExecutor, recordedSession, type RecordedExecutor } from './election';
import {
  MEMBER_TIMEOUT_MS,
  TAKEOVER_MS,
  changeAcknowledged,
  executorMayClaim,
  executorMayStart,
  hears,
  meshHears,
  nextMembers,
  takeoverInherits,
  takeoverWait,
  type Hearing,
  type Membership,
} from './failover';

/** What this peer knows about who executes. */
export interface ExecutorRole {
  /** The elected executor's client id, or null when no present peer can execute. */
  executor: number | null;
  /** Its presence (name, colour): "code runs in Ada's browser". */
  executorPeer: PeerPresence | null;
  /** The executor the document records for the current kernel session. */
  recorded: number | null;
  /** This peer is elected. */
  elected: boolean;
  /** This peer is elected and has taken over: its executor loop is running. */
  acting: boolean;
  /** This peer is elected but waits before taking over; `hold` says why. */
  waiting: boolean;
  /**
   * Why an elected peer is not acting yet: the notebook has not loaded (`loading`), the room has not had its
   * first exchange with the peers already there (`settling`), this peer lost the network (`isolated`: the
   * others may still be running the queue), the old executor went silent but this peer cannot hear a quorum of
   * the session's members (`quorum`: it may be on the small side of a network split), or its copy of the document
   * lacks changes of the old executor that others hold (`catching-up`). Null otherwise.
   */
  hold: 'loading' | 'settling' | 'isolated' | 'quorum' | 'catching-up' | null;
  /**
   * This peer is acting but claims no new run: it has not heard a quorum of the session's members lately
   * (src/sync/failover.ts), so another peer may be taking over.
   */
  fenced: boolean;
}

/** What the election needs from liveness (./liveness.ts): what this peer has heard, and the ticks. */
export interface HearingSource {
  hearing(): Hearing;
  /** Peers' acknowledgements of `executor`'s changes (their `seen`). */
  acks(executor: number): Map<number, number>;
  /** How many of `client`'s changes this document holds. */
  held(client: number): number;
  onTick(fn: () => void): () => void;
  /** Re-publishes this peer's acknowledgement now. */
  ack(): void;
  /** This page was just frozen: silence proves nothing for a moment. */
  recovering(): boolean;
}

/** What the election needs from a room (a `NotebookRoom` is one): whether taking over is safe yet. */
export interface TakeoverGate {
  status(): { settled: boolean; isolated: boolean };
  onStatus(fn: () => void): () => void;
}

/** Given to the executor loop when this peer starts executing. */
export interface Takeover {
  /** The kernel session to run under (already recorded in the document, status `starting`). */
  sessionId: string;
  /** This peer as the executor (write it into claimed runs). */
  me: Actor;
  /** The handover that was recorded; null when resuming a session this very client already held. */
  note: HandoverNote | null;
  /** `ExecutorElection.mayExecute` (the election handle may not exist yet when this is first called). */
  mayExecute: () => boolean;
  /** `ExecutorElection.onRoleChange`. */
  onRoleChange: (fn: (role: ExecutorRole) => void) => () => void;
  /** `ExecutorElection.confirmClaim`. */
  confirmClaim: (runId: string) => Promise<boolean>;
}

export interface ExecutorElectionOptions {
  doc: Y.Doc;
  presence: Presence;
  /**
   * Called when this peer becomes the executor, after the takeover is in the document. Start the executor loop
   * here (boot the kernel under `sessionId`); return a function that stops it, called when the role is lost
   * (another peer took over, the user opted out, the kernel failed) or on `destroy`.
   */
  onElected: (takeover: Takeover) => (() => void) | void;
  /** Called after every change of the role (for the UI). */
  onChange?: (role: ExecutorRole) => void;
  /**
   * The notebook's room, if it is shared. No takeover before the room has settled (a peer joining must not
   * elect itself before it has heard of the peers already there) nor while this peer is isolated (it lost the
   * network: the executor it cannot see may be alive). Default: none (a notebook alone in a tab acts at once).
   */
  room?: TakeoverGate;
  /** Origin of the takeover transaction (default EXECUTOR). */
  origin?: Origin;
  /**
   * Heartbeats and what this peer has heard (./liveness.ts). With a room, it turns on the failover rule
   * (./failover.ts): silent peers count as gone, takeovers need a quorum, the executor fences itself and starts a
   * claimed run only once the peers it hears hold the claim. Without it (tests of the plain election), peers count
   * as present until their presence is removed.
   */
  liveness?: HearingSource;
  /**
   * How long an acting executor waits, when the document suddenly records someone else without that peer's own
   * presence confirming it, before writing its own session back (default {@link RECLAIM_AFTER_MS}).
   */
  reclaimAfterMs?: number;
}

/**
 * The wait before an executor puts back a record that names a peer who does not confirm it. A legitimate takeover
 * announces itself in presence before it writes the document (see promote), and both travel on the same ordered
 * channels, so this only has to outlast a presence update that took another path.
 */
export const RECLAIM_AFTER_MS = 3000;

/** A running election on one peer. */
export interface ExecutorElection {
  role(): ExecutorRole;
  /**
   * Whether this peer may claim a run right now: it is acting and the document still records it as the
   * executor. Checked live (not from the last event), so an executor loop asking before each claim never runs
   * a queue another peer has taken over in the same instant. Pass it as `startExecutor`'s `isExecutor`.
   */
  mayExecute(): boolean;
  /** Calls `fn` after every role change (many listeners, unlike `onChange`). Returns an unsubscribe. */
  onRoleChange(fn: (role: ExecutorRole) => void): () => void;
  /**
   * Resolves true once this executor may start the run it just claimed (every peer it hears holds the claim, and
   * it still has a quorum: src/sync/failover.ts), false if it lost the role or the claim meanwhile. Without a room
   * or liveness: true at once.
   */
  confirmClaim(runId: string): Promise<boolean>;
  /** Re-evaluates now (normally automatic on every presence or kernel-session change). */
  refresh(): void;
  /** Stops watching and, if acting, stops the executor loop. The recorded session stays (peers take over). */
  destroy(): void;
}

/**
 * Starts the election on this peer for one notebook. Decisions follow `electExecutor`; the takeover itself is
 * one document transaction, so every peer sees the old runs interrupted and the new session at once.
 */
export function startExecutorElection(opts: ExecutorElectionOptions): ExecutorElection {
  const { doc, presence } = opts;
  const origin = opts.origin ?? EXECUTOR;
  let stop: (() => void) | null = null;
  let acting = false;
  let destroyed = false;
  let evaluating = false;
  let again = false;
  const listeners = new Set<(role: ExecutorRole) => void>();
  /** Peers whose presence was withdrawn by themselves (tab closed, left the room), not timed out here. */
  const goodbyes = new Set<number>();
  /** This peer's own kernel record, as last seen while the document named it: what a reclaim writes back. */
  let ownRecord: KernelSession | null = null;
  let reclaimTimer: ReturnType<typeof setTimeout> | null = null;
  /** The failover rule applies: a room, and liveness to tell who is silent. */
  const live = opts.room && opts.liveness ? opts.liveness : null;
  /** Members this peer has heard since the election started (a member never heard may be long gone). */
  const everHeard = new Set<number>();
  const startedAt = Date.now();
  /** The clock of this executor's last membership change, until acknowledged. */
  let memberChangeClock = 0;
  let current: ExecutorRole = compute();

  function membership(): Membership {
    const t = readTenure(doc);
    return { members: t.members, previous: t.previous };
  }

  /** The recorded executor is heard but no longer executes (it opted out, its kernel failed, it stepped down). */
  function steppedDown(rec: RecordedExecutor, h: Hearing | null): boolean {
    if (h && !hears(h, rec.client, TAKEOVER_MS)) return false;
    const peer = readPeer(presence.awareness.getStates().get(rec.client));
    return peer !== null && (!isEligible(peer) || !confirmsRecord(peer, rec));
  }

  /** Why the recorded executor no longer executes (for the handover note). */
  function why(rec: RecordedExecutor, h: Hearing | null): HandoverReason {
    if (goodbyes.has(rec.client)) return 'left';
    if (!steppedDown(rec, h)) return 'silent';
    return readPeer(presence.awareness.getStates().get(rec.client))?.kernel === 'failed' ? 'kernel-died' : 'stepped-down';
  }

  /**
   * Why (and whether) this peer takes over now from the recorded executor, by the failover rule. `orphan`: without
   * a quorum, because no member of the session has been heard for long (everybody left or crashed): the takeover
   * cancels the queued runs instead of inheriting them (model/handover.ts).
   */
  function takeoverPlan(rec: RecordedExecutor | null, h: Hearing): { hold: 'quorum' | 'catching-up' | null; orphan: boolean; reason: HandoverReason } {
    if (rec === null) return { hold: null, orphan: false, reason: 'first' };
    const reason = why(rec, h);
    const left = reason === 'left';
    const down = reason === 'stepped-down' || reason === 'kernel-died';
    const m = membership();
    // Just unfrozen: the executor's heartbeats may be waiting in this page's queue.
    if (!left && !down && live!.recovering()) return { hold: 'catching-up', orphan: false, reason };
    const wait = takeoverWait(h, m, rec.client, left || down, live!.acks(rec.client), live!.held(rec.client));
    if (wait === 'catching-up') return { hold: 'catching-up', orphan: false, reason };
    // After a goodbye or a step-down nothing ran unseen: the queue is inherited whoever is heard.
    if (wait === null) return { hold: null, orphan: !(left || down) && !takeoverInherits(h, m), reason };
    const all = [...m.members, ...(m.previous ?? [])].filter((c) => c !== h.self);
    const gone = (c: number): boolean =>
      everHeard.has(c) ? !hears(h, c, MEMBER_TIMEOUT_MS) : h.now - startedAt >= TAKEOVER_MS && !hears(h, c, TAKEOVER_MS);
    return all.every(gone) ? { hold: null, orphan: true, reason } : { hold: 'quorum', orphan: false, reason };
  }

  function compute(): ExecutorRole {
    const states = presence.awareness.getStates();
    const recordedRec = recordedSession(doc);
    const recorded = recordedRec?.client ?? null;
    const h = live?.hearing() ?? null;
    if (h) for (const c of membership().members) if (hears(h, c, TAKEOVER_MS)) everHeard.add(c);
    const executor = electExecutor(states, recordedRec, h ? (c) => hears(h, c, TAKEOVER_MS) : undefined);
    const me = presence.clientId;
    const elected = executor !== null && executor === me;
    const executorPeer = executor === null ? null : (presence.peers().get(executor) ?? null);
    const gate = opts.room?.status();
    // Already the recorded executor (e.g. the notebook was just shared, restarting the election): resuming
    // takes nothing from anyone, so there is nothing to wait for.
    const resuming = recorded === me;
    // Isolation only matters while the old executor may be alive somewhere: not after it said goodbye.
    const isolated = !!gate?.isolated && !(recorded !== null && goodbyes.has(recorded));
    const hold: ExecutorRole['hold'] =
      !elected || acting
        ? null
        : readMeta(doc) === null
          ? 'loading'
          : resuming
            ? null
            : gate && !gate.settled
              ? 'settling'
              : isolated
                ? 'isolated'
                : h
                  ? takeoverPlan(recordedRec, h).hold
                  : null;
    const fenced = acting && h !== null && !executorMayClaim(h, membership());
    return { executor, executorPeer, recorded, elected, acting, waiting: elected && !acting, hold, fenced };
  }

  /**
   * The acting executor keeps the members current: adds a peer it hears that could take over, removes one that
   * left or stayed silent, one at a time, and clears the previous list once the remaining members hold the change.
   */
  function maintainMembers(): void {
    if (!live || !acting || recordedExecutor(doc) !== presence.clientId) return;
    const tenure = readTenure(doc).id;
    if (tenure === null) return;
    const h = live.hearing();
    const m = membership();
    const me = presence.clientId;
    if (m.previous !== null) {
      if (changeAcknowledged(h, m, live.acks(me), memberChangeClock)) setMembers(doc, tenure, [...m.members], null, origin);
      return;
    }
    if (!executorMayClaim(h, m)) return;
    const eligible = [...presence.peers()].filter(([c, p]) => isEligible(p) && hears(h, c, TAKEOVER_MS)).map(([c]) => c);
    const next = nextMembers(h, m, eligible, goodbyes);
    if (next === null) return;
    setMembers(doc, tenure, next, [...m.members], origin);
    memberChangeClock = live.held(me);
  }

  function demote(): void {
    if (!acting) return;
    acting = false;
    ownRecord = null;
    presence.setExecutes(null);
    const s = stop;
    stop = null;
    s?.();
  }

  function promote(): void {
    const local = presence.local();
    const me: Actor = { client: presence.clientId, name: local.user.name, ...(local.runtime ? { runtime: true as const } : {}) };
    const kernel = readKernel(doc);
    let takeover: Takeover;
    if (kernel && recordedExecutor(doc) === me.client) {
      // Same client id: this page already held the session (e.g. the view was rebuilt); nothing was lost.
      presence.setExecutes(kernel.sessionId);
      takeover = { sessionId: kernel.sessionId, me, note: null, mayExecute, onRoleChange, confirmClaim };
    } else {
      // Announced before it is recorded: peers that see the record then already see it confirmed.
      const sessionId = newId();
      presence.setExecutes(sessionId);
      const h = live?.hearing() ?? null;
      const rec = recordedSession(doc);
      const how = h ? takeoverPlan(rec, h) : null;
      // The new members: the peers heard that could take over in turn (eligible and not silent).
      const members = h
        ? [...presence.peers()].filter(([c, p]) => c !== me.client && isEligible(p) && meshHears(h, c, TAKEOVER_MS)).map(([c]) => c)
        : [];
      const note = takeOverSession(doc, sessionId, me, origin, {
        members,
        ...(how ? { reason: how.reason, orphan: how.orphan } : rec ? { reason: why(rec, null) } : {}),
      });
      takeover = { sessionId: note.sessionId, me, note, mayExecute, onRoleChange, confirmClaim };
    }
    acting = true;
    try {
      const s = opts.onElected(takeover);
      stop = typeof s === 'function' ? s : null;
    } catch (err) {
      // Surface it (uncaught, in the console and error reporting) without breaking the awareness/doc event
      // dispatch that called us; the role stays taken so the document does not flip between peers.
      queueMicrotask(() => {
        throw err;
      });
    }
  }

  function evaluate(): void {
    if (destroyed) return;
    // Taking over writes the kernel map, which re-enters here through the observer: run once more instead.
    if (evaluating) {
      again = true;
      return;
    }
    evaluating = true;
    try {
      do {
        again = false;
        const role = compute();
        if (role.elected && !acting && role.hold === null) promote();
        else if (!role.elected && acting) demote();
        watchRecord();
        maintainMembers();
        const next = compute();
        if (JSON.stringify(next) !== JSON.stringify(current)) {
          current = next;
          opts.onChange?.(next);
          for (const fn of [...listeners]) fn(next);
        }
      } while (again && !destroyed);
    } finally {
      evaluating = false;
    }
  }

  /**
   * While acting: remembers this peer's own record, and when the document names another executor that the
   * election does not follow (its presence does not confirm it: a forged write), puts the own record back after
   * {@link RECLAIM_AFTER_MS}. Until then no run is claimed (mayExecute is false), so nothing runs twice.
   */
  function watchRecord(): void {
    const recorded = recordedSession(doc);
    const me = presence.clientId;
    if (acting && recorded?.client === me) ownRecord = readKernel(doc);
    const overwritten = acting && ownRecord !== null && recorded?.client !== me && compute().elected;
    if (!overwritten) {
      if (reclaimTimer !== null) clearTimeout(reclaimTimer);
      reclaimTimer = null;
      return;
    }
    reclaimTimer ??= setTimeout(() => {
      reclaimTimer = null;
      if (destroyed || !acting || !ownRecord || !compute().elected || recordedExecutor(doc) === me) return;
      const record = ownRecord;
      doc.transact(() => {
        const k = kernelMap(doc);
        for (const [key, value] of Object.entries(record)) k.set(key, value);
        if (!('reason' in record)) k.delete('reason');
      }, origin);
    }, opts.reclaimAfterMs ?? RECLAIM_AFTER_MS);
  }

  function mayExecute(): boolean {
    if (destroyed || !acting || recordedExecutor(doc) !== presence.clientId) return false;
    return !live || executorMayClaim(live.hearing(), membership());
  }

  function confirmClaim(runId: string): Promise<boolean> {
    const me = presence.clientId;
    if (!live) return Promise.resolve(mayExecute());
    // The claim is in this document now: every change up to this clock must be held by the peers heard.
    const clock = live.held(me);
    live.ack();
    return new Promise((resolve) => {
      const stops: Array<() => void> = [];
      const finish = (ok: boolean): void => {
        for (const stop of stops.splice(0)) stop();
        resolve(ok);
      };
      const check = (): void => {
        const run = readRun(doc, runId);
        const mine = run !== null && run.state === 'running' && (run.executor as { client?: unknown } | undefined)?.client === me;
        if (destroyed || !acting || recordedExecutor(doc) !== me || !mine) return finish(false);
        if (executorMayStart(live.hearing(), membership(), live.acks(me), clock)) finish(true);
      };
      const onAw = (): void => check();
      presence.awareness.on('change', onAw);
      stops.push(() => presence.awareness.off('change', onAw));
      stops.push(live.onTick(check));
      const runs = runsMap(doc);
      runs.observeDeep(onAw);
      stops.push(() => runs.unobserveDeep(onAw));
      check();
    });
  }

  function onRoleChange(fn: (role: ExecutorRole) => void): () => void {
    listeners.add(fn);
    return () => void listeners.delete(fn);
  }

  const onPresence = (): void => evaluate();
  const onAwareness = ({ added, removed }: { added: number[]; removed: number[] }, origin: unknown): void => {
    for (const c of added) goodbyes.delete(c);
    if (origin === 'timeout' || origin === 'local') return;
    for (const c of removed) goodbyes.add(c);
  };
  // Registered before onPresence so the goodbye is known when the same change is evaluated.
  presence.awareness.on('change', onAwareness);
  const onDoc = (): void => evaluate();
  const unsubscribe = presence.onChange(onPresence);
  kernelMap(doc).observe(onDoc);
  // The notebook may still be loading (IndexedDB, first sync): no takeover until it has its metadata.
  metaMap(doc).observe(onDoc);
  const unsubscribeRoom = opts.room?.onStatus(onDoc);
  // A silent peer fires no event: the rule is applied again on every heartbeat tick.
  const unsubscribeTick = live?.onTick(() => evaluate());
  evaluate();

  return {
    role: () => current,
    mayExecute,
    onRoleChange,
    confirmClaim,
    refresh: evaluate,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      unsubscribe();
      presence.awareness.off('change', onAwareness);
      unsubscribeRoom?.();
      unsubscribeTick?.();
      kernelMap(doc).unobserve(onDoc);
      metaMap(doc).unobserve(onDoc);
      if (reclaimTimer !== null) clearTimeout(reclaimTimer);
      demote();
      listeners.clear();
    },
  };
}
