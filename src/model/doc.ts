/**
 * The top-level shape of a notebook Y.Doc and the one-time seeding of a new notebook.
 */
import * as Y from 'yjs';
import { SCHEMA_VERSION, type NotebookMeta } from './schema';
import type { Origin } from './origin';
import { SYSTEM } from './origin';

export function metaMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('meta');
}
export function cellsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('cells');
}
export function runsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('runs');
}
export function kernelMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('kernel');
}

/** The notebook's metadata, or null when the document has never been seeded (or is not a notebook). */
export function readMeta(doc: Y.Doc): NotebookMeta | null {
  const m = metaMap(doc);
  const id = m.get('id');
  if (typeof id !== 'string') return null;
  const title = m.get('title');
  const created = m.get('created');
  const schemaVersion = m.get('schemaVersion');
  const language = m.get('language');
  return {
    id,
    title: typeof title === 'string' ? title : 'Untitled',
    created: typeof created === 'number' ? created : 0,
    schemaVersion: typeof schemaVersion === 'number' ? schemaVersion : 0,
    language: typeof language === 'string' ? language : 'python',
  };
}

/**
 * Writes a new notebook's metadata. Called exactly once, by the peer that creates the notebook, before it is
 * shared or persisted anywhere else: a peer that opens an existing notebook never seeds.
 */
export function seedMeta(doc: Y.Doc, id: string, title: string, origin: Origin = SYSTEM): void {
  doc.transact(() => {
    const m = metaMap(doc);
    m.set('id', id);
    m.set('title', title);
    m.set('created', Date.now());
    m.set('schemaVersion', SCHEMA_VERSION);
    m.set('language', 'python');
  }, origin);
}

export function setTitle(doc: Y.Doc, title: string, origin: Origin): void {
  doc.transact(() => metaMap(doc).set('title', title), origin);
}

/** Whether this build can safely edit the document (same schema version). */
export function schemaProblem(meta: NotebookMeta): string | null {
  if (meta.schemaVersion === SCHEMA_VERSION) return null;
  if (meta.schemaVersion > SCHEMA_VERSION) {
    return `This notebook was written by a newer Anode (schema ${meta.schemaVersion}; this app knows ${SCHEMA_VERSION}). Update the app before editing it.`;
  }
  return `This notebook uses an older schema (${meta.schemaVersion}) that this app cannot edit safely.`;
}
