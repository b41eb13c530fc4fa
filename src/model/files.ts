/**
 * The notebook's files: a manifest in the document (`files`, a Y.Map keyed by path), never the bytes. Each entry
 * names its content by SHA-256 (`hash`); the bytes live in each device's blob store and travel between peers on
 * demand (src/sync/blobs.ts, src/sync/file-transfer.ts). So the document stays small enough to sync in one
 * message, and two peers that upload the same bytes store them once.
 *
 * Keys are paths relative to the notebook's working directory ("data/sales.csv"). A folder exists when a file is
 * under it, or as an explicit entry (`dir: true`) when it is empty. Paths come from peers too: every reader goes
 * through {@link checkPath}, and an entry with a bad path or shape is ignored, never written to disk.
 */
import type * as Y from 'yjs';
import type { Origin } from './origin';

/** Per file: Pyodide keeps every file in wasm memory, and a transfer between peers runs at a few MB/s. */
export const MAX_FILE_BYTES = 50 * 1024 * 1024;
/** Per notebook: what every peer of a room stores and the executor's Python holds in memory, all together. */
export const MAX_NOTEBOOK_BYTES = 200 * 1024 * 1024;

export interface FileEntry {
  path: string;
  /** Hex SHA-256 of the content; absent for a folder. */
  hash?: string;
  size: number;
  /** Last change, ms since the epoch. */
  mtime: number;
  dir?: true;
  /** Who wrote it last ("Ada", "Python"). */
  by?: string;
}

export function filesMap(doc: Y.Doc): Y.Map<unknown> {
  return doc.getMap('files');
}

