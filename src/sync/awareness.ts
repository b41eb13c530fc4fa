/**
 * Presence: what each peer in a notebook says about itself through Yjs awareness (ephemeral, never in the
 * document): who they are, which cell they are on, whether their machine offers to run code for the room, how
 * its kernel is doing, and since when they are here (the election's seniority).
 *
 * Remote states come from other people's browsers: `readPeer` validates them and never throws, so a hostile or
 * older peer shows up as absent instead of crashing this one.
 */
import type * as Y from 'yjs';
import { Awareness } from 'y-protocols/awareness';
import {
  cleanColor,
  cleanName,
  defaultStore,
  loadIdentity,
  loadOffersExecution,
  saveIdentity,
  saveOffersExecution,
  type SettingsStore,
  type UserIdentity,
} from './settings';
import { readPublishedVariables, type PublishedVariables } from './variables';

/** Version of the presence fields below; a peer speaking another version is shown but never elected. */
export const PRESENCE_VERSION = 1;

/** How a peer's own Python kernel is doing, as it reports it. */
export type KernelReadiness = 'none' | 'starting' | 'ready' | 'failed';
const READINESS: readonly KernelReadiness[] = ['none', 'starting', 'ready', 'failed'];

/** The `user` field y-codemirror.next reads to draw remote cursors and selections. */
export interface CursorUser {
  name: string;
  color: string;
  /** The colour of the peer's selection: `color` with alpha. */
  colorLight: string;
}

/** One peer's presence, validated. The local state has exactly this shape (plus fields editors add, e.g. `cursor`). */
export interface PeerPresence {
  v: number;
  user: CursorUser;
  /** The id of the cell the peer is on, or null. */
  cell: string | null;
  /** The peer's machine may run code for the room (false: the user opted out). */
  offersExecution: boolean;
  kernel: KernelReadiness;
  /** When the peer opened this notebook (ms since epoch, its own clock): earlier means more senior. */
  joinedAt: number;
  /** The executor's kernel variables (./variables.ts); null from everyone else. */
  variables: PublishedVariables | null;
  /**
   * The kernel session this peer executes, as it announces it itself (null: none). The document's record of the
   * executor counts only when the recorded peer says so too (src/sync/election.ts).
   */
  executes: string | null;
  /**
   * How much of the recorded executor's changes this peer's document holds: `clock` is its Yjs clock of client
   * `of`. The executor starts a claimed run only once every peer it hears holds the claim (src/sync/failover.ts).
   */
  seen: { of: number; clock: number } | null;
  /**
   * Set (true) by a headless runtime agent (src/runtime): a machine started to serve the room, which the election
   * prefers over browsers once its kernel is ready. Absent for browser tabs.
   */
  runtime?: true;
}

/** `#rrggbb` → `#rrggbb33`: y-codemirror.next paints selections with this. */
export function lightColor(color: string): string {
  return `${color}33`;
}

/**
 * A remote awareness state as a `PeerPresence`, or null when it is not one (a peer that has not announced
 * itself yet, another app, wrong types). Pure, total: never throws whatever `state` is.
 */
export function readPeer(state: unknown): PeerPresence | null {
  try {
    if (typeof state !== 'object' || state === null) return null;
    const s = state as Record<string, unknown>;
    const user = s.user;
    if (typeof user !== 'object' || user === null) return null;
    const name = cleanName((user as Record<string, unknown>).name);
    const color = cleanColor((user as Record<string, unknown>).color);
    if (!name || !color) return null;
    const v = s.v;
    const joinedAt = s.joinedAt;
    if (typeof v !== 'number' || typeof joinedAt !== 'number' || !Number.isFinite(joinedAt)) return null;
    const kernel = READINESS.includes(s.kernel as KernelReadiness) ? (s.kernel as KernelReadiness) : 'none';
    return {
      v,
      user: { name, color, colorLight: lightColor(color) },
      cell: typeof s.cell === 'string' ? s.cell : null,
      offersExecution: s.offersExecution === true,
      kernel,
      joinedAt,
      variables: readPublishedVariables(s.variables),
      executes: typeof s.executes === 'string' ? s.executes : null,
      seen: readSeen(s.seen),
      ...(s.runtime === true ? { runtime: true as const } : {}),
    };
  } catch {
    // A getter or proxy planted in the state (only possible in-process, e.g. tests): treat as absent.
    return null;
  }
}

function readSeen(v: unknown): PeerPresence['seen'] {
  if (typeof v !== 'object' || v === null) return null;
  const { of, clock } = v as { of?: unknown; clock?: unknown };
  return Number.isInteger(of) && Number.isInteger(clock) ? { of: of as number, clock: clock as number } : null;
}

/** Every valid peer in `states` (awareness.getStates()), keyed by client id. */
export function readPeers(states: ReadonlyMap<number, unknown>): Map<number, PeerPresence> {
  const out = new Map<number, PeerPresence>();
  states.forEach((state, client) => {
    const peer = readPeer(state);
    if (peer) out.set(client, peer);
  });
  return out;
}

export interface PresenceOptions {
  /** An existing awareness to publish into (default: a new one on `doc`). */
  awareness?: Awareness;
  /** Where identity and opt-out are remembered (default: localStorage). */
  store?: SettingsStore;
  /** Clock for `joinedAt` (tests). */
  now?: () => number;
  /** Announce this peer as a runtime agent (see `PeerPresence.runtime`). */
  runtime?: boolean;
}

/**
 * This device's presence in one notebook. Owns the notebook's Awareness (created even without a room, so that
 * a lone tab elects itself by the same rule as a room), and publishes the local state into it. Identity and the
 * execution opt-out are device settings: changing them here also remembers them.
 */
