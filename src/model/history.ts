/**
 * Versions of a notebook: reading a stored document state back as cells, comparing two versions cell by cell,
 * and restoring a version (whole, or one cell) into the live document as an ordinary change. Where versions are
 * stored and when they are taken is src/sync/history-*.ts; this file only knows the document.
 */
import * as Y from 'yjs';
import { cellsMap } from './doc';
import { cellOrder, getCell, insertCell, snapshotCell, type CellSnapshot } from './cells';
import { ATTACHMENTS_FIELD } from './attachments';
import type { Origin } from './origin';
import { stampAuthor } from './authors';

/** A notebook as it was at one checkpoint: its cells in order, with the order keys they had. */
export interface NotebookVersion {
  cells: CellSnapshot[];
  /** Cell id → its fractional order key then: restoring the keys restores the order exactly. */
  orderKeys: Record<string, string>;
}

/** The live document's cells as a version (what a checkpoint records, what "now" is compared with). */
export function versionOf(doc: Y.Doc): NotebookVersion {
  const cells: CellSnapshot[] = [];
  const orderKeys: Record<string, string> = {};
  for (const id of cellOrder(doc)) {
    const snap = snapshotCell(doc, id);
    if (!snap) continue;
    cells.push(snap);
    const key = getCell(doc, id)?.get('order');
    if (typeof key === 'string') orderKeys[id] = key;
  }
  return { cells, orderKeys };
}

/** A stored state (Y.encodeStateAsUpdate of the notebook) read back as a version, without touching the live doc. */
export function versionFromState(state: Uint8Array): NotebookVersion {
  const past = new Y.Doc();
  try {
    Y.applyUpdate(past, state);
    return versionOf(past);
  } finally {
    past.destroy();
  }
}

/** How a cell differs between an older version and now. */
export type CellStatus = 'same' | 'changed' | 'deleted' | 'added';

export interface CellComparison {
  id: string;
  status: CellStatus;
  /** The cell in the older version (absent when added since). */
  then?: CellSnapshot;
  /** The cell now (absent when deleted since). */
  now?: CellSnapshot;
}

/** Whether two snapshots of one cell differ in what a user wrote (type, source, attachments, metadata). */
export function contentDiffers(a: CellSnapshot, b: CellSnapshot): boolean {
  return (
    a.type !== b.type ||
    a.source !== b.source ||
    JSON.stringify(a.attachments ?? {}) !== JSON.stringify(b.attachments ?? {}) ||
    JSON.stringify(a.metadata) !== JSON.stringify(b.metadata)
  );
}

/**
 * Every cell of either version, compared: the older version's order, with cells added since placed after the
 * cell they now follow. Outputs are not compared: they are results, not what anyone wrote.
 */
export function compareVersions(then: NotebookVersion, now: NotebookVersion): CellComparison[] {
  const nowById = new Map(now.cells.map((c) => [c.id, c]));
  const thenIds = new Set(then.cells.map((c) => c.id));
  const out: CellComparison[] = then.cells.map((t) => {
    const n = nowById.get(t.id);
    if (!n) return { id: t.id, status: 'deleted', then: t };
    return { id: t.id, status: contentDiffers(t, n) ? 'changed' : 'same', then: t, now: n };
  });
  let prev: string | null = null;
  for (const n of now.cells) {
    if (thenIds.has(n.id)) {
      prev = n.id;
      continue;
    }
    const at = prev === null ? 0 : out.findIndex((c) => c.id === prev) + 1;
    out.splice(at, 0, { id: n.id, status: 'added', now: n });
    prev = n.id;
  }
  return out;
}

/** Replaces `text`'s content with `next`, touching only the middle that differs (cursors and anchors elsewhere stay). */
function setText(text: Y.Text, next: string): void {
  const cur = text.toString();
  if (cur === next) return;
  let start = 0;
  while (start < cur.length && start < next.length && cur[start] === next[start]) start++;
  let endCur = cur.length;
  let endNext = next.length;
  while (endCur > start && endNext > start && cur[endCur - 1] === next[endNext - 1]) {
    endCur--;
    endNext--;
  }
  if (endCur > start) text.delete(start, endCur - start);
  if (endNext > start) text.insert(start, next.slice(start, endNext));
}

