/**
 * Cells: create, order, move, delete, retype. Order is a fractional index key per cell, so a move is one field
 * write and concurrent moves can never duplicate or drop a cell; equal keys (two peers inserting at the same
 * place) are ordered by cell id, the same on every peer.
 */
import * as Y from 'yjs';
import { generateKeyBetween } from 'fractional-indexing';
import { cellsMap } from './doc';
import { newId } from './id';
import { ATTACHMENTS_FIELD, LEGACY_ATTACHMENTS_KEY, legacyAttachments, readAttachments, type Attachments } from './attachments';
import type { Origin } from './origin';
import { isCellType, type CellType, type Output } from './schema';

export interface NewCell {
  type?: CellType;
  source?: string;
  id?: string;
  metadata?: Record<string, unknown>;
  outputs?: Output[];
  executionCount?: number | null;
  /** nbformat attachments (markdown and raw cells); given, even empty, the cell gets its attachments map. */
  attachments?: Attachments;
}

/** Cell ids in notebook order. */
export function cellOrder(doc: Y.Doc): string[] {
  const entries: Array<[string, string]> = [];
  cellsMap(doc).forEach((cell, id) => {
    const order = cell instanceof Y.Map ? cell.get('order') : undefined;
    entries.push([id, typeof order === 'string' ? order : '']);
  });
  entries.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return entries.map((e) => e[0]);
}

export function getCell(doc: Y.Doc, id: string): Y.Map<unknown> | undefined {
  const cell = cellsMap(doc).get(id);
  return cell instanceof Y.Map ? cell : undefined;
}

function orderKey(doc: Y.Doc, id: string): string | null {
  const o = getCell(doc, id)?.get('order');
  return typeof o === 'string' && o !== '' ? o : null;
}

/** A key that sorts after `before`'s key and before the first strictly greater key from `index` on. */
function keyAt(doc: Y.Doc, ids: string[], index: number): string {
  const lo = index > 0 ? orderKey(doc, ids[index - 1]!) : null;
  let hi: string | null = null;
  for (let i = index; i < ids.length; i++) {
    const k = orderKey(doc, ids[i]!);
    if (k !== null && (lo === null || k > lo)) {
      hi = k;
      break;
    }
  }
  try {
    return generateKeyBetween(lo, hi);
  } catch {
    // Corrupt keys from a misbehaving peer: append rather than fail the user's action.
    return generateKeyBetween(lo, null);
  }
}

function buildCell(spec: NewCell, order: string): Y.Map<unknown> {
  const cell = new Y.Map<unknown>();
  cell.set('type', spec.type ?? 'code');
  cell.set('order', order);
  const source = new Y.Text();
  if (spec.source) source.insert(0, spec.source);
  cell.set('source', source);
  const metadata = new Y.Map<unknown>();
  for (const [k, v] of Object.entries(spec.metadata ?? {})) metadata.set(k, v);
  cell.set('metadata', metadata);
  const outputs = new Y.Array<Output>();
  if (spec.outputs?.length) outputs.push(spec.outputs);
  cell.set('outputs', outputs);
  cell.set('executionCount', spec.executionCount ?? null);
  if (spec.attachments) {
    const attachments = new Y.Map<unknown>();
    for (const [name, bundle] of Object.entries(spec.attachments)) attachments.set(name, bundle);
    cell.set(ATTACHMENTS_FIELD, attachments);
  }
  return cell;
}

/** Inserts a cell at `index` (clamped; default: the end) and returns its id. */
export function insertCell(doc: Y.Doc, index: number | undefined, spec: NewCell, origin: Origin): string {
  const id = spec.id ?? newId();
  doc.transact(() => {
    const ids = cellOrder(doc);
    const at = Math.max(0, Math.min(index ?? ids.length, ids.length));
    cellsMap(doc).set(id, buildCell(spec, keyAt(doc, ids, at)));
  }, origin);
  return id;
}

/** Appends many cells in one transaction (import, templates). Returns their ids. */
export function appendCells(doc: Y.Doc, specs: NewCell[], origin: Origin): string[] {
  const ids: string[] = [];
  doc.transact(() => {
    const order = cellOrder(doc);
    let last = order.length ? orderKey(doc, order[order.length - 1]!) : null;
    for (const spec of specs) {
      const id = spec.id && !cellsMap(doc).has(spec.id) ? spec.id : newId();
      last = generateKeyBetween(last, null);
      cellsMap(doc).set(id, buildCell(spec, last));
      ids.push(id);
    }
  }, origin);
  return ids;
}

