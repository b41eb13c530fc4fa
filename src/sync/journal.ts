/**
 * A write-ahead journal for the last moments of editing. y-indexeddb stores each update in its own IndexedDB
 * transaction, which commits only after a round trip through the event loop: a reload or tab close right after a
 * keystroke can abort it (seen in about 1 of 5 immediate reloads). localStorage writes are synchronous, so every
 * update is also appended here and dropped once the document has been quiet long enough for IndexedDB to have
 * committed it. Opening a notebook replays whatever journal a previous page left behind.
 *
 * The executor's writes (outputs, run states) are not journaled: they can be large and frequent (a cell printing
 * for minutes never lets the document be quiet), and localStorage's few megabytes are kept for what cannot be
 * recomputed, the user's edits. A tab closed mid-run interrupts that run anyway.
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

/** The journal keys of notebook `id`: one per update, `<prefix><id>:<client>:<seq>`, from every page that edited it. */
function journalKeys(ls: Storage, id: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < ls.length; i++) {
    const k = ls.key(i);
    if (k?.startsWith(`${PREFIX}${id}:`)) keys.push(k);
  }
  return keys;
}

/** A journal entry: one base64 update, or (as earlier versions wrote) a JSON array of them. */
function entryUpdates(value: string | null): string[] {
  if (!value) return [];
  if (!value.startsWith('[')) return [value];
  const parsed = JSON.parse(value) as unknown;
  return Array.isArray(parsed) ? parsed.filter((e): e is string => typeof e === 'string') : [];
}

/** Applies journals that earlier pages left for notebook `id` (they are removed once safely stored again). */
export function replayJournals(id: string, doc: Y.Doc, origin: unknown): void {
  const ls = storage();
  if (!ls) return;
  const keys = journalKeys(ls, id);
  // Yjs updates commute (one missing its predecessor waits for it), so the order of the keys does not matter.
  doc.transact(() => {
    for (const key of keys) {
      try {
        for (const e of entryUpdates(ls.getItem(key))) Y.applyUpdate(doc, fromBase64(e));
      } catch {
        // A damaged entry holds nothing we can use; IndexedDB still has everything up to it.
      }
    }
  }, origin);
  if (keys.length) setTimeout(() => keys.forEach((k) => ls.removeItem(k)), QUIET_MS);
}

/**
 * Journals every update of `doc` (except those of `skipOrigins`) until it has been quiet for a while. Each update
 * is its own key, so a write costs the size of that update, not of everything since the last quiet moment.
 * Returns the stop function.
 */
export function journalUpdates(id: string, doc: Y.Doc, skipOrigins: readonly unknown[]): () => void {
  const ls = storage();
  if (!ls) return () => {};
  const prefix = `${PREFIX}${id}:${doc.clientID}:`;
  let written: string[] = [];
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (skipOrigins.includes(origin)) return;
    const key = `${prefix}${seq++}`;
    try {
      ls.setItem(key, toBase64(update));
      written.push(key);
    } catch {
      // localStorage full: IndexedDB still gets the update; only the crash window is unprotected.
    }
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      written.forEach((k) => ls.removeItem(k));
      written = [];
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
