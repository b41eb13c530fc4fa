/**
 * The notebook's folder in the kernel ({@link FILES_ROOT}, in Pyodide's in-memory file system): the page writes
 * the notebook's files into it before a run, and after the run asks what Python changed. What the folder held
 * after the last exchange is remembered by size and mtime, so a look after a run reads only what changed.
 */
import type { PyodideInterface } from 'pyodide';
import { FILES_ROOT, type FileChanges, type FileWrite } from '../src/kernel/protocol';
import { runPrivately } from './private-python';

type FS = PyodideInterface['FS'];
interface Seen {
  size: number;
  mtime: number;
}

/** Path → size and mtime as of the last exchange with the page. */
const known = new Map<string, Seen>();
/** Empty folders as of the last exchange. */
let knownFolders = new Set<string>();

const full = (rel: string): string => `${FILES_ROOT}/${rel}`;

function stat(fs: FS, path: string): { size: number; mtime: number; dir: boolean } | null {
  try {
    const s = fs.stat(path) as { mode: number; size: number; mtime: Date | number };
    return { size: s.size, mtime: +s.mtime, dir: fs.isDir(s.mode) };
  } catch {
    return null;
  }
}

function removeTree(fs: FS, path: string): void {
  const s = stat(fs, path);
  if (!s) return;
  if (!s.dir) {
    fs.unlink(path);
    return;
  }
  for (const name of fs.readdir(path) as string[]) if (name !== '.' && name !== '..') removeTree(fs, `${path}/${name}`);
  fs.rmdir(path);
}

/** Makes the folder and moves Python into it (called once per interpreter, before any user code). */
export function enterFolder(p: PyodideInterface): void {
  p.FS.mkdirTree(FILES_ROOT);
  runPrivately(p, `import os\nos.chdir(${JSON.stringify(FILES_ROOT)})`);
}

export function writeFiles(p: PyodideInterface, files: FileWrite[], removed: string[], folders: string[]): void {
  const fs = p.FS;
  for (const rel of removed) {
    removeTree(fs, full(rel));
    for (const k of [...known.keys()]) if (k === rel || k.startsWith(rel + '/')) known.delete(k);
  }
  for (const rel of folders) fs.mkdirTree(full(rel));
  for (const f of files) {
    const path = full(f.path);
    const s = stat(fs, path);
    if (s?.dir) removeTree(fs, path);
    fs.mkdirTree(path.slice(0, path.lastIndexOf('/')));
    fs.writeFile(path, f.bytes);
    // The upload's time, as a download from Jupyter keeps it.
    fs.utime(path, f.mtime, f.mtime);
    const after = stat(fs, path);
    if (after) known.set(f.path, { size: after.size, mtime: after.mtime });
  }
  knownFolders = emptyFolders(fs);
}

function walk(fs: FS, dir: string, rel: string, files: Map<string, Seen>, empty: Set<string>): void {
  const names = (fs.readdir(dir) as string[]).filter((n) => n !== '.' && n !== '..');
  if (names.length === 0 && rel) empty.add(rel);
  for (const name of names) {
    const path = `${dir}/${name}`;
    const r = rel ? `${rel}/${name}` : name;
    const s = stat(fs, path);
    if (!s) continue;
    if (s.dir) walk(fs, path, r, files, empty);
    else files.set(r, { size: s.size, mtime: s.mtime });
  }
}

function emptyFolders(fs: FS): Set<string> {
  const empty = new Set<string>();
  if (stat(fs, FILES_ROOT)?.dir) walk(fs, FILES_ROOT, '', new Map(), empty);
  return empty;
}

export function fileChanges(p: PyodideInterface, maxBytes: number): FileChanges {
  const fs = p.FS;
  const now = new Map<string, Seen>();
  const empty = new Set<string>();
  // Python may have deleted the folder itself, or moved elsewhere: the folder is what is under FILES_ROOT.
  if (stat(fs, FILES_ROOT)?.dir) walk(fs, FILES_ROOT, '', now, empty);
  const out: FileChanges = { written: [], removed: [], folders: [], tooLarge: [] };
  for (const [path, s] of now) {
    const before = known.get(path);
    if (before && before.size === s.size && before.mtime === s.mtime) continue;
    known.set(path, s);
    if (s.size > maxBytes) out.tooLarge.push({ path, size: s.size });
    else out.written.push({ path, bytes: fs.readFile(full(path)) as Uint8Array, mtime: s.mtime });
  }
  for (const path of [...known.keys()]) {
    if (!now.has(path)) {
      known.delete(path);
      out.removed.push(path);
    }
  }
  for (const f of knownFolders) if (!empty.has(f) && ![...now.keys()].some((k) => k.startsWith(f + '/'))) out.removed.push(f);
  out.folders = [...empty];
  knownFolders = empty;
  return out;
}
