/**
 * Comments in .ipynb files: each cell's threads in `metadata.anode.comments`, so a notebook sent through Jupyter
 * and back keeps its discussion (Jupyter keeps unknown metadata as is). A range is written as character offsets
 * into the cell's source, as it is at export; import anchors it again.
 */
import { MAX_COMMENT_CHARS, type CommentAuthor, type CommentMessage, type CommentThread, type NewThread } from '../comments';
import { isObject, type JsonObject } from './json';
import { ANODE_METADATA_KEY } from './types';

const FIELD = 'comments';

function authorOut(a: CommentAuthor): JsonObject {
  return { name: a.name, color: a.color };
}

/** A cell's threads as written to the file. */
export function commentsOut(threads: readonly CommentThread[]): JsonObject[] {
  return threads.map((t) => ({
    id: t.id,
    resolved: t.resolved,
    ...(t.resolvedBy ? { resolved_by: authorOut(t.resolvedBy) } : {}),
    ...(t.range ? { range: [t.range.from, t.range.to] } : {}),
    ...(t.quote ? { quote: t.quote } : {}),
    messages: t.messages.map((m) => ({ author: authorOut(m.author), at: new Date(m.at).toISOString(), text: m.text })),
  }));
}

/** `metadata` with `threads` under `anode.comments` (nothing added when there are none). */
export function withComments(metadata: JsonObject, threads: readonly CommentThread[]): JsonObject {
  if (!threads.length) return metadata;
  const ns = isObject(metadata[ANODE_METADATA_KEY]) ? metadata[ANODE_METADATA_KEY] : {};
  return { ...metadata, [ANODE_METADATA_KEY]: { ...ns, [FIELD]: commentsOut(threads) } };
}

function authorIn(v: unknown): CommentAuthor | null {
  if (!isObject(v) || typeof v['name'] !== 'string' || !v['name'].trim()) return null;
  const color = v['color'];
  return { name: v['name'].slice(0, 80), color: typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? color : '#888888' };
}

function messageIn(v: unknown, i: number): CommentMessage | null {
  if (!isObject(v) || typeof v['text'] !== 'string') return null;
  const author = authorIn(v['author']);
  if (!author) return null;
  const at = typeof v['at'] === 'string' ? Date.parse(v['at']) : NaN;
  return { id: `m${i}`, author, at: Number.isFinite(at) ? at : 0, text: v['text'].slice(0, MAX_COMMENT_CHARS) };
}

/** Threads of a thread list read from a file, for `cellId` (whose source has `sourceLength` characters). */
function threadsIn(list: unknown, cellId: string, sourceLength: number): NewThread[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((t): NewThread[] => {
    if (!isObject(t) || !Array.isArray(t['messages'])) return [];
    const messages = t['messages'].flatMap((m, i) => messageIn(m, i) ?? []);
    const [first, ...replies] = messages;
    if (!first) return [];
    const r = t['range'];
    const range =
      Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number' && r[0] >= 0 && r[1] > r[0] && r[1] <= sourceLength
        ? { from: r[0], to: r[1] }
        : undefined;
    const resolvedBy = authorIn(t['resolved_by']);
    return [
      {
        cellId,
        text: first.text,
        author: first.author,
        at: first.at,
        resolved: t['resolved'] === true,
        ...(resolvedBy ? { resolvedBy } : {}),
        ...(typeof t['id'] === 'string' ? { id: t['id'] } : {}),
        ...(range ? { range } : {}),
        ...(typeof t['quote'] === 'string' ? { quote: t['quote'] } : {}),
        replies,
      },
    ];
  });
}

/**
 * A file cell's metadata split into what stays in the cell and the threads it carried: threads live in the
 * notebook's comments, not twice.
 */
export function takeComments(metadata: JsonObject, cellId: string, sourceLength: number): { metadata: JsonObject; threads: NewThread[] } {
  const ns = metadata[ANODE_METADATA_KEY];
  if (!isObject(ns) || !(FIELD in ns)) return { metadata, threads: [] };
  const threads = threadsIn(ns[FIELD], cellId, sourceLength);
  const rest = Object.fromEntries(Object.entries(ns).filter(([k]) => k !== FIELD));
  const entries = Object.entries(metadata).filter(([k]) => k !== ANODE_METADATA_KEY);
  if (Object.keys(rest).length) entries.push([ANODE_METADATA_KEY, rest]);
  return { metadata: Object.fromEntries(entries), threads };
}
