/**
 * The notebook's files on a Jupyter server: the kernel starts in a folder of its own on the server
 * (`Anode/<notebook id>` under the server's root), and the executor's folder sync (../folder-sync.ts) keeps it and
 * the notebook's files in step around each run, as it does Pyodide's folder: before a run, files the server lacks are
 * written through the contents API; after it, what the kernel wrote (a changed modification time or size) is read
 * back. What was in the folder before this client attached is the baseline, not news: a stale file there is
 * never imported into the notebook.
 */
import type { FileChanges, FileWrite } from '../protocol';
import type { KernelFiles } from '../types';
import { listFolder, makeFolders, readFile, remove, writeFile, type ContentsEntry } from './contents';
import type { JupyterServer } from './rest';

/** Skipped in the kernel's folder: the server's own checkpoints. */
const IGNORED = new Set(['.ipynb_checkpoints']);

const stamp = (e: Pick<ContentsEntry, 'last_modified' | 'size'>): string => `${e.last_modified}|${e.size ?? ''}`;
const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));

export class JupyterFolder implements KernelFiles {
  /** Relative path → modification stamp of the files as last written or seen. */
  private seen = new Map<string, string>();
  private dirs = new Set<string>();
  private prepared: Promise<void> = Promise.resolve();

  constructor(
    private readonly server: JupyterServer,
    /** The folder, relative to the server's root. */
    readonly root: string,
    /** The kernel's current session: writes and reads for another one are refused. */
    private readonly session: () => string,
  ) {}

  /** Makes the folder and takes its baseline; done before the kernel starts there. */
  prepare(): Promise<void> {
    this.prepared = (async () => {
      await makeFolders(this.server, this.root);
      const files = new Map<string, ContentsEntry>();
      const dirs = new Set<string>();
      await this.scan('', files, dirs);
      this.seen = new Map([...files].map(([p, e]) => [p, stamp(e)]));
      this.dirs = dirs;
    })();
    return this.prepared;
  }

  private abs(path: string): string {
    return path ? `${this.root}/${path}` : this.root;
  }

  private async scan(dir: string, files: Map<string, ContentsEntry>, dirs: Set<string>): Promise<void> {
    const entries = (await listFolder(this.server, this.abs(dir))) ?? [];
    for (const e of entries) {
      if (IGNORED.has(e.name) || e.name.startsWith('.')) continue;
      const rel = dir ? `${dir}/${e.name}` : e.name;
      if (e.type === 'directory') {
        dirs.add(rel);
        await this.scan(rel, files, dirs);
      } else files.set(rel, e);
    }
  }

  private async ensureDir(path: string): Promise<void> {
    if (!path || this.dirs.has(path)) return;
    await makeFolders(this.server, this.abs(path));
    for (let p = path; p; p = parentOf(p)) this.dirs.add(p);
  }

  async write(sessionId: string, files: FileWrite[], removed: string[], folders: string[]): Promise<boolean> {
    if (sessionId !== this.session()) return false;
    try {
      await this.prepared;
      for (const p of removed) {
        await remove(this.server, this.abs(p));
        this.seen.delete(p);
        this.dirs.delete(p);
      }
      for (const f of folders) await this.ensureDir(f);
      for (const f of files) {
        await this.ensureDir(parentOf(f.path));
        this.seen.set(f.path, stamp(await writeFile(this.server, this.abs(f.path), f.bytes)));
      }
      return true;
    } catch {
      // The server went away or refused: the folder sync tries again before the next run.
      return false;
    }
  }

  async changes(sessionId: string, maxBytes: number): Promise<FileChanges | null> {
    if (sessionId !== this.session()) return null;
    try {
      await this.prepared;
      const files = new Map<string, ContentsEntry>();
      const dirs = new Set<string>();
      await this.scan('', files, dirs);
      const out: FileChanges = { written: [], removed: [], folders: [], tooLarge: [] };
      for (const [path, e] of files) {
        const now = stamp(e);
        if (this.seen.get(path) === now) continue;
        this.seen.set(path, now);
        if (e.size !== null && e.size > maxBytes) {
          out.tooLarge.push({ path, size: e.size });
          continue;
        }
        out.written.push({ path, bytes: await readFile(this.server, this.abs(path)), mtime: Date.parse(e.last_modified) || Date.now() });
      }
      for (const path of [...this.seen.keys()]) {
        if (files.has(path)) continue;
        this.seen.delete(path);
        out.removed.push(path);
      }
      for (const d of this.dirs) if (!dirs.has(d)) out.removed.push(d);
      // Folders with nothing in them: one with files is implied by its files' paths.
      const filled = new Set([...files.keys()].flatMap((p) => {
        const parents: string[] = [];
        for (let d = parentOf(p); d; d = parentOf(d)) parents.push(d);
        return parents;
      }));
      for (const d of dirs) if (!this.dirs.has(d) && !filled.has(d)) out.folders.push(d);
      this.dirs = dirs;
      return out;
    } catch {
      return null;
    }
  }
}