function setMapContent(map: Y.Map<unknown>, values: Record<string, unknown>): void {
  for (const key of [...map.keys()]) if (!(key in values)) map.delete(key);
  for (const [key, value] of Object.entries(values)) {
    if (JSON.stringify(map.get(key)) !== JSON.stringify(value)) map.set(key, structuredClone(value));
  }
}

/** Writes `snap` into the existing cell `cell` field by field: an unchanged field is not written again. */
function overwriteCell(cell: Y.Map<unknown>, snap: CellSnapshot): void {
  if (cell.get('type') !== snap.type) cell.set('type', snap.type);
  const source = cell.get('source');
  if (source instanceof Y.Text) setText(source, snap.source);
  else {
    const text = new Y.Text();
    text.insert(0, snap.source);
    cell.set('source', text);
  }
  const md = cell.get('metadata');
  if (md instanceof Y.Map) setMapContent(md, snap.metadata);
  else cell.set('metadata', new Y.Map(Object.entries(structuredClone(snap.metadata))));
  const outputs = cell.get('outputs');
  if (outputs instanceof Y.Array) {
    if (JSON.stringify(outputs.toArray()) !== JSON.stringify(snap.outputs)) {
      outputs.delete(0, outputs.length);
      if (snap.outputs.length) outputs.push(structuredClone(snap.outputs));
    }
  }
  if (cell.get('executionCount') !== snap.executionCount) cell.set('executionCount', snap.executionCount);
  const att = cell.get(ATTACHMENTS_FIELD);
  if (snap.attachments) {
    if (att instanceof Y.Map) setMapContent(att, snap.attachments);
    else cell.set(ATTACHMENTS_FIELD, new Y.Map(Object.entries(structuredClone(snap.attachments))));
  } else if (att instanceof Y.Map) for (const k of [...att.keys()]) att.delete(k);
}

/** Inserts `snap` as a new cell with its own id (so comments on it come back too) at `index`. */
function reinsert(doc: Y.Doc, snap: CellSnapshot, index: number, origin: Origin, orderKey?: string): void {
  const { id, type, source, metadata, outputs, executionCount, attachments } = snap;
  insertCell(doc, index, { id, type, source, metadata: structuredClone(metadata), outputs: structuredClone(outputs), executionCount, ...(attachments ? { attachments: structuredClone(attachments) } : {}) }, origin);
  if (orderKey !== undefined) getCell(doc, id)?.set('order', orderKey);
}

/**
 * Makes the notebook's cells what they were in `version`, as one change with `origin`: cells deleted since come
 * back with their ids, cells added since are deleted, the rest are rewritten where they differ, and the order is
 * the old one. Peers receive it like any edit.
 */
export function restoreNotebook(doc: Y.Doc, version: NotebookVersion, origin: Origin): void {
  doc.transact(() => {
    const keep = new Set(version.cells.map((c) => c.id));
    const cells = cellsMap(doc);
    for (const id of [...cells.keys()]) if (!keep.has(id)) cells.delete(id);
    stampAuthor(doc);
    version.cells.forEach((snap, i) => {
      const key = version.orderKeys[snap.id];
      const cell = getCell(doc, snap.id);
      if (!cell) return reinsert(doc, snap, i, origin, key);
      overwriteCell(cell, snap);
      if (key !== undefined && cell.get('order') !== key) cell.set('order', key);
    });
  }, origin);
}

/**
 * Puts one cell back as it was in `version`: rewritten in place when it still exists, else re-inserted after the
 * nearest cell that preceded it then and still exists. Other cells are not touched.
 */
export function restoreCell(doc: Y.Doc, version: NotebookVersion, id: string, origin: Origin): void {
  const at = version.cells.findIndex((c) => c.id === id);
  const snap = version.cells[at];
  if (!snap) return;
  doc.transact(() => {
    stampAuthor(doc);
    const cell = getCell(doc, id);
    if (cell) return overwriteCell(cell, snap);
    const order = cellOrder(doc);
    let index = 0;
    for (let i = at - 1; i >= 0; i--) {
      const before = order.indexOf(version.cells[i]!.id);
      if (before !== -1) {
        index = before + 1;
        break;
      }
    }
    reinsert(doc, snap, index, origin);
  }, origin);
}
