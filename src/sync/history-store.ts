/**
 * Where a notebook's checkpoints live on this device: their own IndexedDB database per notebook
 * (`anode:history:<id>`), apart from the document's, so a history never loads with the notebook and deleting it
 * never touches the notebook. Two stores: `checkpoints` (the small records the list shows) and `states` (each
 * checkpoint's encoded document, read only when a version is opened or restored).
 */
import type { ChangeSummary } from '../model';

/** Why a checkpoint was taken. */
export type CheckpointKind = 'opened' | 'import' | 'edit' | 'run-all' | 'ai' | 'restore' | 'named';

export interface Checkpoint {
  id: string;
  /** When it was taken (ms since epoch, this device's clock). */
  at: number;
  kind: CheckpointKind;
  /** The name a user gave it ("Save version"). */
  name?: string;
  /** What changed since the previous checkpoint, by whom. */
  summary: ChangeSummary;
  /** How many cells the notebook had. */
  cellCount: number;
  /** Bytes of its stored state. */
  size: number;
}

const PREFIX = 'anode:history:';

export function historyDbName(notebookId: string): string {
  return PREFIX + notebookId;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/** One notebook's checkpoints on this device. */
export class HistoryStore {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(notebookId: string, idb: IDBFactory = indexedDB): Promise<HistoryStore> {
    const req = idb.open(historyDbName(notebookId), 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('checkpoints', { keyPath: 'id' });
      req.result.createObjectStore('states');
    };
    return new HistoryStore(await request(req));
  }

  /** Every checkpoint, oldest first. */
  async list(): Promise<Checkpoint[]> {
    const tx = this.db.transaction('checkpoints', 'readonly');
    const all = await request(tx.objectStore('checkpoints').getAll() as IDBRequest<Checkpoint[]>);
    return all.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  }

  async state(id: string): Promise<Uint8Array | null> {
    const tx = this.db.transaction('states', 'readonly');
    const v = (await request(tx.objectStore('states').get(id))) as unknown;
    return v instanceof Uint8Array ? v : null;
  }

  /** Stores a checkpoint and its state, and removes `replace` (ids) in the same transaction. */
  async put(cp: Checkpoint, state: Uint8Array, replace: readonly string[] = []): Promise<void> {
    const tx = this.db.transaction(['checkpoints', 'states'], 'readwrite');
    for (const id of replace) {
      tx.objectStore('checkpoints').delete(id);
      tx.objectStore('states').delete(id);
    }
    tx.objectStore('checkpoints').put(cp);
    tx.objectStore('states').put(state, cp.id);
    await done(tx);
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (!ids.length) return;
    const tx = this.db.transaction(['checkpoints', 'states'], 'readwrite');
    for (const id of ids) {
      tx.objectStore('checkpoints').delete(id);
      tx.objectStore('states').delete(id);
    }
    await done(tx);
  }

  close(): void {
    this.db.close();
  }
}

/** Deletes a notebook's history for good (the notebook is being deleted). */
export function deleteHistory(notebookId: string, idb: IDBFactory = indexedDB): Promise<void> {
  return new Promise((resolve) => {
    const req = idb.deleteDatabase(historyDbName(notebookId));
    // Blocked (a tab still has it open): it is deleted when that tab closes it; nothing to wait for here.
    req.onsuccess = req.onerror = req.onblocked = () => resolve();
  });
}
