/**
 * Local persistence: binds a notebook Y.Doc to its own IndexedDB database through y-indexeddb, which stores
 * every update as it happens, so a reload right after a keystroke finds it. When IndexedDB is unavailable
 * (private mode, blocked storage), the doc lives in memory and `saving` says so for the UI to warn.
 */
import * as Y from 'yjs';
import { IndexeddbPersistence, clearDocument } from 'y-indexeddb';
import { dropJournals, journalUpdates, replayJournals } from './journal';
import { EXECUTOR } from '../model';
import { deleteHistory } from './history-store';

const PREFIX = 'anode:nb:';

/** The IndexedDB database name of a notebook. */
export function notebookDbName(id: string): string {
  return PREFIX + id;
}

let probe: Promise<string | null> | null = null;

/** Null when IndexedDB works here, else a sentence saying why it does not. Probed once per page. */
export function storageProblem(): Promise<string | null> {
  probe ??= new Promise((resolve) => {
    if (typeof indexedDB === 'undefined') return resolve('This browser offers no IndexedDB.');
    let req: IDBOpenDBRequest;
    try {
      req = indexedDB.open('anode:probe');
    } catch (e) {
      return resolve(`IndexedDB is blocked: ${(e as Error).message}`);
    }
    const timer = setTimeout(() => resolve('IndexedDB did not answer.'), 3000);
    req.onsuccess = () => {
      clearTimeout(timer);
      req.result.close();
      resolve(null);
    };
    req.onerror = () => {
      clearTimeout(timer);
      resolve(`IndexedDB is unavailable: ${req.error?.message ?? 'unknown error'}`);
    };
  });
  return probe;
}

/** A document bound to local storage, or kept in memory when storage is unavailable. */
export interface LocalStore {
  /** Resolves once everything stored locally is in the doc. */
  readonly whenLoaded: Promise<void>;
  /** False when edits are not being saved (memory only). */
  readonly saving: boolean;
  destroy(): void;
}

/** Without IndexedDB, notebooks live in this page's memory: they survive navigation, not a reload. */
const memory = new Map<string, Uint8Array[]>();

function openMemoryStore(id: string, doc: Y.Doc): LocalStore {
  const updates = memory.get(id) ?? [];
  memory.set(id, updates);
  if (updates.length) Y.applyUpdate(doc, Y.mergeUpdates(updates));
  else updates.push(Y.encodeStateAsUpdate(doc));
  const onUpdate = (update: Uint8Array): void => void updates.push(update);
  doc.on('update', onUpdate);
  return { whenLoaded: Promise.resolve(), saving: false, destroy: () => doc.off('update', onUpdate) };
}

/** Binds `doc` to the notebook `id`'s database (or to page memory when IndexedDB is unavailable). */
export async function openLocalStore(id: string, doc: Y.Doc): Promise<LocalStore> {
  if (await storageProblem()) return openMemoryStore(id, doc);
  const p = new IndexeddbPersistence(notebookDbName(id), doc);
  // Not y-indexeddb's own loading of what it stored, nor the executor's output (see journal.ts).
  const stopJournal = journalUpdates(id, doc, [p, EXECUTOR]);
  return {
    whenLoaded: p.whenSynced.then(() => replayJournals(id, doc, null)),
    saving: true,
    destroy: () => {
      stopJournal();
      void p.destroy();
    },
  };
}

/**
 * Whether this device stores notebook `id`, asked without creating its database (opening a missing id must
 * leave nothing behind). Null when the browser cannot say (no `indexedDB.databases()`).
 */
export async function isStoredLocally(id: string): Promise<boolean | null> {
  if (await storageProblem()) return memory.has(id);
  if (typeof indexedDB.databases !== 'function') return null;
  try {
    const dbs = await indexedDB.databases();
    return dbs.some((d) => d.name === notebookDbName(id));
  } catch {
    return null;
  }
}

/** Deletes a notebook's stored content for good. */
export async function deleteLocalStore(id: string): Promise<void> {
  memory.delete(id);
  dropJournals(id);
  if (await storageProblem()) return;
  await Promise.all([clearDocument(notebookDbName(id)), deleteHistory(id)]);
}
