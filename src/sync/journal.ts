/**
 * A write-ahead journal for the last moments of editing. y-indexeddb stores each update in its own IndexedDB
 * transaction, which commits only after a round trip through the event loop: a reload or tab close right after a
 * keystroke can abort it (seen in about 1 of 5 immediate reloads). localStorage writes are synchronous, so every
 * update is also appended here and dropped once the document has been quiet long enough for IndexedDB to have
 * committed it. Opening a notebook replays whatever journal a previous page left behind.
 */
import * as Y from 'yjs';

const PREFIX = 'anode:journal:';
/** IndexedDB commits within milliseconds; this leaves a wide margin on a loaded machine. */
const QUIET_MS = 3000;

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function fromBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** The journal keys of notebook `id`, one per page that edited it. */
function journalKeys(ls: Storage, id: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < ls.length; i++) {
    const k = ls.key(i);
    if (k?.startsWith(`${PREFIX}${id}:`)) keys.push(k);
  }
  return keys;
}

/** Applies journals that earlier pages left for notebook `id` (they are removed once safely stored again). */
export function replayJournals(id: string, doc: Y.Doc, origin: unknown): void {
  const ls = storage();
  if (!ls) return;
  for (const key of journalKeys(ls, id)) {
    try {
      const entries = JSON.parse(ls.getItem(key) ?? '[]') as unknown;
      if (Array.isArray(entries)) {
        doc.transact(() => {
          for (const e of entries) if (typeof e === 'string') Y.applyUpdate(doc, fromBase64(e));
        }, origin);
      }
    } catch {
      // A damaged journal holds nothing we can use; IndexedDB still has everything up to it.
    }
    setTimeout(() => ls.removeItem(key), QUIET_MS);
  }
}

/** Journals every update of `doc` until it has been quiet for a while. Returns the stop function. */
export function journalUpdates(id: string, doc: Y.Doc, skipOrigin: unknown): () => void {
  const ls = storage();
  if (!ls) return () => {};
  const key = `${PREFIX}${id}:${doc.clientID}`;
  let entries: string[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === skipOrigin) return;
    entries.push(toBase64(update));
    try {
      ls.setItem(key, JSON.stringify(entries));
    } catch {
      // localStorage full: IndexedDB still gets the update; only the crash window is unprotected.
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      entries = [];
      ls.removeItem(key);
    }, QUIET_MS);
  };
  doc.on('update', onUpdate);
  return () => {
    doc.off('update', onUpdate);
    // The timer still clears the journal once IndexedDB has had its time.
  };
}

/** Forgets every journal of notebook `id` (the notebook is being deleted). */
export function dropJournals(id: string): void {
  const ls = storage();
  if (ls) journalKeys(ls, id).forEach((k) => ls.removeItem(k));
}
