/**
 * Consent to run other people's code. In a room, the executor's browser runs what any peer queues. The kernel is
 * sandboxed (src/kernel/sandbox.ts), but it still uses this machine's CPU, this notebook's files and the network
 * from here, so the first time another peer's run would execute in this browser the user is asked once, and the
 * answer is remembered per room on this device ("Let this machine run the room's code", the device setting, still
 * decides whether this machine is a candidate at all).
 *
 * Which runs are "mine" is decided locally, never from the document: a run record carries a `requestedBy` that
 * any peer could write, so only runs this tab created itself (a local Yjs transaction) with the source they were
 * created with count as this user's own.
 */
import * as Y from 'yjs';
import { runsMap, type RunRecord } from '../model';
import type { Presence } from './awareness';
import { defaultStore, type SettingsStore } from './settings';

export type RoomConsent = 'allow' | 'deny';

const KEY = 'anode.runConsent';
/** Rooms remembered; the oldest answers are forgotten past this (and asked again). */
const MAX_ROOMS = 200;

function readAll(store: SettingsStore): Record<string, RoomConsent> {
  try {
    const parsed: unknown = JSON.parse(store.getItem(KEY) ?? '{}');
    if (!parsed || typeof parsed !== 'object') return {};
    const out: Record<string, RoomConsent> = {};
    for (const [room, v] of Object.entries(parsed)) if (v === 'allow' || v === 'deny') out[room] = v;
    return out;
  } catch {
    return {};
  }
}

/** This device's answer for a room, or null when never asked. */
export function loadRoomConsent(room: string, store: SettingsStore = defaultStore()): RoomConsent | null {
  return readAll(store)[room] ?? null;
}

/** Remembers (or, with null, forgets) this device's answer for a room. */
export function saveRoomConsent(room: string, answer: RoomConsent | null, store: SettingsStore = defaultStore()): void {
  const all = readAll(store);
  delete all[room];
  if (answer) all[room] = answer;
  const entries = Object.entries(all).slice(-MAX_ROOMS);
  try {
    store.setItem(KEY, JSON.stringify(Object.fromEntries(entries)));
  } catch {
    // Not remembered: the question comes again next time.
  }
}

/** Runs this tab created, with the source each was created with. */
export interface LocalRuns {
  isMine(run: RunRecord): boolean;
  destroy(): void;
}

/** Starts recording the runs this tab's document creates (call it before anything can queue a run). */
export function trackLocalRuns(doc: Y.Doc): LocalRuns {
  const mine = new Map<string, string>();
  const runs = runsMap(doc);
  const onRuns = (event: Y.YMapEvent<Y.Map<unknown>>, tr: Y.Transaction): void => {
    if (!tr.local) return;
    for (const [id, change] of event.changes.keys) {
      if (change.action !== 'add') continue;
      const rec = runs.get(id);
      const source = rec?.get('source');
      if (typeof source === 'string') mine.set(id, source);
    }
  };
  runs.observe(onRuns);
  return {
    // The source too: a peer could rewrite a queued run record's source after this tab created it.
    isMine: (run) => mine.get(run.id) === run.source,
    destroy: () => runs.unobserve(onRuns),
  };
}

/** A question waiting for the user: whose code. */
export interface ConsentQuestion {
  asker: string;
}

/**
 * The room's consent on this device: answers the executor loop's "may this run execute here?", asking the user
 * when needed. A refusal withdraws this peer from executing for this room (not for others, not saved as the device
 * setting), so that another peer who offers takes the queue.
 */
export class ExecutionConsent {
  private answer: RoomConsent | null;
  private question: { asker: string; promise: Promise<boolean>; resolve: (ok: boolean) => void } | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly room: string,
    private readonly presence: Presence,
    private readonly localRuns: LocalRuns,
    private readonly store: SettingsStore = defaultStore(),
  ) {
    this.answer = loadRoomConsent(room, store);
    if (this.answer === 'deny') presence.setOffersExecution(false, { remember: false });
  }

  /** For the executor loop: true to run now, false to leave it queued, or a promise while the user decides. */
  mayRun(run: RunRecord): boolean | Promise<boolean> {
    if (this.localRuns.isMine(run) || this.answer === 'allow') return true;
    if (this.answer === 'deny') {
      // Settings may have offered this machine again meanwhile: stay out of this room, or its queue would stall here.
      this.presence.setOffersExecution(false, { remember: false });
      return false;
    }
    if (!this.question) {
      let resolve!: (ok: boolean) => void;
      const promise = new Promise<boolean>((r) => (resolve = r));
      this.question = { asker: run.requestedBy.name, promise, resolve };
      this.emit();
    }
    return this.question.promise;
  }

  /** The question the UI should show, or null. */
  pending(): ConsentQuestion | null {
    return this.question ? { asker: this.question.asker } : null;
  }

  /** The remembered answer for this room. */
  current(): RoomConsent | null {
    return this.answer;
  }

  /** The user's answer (remembered for this room); `null` forgets it, so the next run from a peer asks again. */
  decide(answer: RoomConsent | null): void {
    this.answer = answer;
    saveRoomConsent(this.room, answer, this.store);
    const q = this.question;
    this.question = null;
    // Declined: stop being a candidate here. Undecided again: offer as the device setting says.
    if (answer === 'deny') this.presence.setOffersExecution(false, { remember: false });
    else this.presence.setOffersExecution(this.presence.deviceOffersExecution(), { remember: false });
    q?.resolve(answer === 'allow');
    this.emit();
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(): void {
    for (const fn of [...this.listeners]) fn();
  }

  destroy(): void {
    this.question?.resolve(false);
    this.question = null;
    this.listeners.clear();
  }
}