export function deleteCell(doc: Y.Doc, id: string, origin: Origin): void {
  doc.transact(() => cellsMap(doc).delete(id), origin);
}

/** Moves a cell so that it ends up at `toIndex` in the new order. */
export function moveCell(doc: Y.Doc, id: string, toIndex: number, origin: Origin): void {
  doc.transact(() => {
    const cell = getCell(doc, id);
    if (!cell) return;
    const others = cellOrder(doc).filter((c) => c !== id);
    const at = Math.max(0, Math.min(toIndex, others.length));
    cell.set('order', keyAt(doc, others, at));
  }, origin);
}

export function setCellType(doc: Y.Doc, id: string, type: CellType, origin: Origin): void {
  doc.transact(() => {
    const cell = getCell(doc, id);
    if (!cell || cell.get('type') === type) return;
    cell.set('type', type);
    if (type !== 'code') {
      const outputs = cell.get('outputs');
      if (outputs instanceof Y.Array && outputs.length) outputs.delete(0, outputs.length);
      cell.set('executionCount', null);
    }
  }, origin);
}

/** Replaces a cell's whole source (AI edits, tests). Typing goes through the editor binding instead. */
export function setSource(doc: Y.Doc, id: string, text: string, origin: Origin): void {
  doc.transact(() => {
    const src = getCell(doc, id)?.get('source');
    if (!(src instanceof Y.Text)) return;
    src.delete(0, src.length);
    src.insert(0, text);
  }, origin);
}

export function setCellMetadata(doc: Y.Doc, id: string, key: string, value: unknown, origin: Origin): void {
  doc.transact(() => {
    const md = getCell(doc, id)?.get('metadata');
    if (!(md instanceof Y.Map)) return;
    if (value === undefined) md.delete(key);
    else md.set(key, value);
  }, origin);
}

/** A plain, validated snapshot of a cell: what views and exporters read. `problem` names what a peer got wrong. */
export interface CellSnapshot {
  id: string;
  type: CellType;
  source: string;
  metadata: Record<string, unknown>;
  outputs: Output[];
  executionCount: number | null;
  /** The cell's attachments (see ./attachments.ts); absent when it has none, not even an empty field. */
  attachments?: Attachments;
  problem?: string;
}

export function cellType(cell: Y.Map<unknown>): CellType | null {
  const t = cell.get('type');
  return isCellType(t) ? t : null;
}

export function cellSource(cell: Y.Map<unknown>): Y.Text | null {
  const s = cell.get('source');
  return s instanceof Y.Text ? s : null;
}

export function cellOutputs(cell: Y.Map<unknown>): Y.Array<unknown> | null {
  const o = cell.get('outputs');
  return o instanceof Y.Array ? o : null;
}

export function snapshotCell(doc: Y.Doc, id: string): CellSnapshot | null {
  const cell = getCell(doc, id);
  if (!cell) return null;
  const rawType = cell.get('type');
  const type = cellType(cell);
  const src = cellSource(cell);
  const md = cell.get('metadata');
  const outs = cellOutputs(cell);
  const count = cell.get('executionCount');
  const problems: string[] = [];
  if (!type) problems.push(`unknown cell type ${JSON.stringify(rawType)}`);
  if (!src) problems.push('source is not text');
  const metadata: Record<string, unknown> = md instanceof Y.Map ? md.toJSON() : {};
  // Attachments an older build kept in the metadata are shown where they are now, not twice.
  if (legacyAttachments(rawType, md)) delete metadata[LEGACY_ATTACHMENTS_KEY];
  const attachments = readAttachments(cell);
  return {
    id,
    type: type ?? 'raw',
    source: src ? src.toString() : '',
    metadata,
    outputs: outs ? (outs.toArray() as Output[]) : [],
    executionCount: typeof count === 'number' ? count : null,
    ...(attachments ? { attachments } : {}),
    ...(problems.length ? { problem: problems.join('; ') } : {}),
  };
}
