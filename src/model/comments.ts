/**
 * Comments on cells: threads of messages, each on a cell and optionally on a range of its text, that people in
 * the notebook can reply to, resolve and reopen. Threads live in a doc-level map (`comments`, keyed by thread
 * id), not in the cell: a deleted cell's threads wait for it to be restored, and nothing that reads cells (the AI
 * context, outputs, undo of typing) sees them. A range is anchored with Yjs relative positions on the cell's
 * source, so it follows the text through everyone's edits.
 *
 * Everything here comes from other people's browsers: `readThreads` validates and bounds it, and the UI renders
 * it as text only.
 */
import * as Y from 'yjs';
import { getCell } from './cells';
import { newId } from './id';
import type { Origin } from './origin';

/** Longest message kept; a longer one is cut (a message is a comment, not a document). */
export const MAX_COMMENT_CHARS = 10_000;
/** Longest quoted text shown for a range. */
const MAX_QUOTE_CHARS = 300;

export interface CommentAuthor {
  name: string;
  color: string;
}

export interface CommentMessage {
  id: string;
  author: CommentAuthor;
  /** ms since epoch, the writer's clock. */
  at: number;
  text: string;
}

export interface CommentThread {
  id: string;
  cellId: string;
  /** The commented range as it is now (it follows edits); absent for a comment on the whole cell. */
  range?: { from: number; to: number };
  /** The text the range covered when the thread was started. */
  quote?: string;
  resolved: boolean;
  resolvedBy?: CommentAuthor;
  messages: CommentMessage[];
  createdAt: number;
}

export function commentsMap(doc: Y.Doc): Y.Map<Y.Map<unknown>> {
  return doc.getMap('comments');
}

function cleanText(text: string): string {
  return text.slice(0, MAX_COMMENT_CHARS);
}

function cleanAuthor(v: unknown): CommentAuthor | null {
  if (typeof v !== 'object' || v === null) return null;
  const { name, color } = v as Record<string, unknown>;
  if (typeof name !== 'string' || !name.trim()) return null;
  return { name: name.slice(0, 80), color: typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? color : '#888888' };
}

function readMessage(v: unknown): CommentMessage | null {
  if (typeof v !== 'object' || v === null) return null;
  const m = v as Record<string, unknown>;
  const author = cleanAuthor(m.author);
  if (!author || typeof m.text !== 'string' || typeof m.id !== 'string') return null;
  return { id: m.id, author, at: typeof m.at === 'number' && Number.isFinite(m.at) ? m.at : 0, text: cleanText(m.text) };
}

function sourceOf(doc: Y.Doc, cellId: string): Y.Text | null {
  const s = getCell(doc, cellId)?.get('source');
  return s instanceof Y.Text ? s : null;
}

/** The current range of an anchor, or undefined when it cannot be resolved (its cell is gone). */
function resolveRange(doc: Y.Doc, anchor: unknown): { from: number; to: number } | undefined {
  if (typeof anchor !== 'object' || anchor === null) return undefined;
  const { start, end } = anchor as Record<string, unknown>;
  try {
    const a = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(start), doc);
    const b = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(end), doc);
    if (!a || !b) return undefined;
    return { from: Math.min(a.index, b.index), to: Math.max(a.index, b.index) };
  } catch {
    // A malformed anchor from a peer: the thread stays, on the whole cell.
    return undefined;
  }
}

/** One thread, validated; null when it is not one (a peer's bug or mischief). */
function readThread(doc: Y.Doc, id: string, t: Y.Map<unknown>): CommentThread | null {
  const cellId = t.get('cellId');
  const msgs = t.get('messages');
  if (typeof cellId !== 'string' || !(msgs instanceof Y.Array)) return null;
  const messages = msgs.toArray().flatMap((m) => readMessage(m) ?? []);
  if (!messages.length) return null;
  const range = resolveRange(doc, t.get('anchor'));
  const quote = t.get('quote');
  const resolvedBy = cleanAuthor(t.get('resolvedBy'));
  const createdAt = t.get('createdAt');
  return {
    id,
    cellId,
    ...(range ? { range } : {}),
    ...(typeof quote === 'string' && quote ? { quote: quote.slice(0, MAX_QUOTE_CHARS) } : {}),
    resolved: t.get('resolved') === true,
    ...(resolvedBy ? { resolvedBy } : {}),
    messages,
    createdAt: typeof createdAt === 'number' ? createdAt : messages[0]!.at,
  };
}