export class Presence {
  readonly awareness: Awareness;
  private readonly store: SettingsStore;
  private readonly ownsAwareness: boolean;
  /**
   * y-protocols re-admits a peer only when its clock grows, and a peer's clock grows every 15 s. A peer that
   * timed out here because *this* peer lost the network comes back with the same clock, and would stay
   * invisible for up to 15 s; meanwhile this peer would think itself alone (and elect itself). Forgetting the
   * clock of a timed-out peer re-admits it with its first message. (Clean leaves keep their clock, so a late
   * message cannot resurrect a peer that said goodbye.)
   */
  private readonly onTimeout = ({ removed }: { removed: number[] }, origin: unknown): void => {
    if (origin !== 'timeout') return;
    // Later: 'update' listeners (y-webrtc relaying the removal) still read the removed peer's clock.
    queueMicrotask(() => {
      for (const client of removed) {
        if (client !== this.awareness.clientID && !this.awareness.states.has(client)) this.awareness.meta.delete(client);
      }
    });
  };

  constructor(doc: Y.Doc, opts: PresenceOptions = {}) {
    this.ownsAwareness = !opts.awareness;
    this.awareness = opts.awareness ?? new Awareness(doc);
    this.store = opts.store ?? defaultStore();
    const identity = loadIdentity(this.store);
    const local: PeerPresence = {
      v: PRESENCE_VERSION,
      user: { ...identity, colorLight: lightColor(identity.color) },
      cell: null,
      offersExecution: loadOffersExecution(this.store),
      kernel: 'none',
      joinedAt: (opts.now ?? Date.now)(),
      variables: null,
      executes: null,
      seen: null,
      ...(opts.runtime ? { runtime: true as const } : {}),
    };
    // Keep fields other modules may already have set (an editor's `cursor`).
    this.awareness.setLocalState({ ...(this.awareness.getLocalState() ?? {}), ...local });
    this.awareness.on('change', this.onTimeout);
  }

  /** This client's id (the Y.Doc's clientID): what election results and `Actor.client` refer to. */
  get clientId(): number {
    return this.awareness.clientID;
  }

  /** The local presence as published. */
  local(): PeerPresence {
    const p = readPeer(this.awareness.getLocalState());
    if (!p) throw new Error('Presence was removed from awareness (destroyed?)');
    return p;
  }

  /** Renames / recolours the user, here and in every room, and remembers it on the device. */
  setIdentity(identity: Partial<UserIdentity>): UserIdentity {
    const cur = this.local().user;
    const saved = saveIdentity({ name: identity.name ?? cur.name, color: identity.color ?? cur.color }, this.store);
    this.awareness.setLocalStateField('user', { ...saved, colorLight: lightColor(saved.color) });
    return saved;
  }

  /** The cell the user is on (focus, cursor), or null. */
  setCell(cellId: string | null): void {
    if (this.awareness.getLocalState()?.cell !== cellId) this.awareness.setLocalStateField('cell', cellId);
  }

  /**
   * Opts this machine in or out of running code for the room; remembered on the device unless `remember` is
   * false (a refusal for one room: src/sync/consent.ts).
   */
  setOffersExecution(offers: boolean, { remember = true }: { remember?: boolean } = {}): void {
    if (remember) saveOffersExecution(offers, this.store);
    this.awareness.setLocalStateField('offersExecution', offers);
  }

  /** The device setting "Run code for others", whatever this room was told. */
  deviceOffersExecution(): boolean {
    return loadOffersExecution(this.store);
  }

  /** Reports this machine's kernel readiness (the executor loop calls this as its kernel boots or fails). */
  setKernel(kernel: KernelReadiness): void {
    if (this.awareness.getLocalState()?.kernel !== kernel) this.awareness.setLocalStateField('kernel', kernel);
  }

  /** Publishes this machine's kernel variables (it is the executor), or withdraws them (null). */
  setVariables(variables: PublishedVariables | null): void {
    this.awareness.setLocalStateField('variables', variables);
  }

  /** Announces the kernel session this peer executes (null: none), before the document records it. */
  setExecutes(sessionId: string | null): void {
    if (this.awareness.getLocalState()?.executes !== sessionId) this.awareness.setLocalStateField('executes', sessionId);
  }

  /** Publishes how much of `of`'s changes this peer's document holds (see `PeerPresence.seen`). */
  setSeen(of: number, clock: number): void {
    const cur = readSeen(this.awareness.getLocalState()?.seen);
    if (cur?.of !== of || cur.clock !== clock) this.awareness.setLocalStateField('seen', { of, clock });
  }

  /**
   * Says "still here" (src/sync/liveness.ts): `n` counts this peer's heartbeats, `echo` is the last heartbeat number
   * it received from each other peer. A peer that sees its own recent number echoed knows the state is fresh, even
   * when it arrives relayed or in a reconnecting peer's dump of old states.
   */
  setBeat(n: number, echo: Array<[number, number]>): void {
    this.awareness.setLocalStateField('beat', { n, echo });
  }

  /** Every valid peer present, this one included. */
  peers(): Map<number, PeerPresence> {
    return readPeers(this.awareness.getStates());
  }

  /** Calls `fn` whenever any peer's presence changes (joins, leaves, moves, renames). Returns an unsubscribe. */
  onChange(fn: () => void): () => void {
    const handler = (): void => fn();
    this.awareness.on('change', handler);
    return () => this.awareness.off('change', handler);
  }

  /**
   * Withdraws this peer (others see it leave at once, not after the 30 s timeout) and, if the awareness was
   * created here, stops its timers.
   */
  destroy(): void {
    this.awareness.off('change', this.onTimeout);
    this.awareness.setLocalState(null);
    if (this.ownsAwareness) this.awareness.destroy();
  }
}
