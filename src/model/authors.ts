/**
 * Who changed the notebook. Yjs stamps every inserted item with its writer's client id, so the writers of a
 * transaction are the clients whose clock it advanced; `authors` (a doc-level Y.Map) names those ids, so a
 * history entry can say "Bob deleted 3 cells" after Bob has left. Names are what peers call themselves: shown,
 * never trusted.
 */
import type * as Y from 'yjs';
import type { Origin } from './origin';

export interface Author {
  name: string;
  color: string;
}

export function authorsMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('authors');
}

/** The name and colour a client id wrote under, or null when it never said. */
export function authorOf(doc: Y.Doc, client: number): Author | null {
  const v = authorsMap(doc).get(String(client));
  if (typeof v !== 'object' || v === null) return null;
  const { name, color } = v as Record<string, unknown>;
  if (typeof name !== 'string' || !name) return null;
  return { name: name.slice(0, 80), color: typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? color : '#888888' };
}

/** Records this device's name for its client id, once per name (each page load is a new client id). */
export function registerAuthor(doc: Y.Doc, author: Author, origin: Origin): void {
  const cur = authorOf(doc, doc.clientID);
  if (cur && cur.name === author.name && cur.color === author.color) return;
  doc.transact(() => authorsMap(doc).set(String(doc.clientID), { name: author.name, color: author.color }), origin);
}

/**
 * Marks the current transaction as this client's. Yjs records no writer for a deletion (only the writers of what
 * was deleted): a deletion that also writes this one small value shows who deleted. Call inside a transaction.
 */
export function stampAuthor(doc: Y.Doc): void {
  doc.getMap('activity').set('last', doc.clientID);
}

/** The client ids that wrote anything in `tr`. */
export function writersOf(tr: Y.Transaction): number[] {
  const out: number[] = [];
  tr.afterState.forEach((clock, client) => {
    if (clock > (tr.beforeState.get(client) ?? 0)) out.push(client);
  });
  return out;
}