/** Every valid thread, oldest first. */
export function readThreads(doc: Y.Doc): CommentThread[] {
  const out: CommentThread[] = [];
  commentsMap(doc).forEach((t, id) => {
    const thread = t instanceof Y.Map ? readThread(doc, id, t) : null;
    if (thread) out.push(thread);
  });
  return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}

export interface NewThread {
  cellId: string;
  text: string;
  author: CommentAuthor;
  /** A range of the cell's source; omitted (or empty) for a comment on the whole cell. */
  range?: { from: number; to: number };
  /** Set when importing: the thread's id, time, state and every message as they were. */
  id?: string;
  at?: number;
  resolved?: boolean;
  resolvedBy?: CommentAuthor;
  replies?: CommentMessage[];
  quote?: string;
}

/** Starts a thread on a cell (or a range of it). Returns its id, or null when the cell does not exist. */
export function addThread(doc: Y.Doc, spec: NewThread, origin: Origin): string | null {
  const text = sourceOf(doc, spec.cellId);
  if (!text) return null;
  const id = spec.id && !commentsMap(doc).has(spec.id) ? spec.id : newId();
  const at = spec.at ?? Date.now();
  doc.transact(() => {
    const t = new Y.Map<unknown>();
    t.set('cellId', spec.cellId);
    t.set('createdAt', at);
    t.set('resolved', spec.resolved === true);
    if (spec.resolvedBy) t.set('resolvedBy', { ...spec.resolvedBy });
    const r = spec.range;
    if (r && r.to > r.from && r.to <= text.length) {
      t.set('anchor', {
        start: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, r.from)),
        // Association -1: typing right after the range does not grow it.
        end: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, r.to, -1)),
      });
      t.set('quote', spec.quote ?? text.toString().slice(r.from, r.to).slice(0, MAX_QUOTE_CHARS));
    }
    const messages = new Y.Array<unknown>();
    messages.push([{ id: newId(), author: { ...spec.author }, at, text: cleanText(spec.text) }, ...(spec.replies ?? []).map((m) => ({ ...m, text: cleanText(m.text) }))]);
    t.set('messages', messages);
    commentsMap(doc).set(id, t);
  }, origin);
  return id;
}

function threadMap(doc: Y.Doc, threadId: string): Y.Map<unknown> | null {
  const t = commentsMap(doc).get(threadId);
  return t instanceof Y.Map ? t : null;
}

/** Adds a reply to a thread; replying to a resolved thread reopens it, as in Google Docs. */
export function replyToThread(doc: Y.Doc, threadId: string, text: string, author: CommentAuthor, origin: Origin): void {
  const t = threadMap(doc, threadId);
  const msgs = t?.get('messages');
  if (!t || !(msgs instanceof Y.Array)) return;
  doc.transact(() => {
    msgs.push([{ id: newId(), author: { ...author }, at: Date.now(), text: cleanText(text) }]);
    if (t.get('resolved') === true) {
      t.set('resolved', false);
      t.delete('resolvedBy');
    }
  }, origin);
}

/** Resolves (or reopens) a thread. */
export function setThreadResolved(doc: Y.Doc, threadId: string, resolved: boolean, author: CommentAuthor, origin: Origin): void {
  const t = threadMap(doc, threadId);
  if (!t) return;
  doc.transact(() => {
    t.set('resolved', resolved);
    if (resolved) t.set('resolvedBy', { ...author });
    else t.delete('resolvedBy');
  }, origin);
}

/** Deletes a whole thread (its author's "Delete"). */
export function deleteThread(doc: Y.Doc, threadId: string, origin: Origin): void {
  doc.transact(() => commentsMap(doc).delete(threadId), origin);
}