const BAD_CHARS = /[\u0000-\u001f\u007f\\:*?"<>|]/;

/**
 * Why `path` cannot name a file in the notebook's folder, or null when it can. Relative, "/"-separated, no
 * empty, "." or ".." segment, no control characters or characters other systems refuse, at most 255 bytes a name.
 */
export function checkPath(path: string): string | null {
  if (typeof path !== 'string' || path.length === 0) return 'The name is empty.';
  if (path.length > 1024) return 'The path is longer than 1024 characters.';
  if (path.startsWith('/')) return 'Paths are relative to the notebook’s folder (no leading “/”).';
  for (const part of path.split('/')) {
    if (part === '' || part === '.' || part === '..') return `“${path}” has an empty, “.” or “..” part.`;
    if (BAD_CHARS.test(part)) return `“${part}” contains a control character or one of \\ : * ? " < > |.`;
    if (new TextEncoder().encode(part).length > 255) return `“${part.slice(0, 40)}…” is longer than 255 bytes.`;
    if (part.trim() !== part) return `“${part}” starts or ends with a space.`;
  }
  return null;
}

/** A file name a user gave (an upload): characters that cannot be in a name become "_"; never empty. */
export function cleanName(name: string): string {
  const base = name.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  let out = base.replace(/[\u0000-\u001f\u007f\\:*?"<>|]+/g, '_').trim();
  if (out === '' || out === '.' || out === '..') out = 'file';
  while (new TextEncoder().encode(out).length > 255) out = out.slice(0, -1);
  return out;
}

function readEntry(path: string, v: unknown): FileEntry | null {
  if (checkPath(path) !== null || !v || typeof v !== 'object') return null;
  const o = v as Record<string, unknown>;
  const mtime = typeof o.mtime === 'number' ? o.mtime : 0;
  const by = typeof o.by === 'string' ? { by: o.by } : {};
  if (o.dir === true) return { path, size: 0, mtime, dir: true, ...by };
  if (typeof o.hash !== 'string' || !/^[0-9a-f]{64}$/.test(o.hash)) return null;
  if (typeof o.size !== 'number' || !(o.size >= 0) || o.size > MAX_FILE_BYTES) return null;
  return { path, hash: o.hash, size: o.size, mtime, ...by };
}

/** Every valid entry (files and explicit folders), by path. */
export function listFiles(doc: Y.Doc): Map<string, FileEntry> {
  const out = new Map<string, FileEntry>();
  filesMap(doc).forEach((v, path) => {
    const e = readEntry(path, v);
    if (e) out.set(path, e);
  });
  return out;
}

export function getFile(doc: Y.Doc, path: string): FileEntry | null {
  return readEntry(path, filesMap(doc).get(path));
}

/** The total size of the notebook's files (each distinct content counted once, as it is stored). */
export function filesBytes(entries: Iterable<FileEntry>): number {
  const seen = new Map<string, number>();
  for (const e of entries) if (e.hash) seen.set(e.hash, e.size);
  let n = 0;
  for (const s of seen.values()) n += s;
  return n;
}

/** Writes (adds or replaces) files; their folders' explicit entries, now redundant, go. */
export function putFiles(doc: Y.Doc, files: Array<Omit<FileEntry, 'dir'>>, origin: Origin): void {
  doc.transact(() => {
    const m = filesMap(doc);
    for (const f of files) {
      if (checkPath(f.path) !== null || !f.hash) continue;
      if (m.get(f.path) && (m.get(f.path) as FileEntry).dir) continue;
      m.set(f.path, { hash: f.hash, size: f.size, mtime: f.mtime, ...(f.by ? { by: f.by } : {}) });
      for (const parent of parentsOf(f.path)) {
        if ((m.get(parent) as FileEntry | undefined)?.dir) m.delete(parent);
      }
    }
  }, origin);
}

/** An empty folder. */
export function makeFolder(doc: Y.Doc, path: string, origin: Origin): void {
  if (checkPath(path) !== null) return;
  doc.transact(() => filesMap(doc).set(path, { dir: true, size: 0, mtime: Date.now() }), origin);
}

/** Deletes files or folders (a folder with everything under it). */
export function removeFiles(doc: Y.Doc, paths: string[], origin: Origin): void {
  doc.transact(() => {
    const m = filesMap(doc);
    for (const key of [...m.keys()]) {
      if (paths.some((p) => key === p || key.startsWith(p + '/'))) m.delete(key);
    }
  }, origin);
}

/**
 * Renames a file or a folder (everything under it moves). Returns why not, or null: the target must be free
 * and valid, and a folder cannot move into itself.
 */
export function renameFile(doc: Y.Doc, from: string, to: string, origin: Origin): string | null {
  const problem = checkPath(to);
  if (problem) return problem;
  if (to === from) return null;
  if (to.startsWith(from + '/')) return 'A folder cannot move into itself.';
  const all = listFiles(doc);
  const isFolder = folderExists(all, from);
  if (!all.has(from) && !isFolder) return `“${from}” does not exist.`;
  if (all.has(to) || folderExists(all, to)) return `“${to}” already exists.`;
  doc.transact(() => {
    const m = filesMap(doc);
    for (const [path, e] of all) {
      if (path !== from && !path.startsWith(from + '/')) continue;
      const { path: _old, ...value } = e;
      m.delete(path);
      m.set(to + path.slice(from.length), { ...value, mtime: path === from ? Date.now() : e.mtime });
    }
  }, origin);
  return null;
}

/** "a/b/c.csv" → ["a", "a/b"]. */
export function parentsOf(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

export function folderExists(all: Map<string, FileEntry>, path: string): boolean {
  if (all.get(path)?.dir) return true;
  for (const p of all.keys()) if (p.startsWith(path + '/')) return true;
  return false;
}

/** A free name near `path` in `all`: "data.csv" → "data (1).csv", "data (2).csv"… */
export function freeName(all: Map<string, FileEntry>, path: string): string {
  if (!all.has(path) && !folderExists(all, path)) return path;
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const name = path.slice(slash + 1);
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const ext = dot > 0 ? name.slice(dot) : '';
  for (let i = 1; ; i++) {
    const candidate = `${dir}${stem} (${i})${ext}`;
    if (!all.has(candidate) && !folderExists(all, candidate)) return candidate;
  }
}
