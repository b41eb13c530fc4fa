/**
 * The executor role on this peer: watches presence and the document, applies the election, and when this peer
 * becomes the executor takes over (interrupting runs lost with the old executor and starting a new kernel
 * session, see model/handover.ts) before handing the notebook to the executor loop; when it stops being the
 * executor it stops the loop. Every peer runs one of these per open notebook; only the elected one acts.
 */
import type * as Y from 'yjs';
import { EXECUTOR, kernelMap, metaMap, newId, readKernel, readMeta, takeOverSession } from '../model';
import type { KernelSession } from '../model';
import type { Actor, HandoverNote, Origin } from '../model';
import type { PeerPresence, Presence } from './awareness';
import { electExecutor, recordedExecutor, recordedSession } from './election';

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
   * first exchange with the peers already there (`settling`), or this peer lost the network (`isolated`: the
   * others may still be running the queue). Null otherwise.
   */
  hold: 'loading' | 'settling' | 'isolated' | null;
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
  let current: ExecutorRole = compute();

  function compute(): ExecutorRole {
    const states = presence.awareness.getStates();
    const recordedRec = recordedSession(doc);
    const recorded = recordedRec?.client ?? null;
    const executor = electExecutor(states, recordedRec);
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
                : null;
    return { executor, executorPeer, recorded, elected, acting, waiting: elected && !acting, hold };
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
    const me: Actor = { client: presence.clientId, name: presence.local().user.name };
    const kernel = readKernel(doc);
    let takeover: Takeover;
    if (kernel && recordedExecutor(doc) === me.client) {
      // Same client id: this page already held the session (e.g. the view was rebuilt); nothing was lost.
      presence.setExecutes(kernel.sessionId);
      takeover = { sessionId: kernel.sessionId, me, note: null, mayExecute, onRoleChange };
    } else {
      // Announced before it is recorded: peers that see the record then already see it confirmed.
      const sessionId = newId();
      presence.setExecutes(sessionId);
      const note = takeOverSession(doc, sessionId, me, origin);
      takeover = { sessionId: note.sessionId, me, note, mayExecute, onRoleChange };
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
    return !destroyed && acting && recordedExecutor(doc) === presence.clientId;
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
  evaluate();

  return {
    role: () => current,
    mayExecute,
    onRoleChange,
    refresh: evaluate,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      unsubscribe();
      presence.awareness.off('change', onAwareness);
      unsubscribeRoom?.();
      kernelMap(doc).unobserve(onDoc);
      metaMap(doc).unobserve(onDoc);
      if (reclaimTimer !== null) clearTimeout(reclaimTimer);
      demote();
      listeners.clear();
    },
  };
}
