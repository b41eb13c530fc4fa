/**
 * Which comments this device has seen: per notebook, per thread, how many of its messages were shown. Private to
 * the device (localStorage), never in the document. A message is unread when it came after that count and
 * someone else wrote it.
 */
import type { CommentAuthor, CommentThread } from '../../model';

export type SeenCounts = Readonly<Record<string, number>>;

const key = (notebookId: string): string => `anode.comments.seen.${notebookId}`;

export function loadSeen(notebookId: string): SeenCounts {
  try {
    const v = JSON.parse(localStorage.getItem(key(notebookId)) ?? '{}') as unknown;
    if (typeof v !== 'object' || v === null) return {};
    return Object.fromEntries(Object.entries(v).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    return {};
  }
}

export function saveSeen(notebookId: string, seen: SeenCounts): void {
  try {
    localStorage.setItem(key(notebookId), JSON.stringify(seen));
  } catch {
    // Storage refused: unread counts simply come back after a reload.
  }
}

/** Messages of `thread` that `me` has not seen and did not write. */
export function unreadCount(thread: CommentThread, seen: SeenCounts, me: CommentAuthor): number {
  return thread.messages.slice(seen[thread.id] ?? 0).filter((m) => m.author.name !== me.name).length;
}
