/**
 * The library: which notebooks this device has (title, created, last edited), for the home view. It is a small
 * Y.Doc of its own in IndexedDB, so several tabs merge their changes instead of overwriting each other.
 */
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { storageProblem } from './persistence';

export interface LibraryEntry {
  id: string;
  title: string;
  created: number;
  updated: number;
}

/** The device's notebook list. Entries are plain values keyed by notebook id. */
export class Library {
  readonly doc = new Y.Doc();
  private persistence: IndexeddbPersistence | null = null;
  readonly whenLoaded: Promise<void>;

  constructor() {
    this.whenLoaded = storageProblem().then(async (problem) => {
      if (problem) return;
      this.persistence = new IndexeddbPersistence('anode:library', this.doc);
      await this.persistence.whenSynced;
    });
  }

  private get map(): Y.Map<LibraryEntry> {
    return this.doc.getMap('notebooks');
  }

  /** Notebooks, most recently edited first. */
  list(): LibraryEntry[] {
    const out: LibraryEntry[] = [];
    this.map.forEach((e, id) => {
      if (e && typeof e === 'object' && typeof e.title === 'string') out.push({ ...e, id });
    });
    return out.sort((a, b) => b.updated - a.updated);
  }

  get(id: string): LibraryEntry | undefined {
    const e = this.map.get(id);
    return e ? { ...e, id } : undefined;
  }

  /** Adds or updates an entry; `updated` defaults to now. */
  upsert(entry: Omit<LibraryEntry, 'updated'> & { updated?: number }): void {
    const prev = this.map.get(entry.id);
    const next: LibraryEntry = { ...entry, updated: entry.updated ?? Date.now() };
    if (prev && prev.title === next.title && Math.abs(prev.updated - next.updated) < 2000) return;
    this.map.set(entry.id, next);
  }

  remove(id: string): void {
    this.map.delete(id);
  }

  /** Calls `cb` on every change; returns the unsubscribe function. */
  observe(cb: () => void): () => void {
    this.map.observe(cb);
    return () => this.map.unobserve(cb);
  }
}
