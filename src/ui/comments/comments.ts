/**
 * The open notebook's comments as the UI reads them: threads (a signal derived from the document), this device's
 * unread counts, and the cell (or range) a new comment is being written for. Changes go through src/model.
 */
import { createSignal, type Accessor } from 'solid-js';
import {
  LOCAL,
  addThread,
  cellSource,
  getCell,
  commentsMap,
  readThreads,
  replyToThread,
  setThreadResolved,
  deleteThread,
  type CommentAuthor,
  type CommentThread,
} from '../../model';
import type { NotebookSession } from '../session';
import { fromY } from '../reactive';
import { loadSeen, saveSeen, unreadCount, type SeenCounts } from './unread';

export interface CommentTarget {
  cellId: string;
  range?: { from: number; to: number };
  quote?: string;
}

export class NotebookComments {
  readonly threads: Accessor<CommentThread[]>;
  readonly seen: Accessor<SeenCounts>;
  readonly target: Accessor<CommentTarget | null>;
  readonly setTarget: (t: CommentTarget | null) => void;
  private readonly setSeen: (s: SeenCounts) => void;

  constructor(private readonly session: NotebookSession) {
    const doc = session.doc;
    this.threads = fromY(commentsMap(doc), () => readThreads(doc));
    [this.seen, this.setSeen] = createSignal<SeenCounts>(loadSeen(session.id));
    [this.target, this.setTarget] = createSignal<CommentTarget | null>(null);
  }

  me(): CommentAuthor {
    const u = this.session.presence.local().user;
    return { name: u.name, color: u.color };
  }

  /** Threads on one cell, open ones first. */
  forCell(cellId: string): CommentThread[] {
    return this.threads().filter((t) => t.cellId === cellId);
  }

  unread(thread: CommentThread): number {
    return unreadCount(thread, this.seen(), this.me());
  }

  /** Unread messages in the whole notebook: the toolbar's and the sidebar's Comments buttons show it. */
  totalUnread(): number {
    return this.threads().reduce((n, t) => n + this.unread(t), 0);
  }

  /** Marks every message of `threads` as seen on this device. */
  markSeen(threads: readonly CommentThread[]): void {
    const cur = this.seen();
    if (threads.every((t) => (cur[t.id] ?? 0) >= t.messages.length)) return;
    const next: Record<string, number> = { ...cur };
    for (const t of threads) next[t.id] = t.messages.length;
    this.setSeen(next);
    saveSeen(this.session.id, next);
  }

  start(target: CommentTarget, text: string): string | null {
    return addThread(
      this.session.doc,
      { cellId: target.cellId, text, author: this.me(), ...(target.range ? { range: target.range } : {}) },
      LOCAL,
    );
  }

  reply(threadId: string, text: string): void {
    replyToThread(this.session.doc, threadId, text, this.me(), LOCAL);
  }

  resolve(threadId: string, resolved: boolean): void {
    setThreadResolved(this.session.doc, threadId, resolved, this.me(), LOCAL);
  }

  remove(threadId: string): void {
    deleteThread(this.session.doc, threadId, LOCAL);
  }

  /** The text of a cell's source now, for showing which cell a thread is on. */
  cellText(cellId: string): string | null {
    const cell = getCell(this.session.doc, cellId);
    return cell ? (cellSource(cell)?.toString() ?? '') : null;
  }
}
