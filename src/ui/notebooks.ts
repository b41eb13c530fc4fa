/** Library actions on whole notebooks: create, duplicate, rename, delete. Each touches storage, never the UI. */
import * as Y from 'yjs';
import {
  createNotebookDoc,
  kernelMap,
  metaMap,
  newId,
  readMeta,
  runsMap,
  setTitle,
  SYSTEM,
  type NewCell,
} from '../model';
import { copyBlobs, deleteBlobs, deleteLocalStore, openLocalStore, forgetRoom } from '../sync';
import { library } from './services';

/** Stores a fully built document as a new notebook on this device and lists it. */
export async function storeNewNotebook(doc: Y.Doc): Promise<string> {
  const meta = readMeta(doc);
  if (!meta) throw new Error('A notebook document needs its metadata before it is stored');
  const store = await openLocalStore(meta.id, doc);
  await store.whenLoaded;
  store.destroy();
  library.upsert({ id: meta.id, title: meta.title, created: meta.created });
  return meta.id;
}

/** Creates and stores a new notebook ("Untitled", one empty code cell unless `cells` says otherwise). */
export async function createNotebook(opts: { title?: string; cells?: NewCell[] } = {}): Promise<string> {
  const doc = createNotebookDoc(opts);
  try {
    return await storeNewNotebook(doc);
  } finally {
    doc.destroy();
  }
}

async function withStored<T>(id: string, fn: (doc: Y.Doc) => T): Promise<T | null> {
  const doc = new Y.Doc();
  const store = await openLocalStore(id, doc);
  await store.whenLoaded;
  try {
    return readMeta(doc) ? fn(doc) : null;
  } finally {
    store.destroy();
    doc.destroy();
  }
}

/** Copies a notebook's cells and outputs into a new notebook; runs and kernel session are not copied. */
export async function duplicateNotebook(id: string): Promise<string | null> {
  const update = await withStored(id, (doc) => Y.encodeStateAsUpdate(doc));
  if (!update) return null;
  const copy = new Y.Doc();
  try {
    Y.applyUpdate(copy, update);
    const newIdValue = newId();
    copy.transact(() => {
      const title = readMeta(copy)?.title ?? 'Untitled';
      metaMap(copy).set('id', newIdValue);
      metaMap(copy).set('title', `Copy of ${title}`);
      metaMap(copy).set('created', Date.now());
      runsMap(copy).clear();
      kernelMap(copy).clear();
    }, SYSTEM);
    // The files first: the copy is listed only once it is whole.
    await copyBlobs(id, newIdValue);
    return await storeNewNotebook(copy);
  } finally {
    copy.destroy();
  }
}

export async function renameStoredNotebook(id: string, title: string): Promise<void> {
  await withStored(id, (doc) => setTitle(doc, title, SYSTEM));
  const entry = library.get(id);
  if (entry) library.upsert({ ...entry, title });
}

export async function deleteNotebook(id: string): Promise<void> {
  library.remove(id);
  forgetRoom(id);
  await deleteLocalStore(id);
  await deleteBlobs(id);
}
