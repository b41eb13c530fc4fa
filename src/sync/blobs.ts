/**
 * The device's store of file contents: content-addressed Blobs in one IndexedDB database (`anode:files`), keyed
 * by notebook and SHA-256, so that deleting a notebook deletes its files and two notebooks never share one. The
 * notebook document holds only the manifest (src/model/files.ts). Without IndexedDB, blobs live in page memory.
 */
import { storageProblem } from './persistence';

const DB = 'anode:files';
const STORE = 'blobs';

/** Hex SHA-256 of `data`: a file's name in the store and its integrity check when it comes from a peer. */
export async function sha256Hex(data: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

const memory = new Map<string, Blob>();
let dbPromise: Promise<IDBDatabase | null> | null = null;

function open(): Promise<IDBDatabase | null> {
  dbPromise ??= storageProblem().then(
    (problem) =>
      problem
        ? null
        : new Promise<IDBDatabase | null>((resolve) => {
            const req = indexedDB.open(DB, 1);
            req.onupgradeneeded = () => req.result.createObjectStore(STORE);
            req.onsuccess = () => resolve(req.result);
            req.onerror = () => resolve(null);
          }),
  );
  return dbPromise;
}

const key = (notebook: string, hash: string): string => `${notebook}/${hash}`;

function request<T>(db: IDBDatabase, mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const req = fn(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(req.result);
    tx.onerror = () => reject(quotaMessage(tx.error));
    tx.onabort = () => reject(quotaMessage(tx.error));
  });
}

function quotaMessage(e: DOMException | null): Error {
  if (e?.name === 'QuotaExceededError') {
    return new Error('The browser’s storage for this site is full: delete files or notebooks you no longer need, then try again.');
  }
  return new Error(`Could not store the file: ${e?.message ?? 'IndexedDB failed'}`);
}

export async function putBlob(notebook: string, hash: string, blob: Blob): Promise<void> {
  const db = await open();
  if (!db) {
    memory.set(key(notebook, hash), blob);
    return;
  }
  await request(db, 'readwrite', (s) => s.put(blob, key(notebook, hash)));
}

export async function getBlob(notebook: string, hash: string): Promise<Blob | null> {
  const db = await open();
  if (!db) return memory.get(key(notebook, hash)) ?? null;
  const v = await request<unknown>(db, 'readonly', (s) => s.get(key(notebook, hash)));
  return v instanceof Blob ? v : null;
}

/** The hashes this device holds for `notebook`. */
export async function storedHashes(notebook: string): Promise<Set<string>> {
  const db = await open();
  const prefix = `${notebook}/`;
  if (!db) return new Set([...memory.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length)));
  const keys = await request(db, 'readonly', (s) => s.getAllKeys(IDBKeyRange.bound(prefix, `${prefix}\uffff`)));
  return new Set(keys.map((k) => String(k).slice(prefix.length)));
}

/** Deletes `notebook`'s blobs: all of them, or those whose hash `drop` selects. */
export async function deleteBlobs(notebook: string, drop: (hash: string) => boolean = () => true): Promise<void> {
  const doomed = [...(await storedHashes(notebook))].filter(drop);
  if (!doomed.length) return;
  const db = await open();
  if (!db) {
    for (const h of doomed) memory.delete(key(notebook, h));
    return;
  }
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite');
    for (const h of doomed) tx.objectStore(STORE).delete(key(notebook, h));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(quotaMessage(tx.error));
  });
}

/** Copies every blob of `from` to `to` (Duplicate). */
export async function copyBlobs(from: string, to: string): Promise<void> {
  for (const h of await storedHashes(from)) {
    const b = await getBlob(from, h);
    if (b) await putBlob(to, h, b);
  }
}
