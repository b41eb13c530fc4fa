/**
 * One open notebook's files on this device: the manifest in its document, the bytes in the blob store
 * (./blobs.ts). Uploads are checked (name, size, the notebook's total), stored, then listed, in that order, so a
 * peer never sees a file this device cannot serve. In a room, ./file-transfer.ts fills in the blobs this device
 * lacks; `arrived` tells waiters (the executor before a run, the Files panel) when one lands.
 */
import type * as Y from 'yjs';
import {
  MAX_FILE_BYTES,
  MAX_NOTEBOOK_BYTES,
  checkPath,
  cleanName,
  filesBytes,
  filesMap,
  freeName,
  listFiles,
  putFiles,
  type FileEntry,
  type Origin,
} from '../model';
import { deleteBlobs, getBlob, putBlob, sha256Hex, storedHashes } from './blobs';

/** A file deleted by mistake and put back at once (by an undo, or by Python rewriting it) keeps its bytes. */
const RELEASE_AFTER_MS = 10_000;

const mb = (n: number): string => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** What the user is told when an upload cannot be taken. */
export class UploadError extends Error {}

export interface UploadProgress {
  name: string;
  /** 0..1 */
  done: number;
}

export class NotebookFiles {
  private readonly arrivedListeners = new Set<(hash: string) => void>();
  /** Hashes known to be in the store (a cache; the store is the truth, shared with this browser's other tabs). */
  private stored = new Set<string>();
  readonly whenLoaded: Promise<void>;

  constructor(
    readonly notebookId: string,
    readonly doc: Y.Doc,
  ) {
    this.whenLoaded = storedHashes(notebookId).then((s) => {
      this.stored = s;
    });
    const m = filesMap(doc);
    const onChange = (e: Y.YMapEvent<unknown>): void => {
      const dropped: string[] = [];
      e.changes.keys.forEach((change) => {
        const old = change.oldValue as { hash?: unknown } | undefined;
        if (change.action !== 'add' && typeof old?.hash === 'string') dropped.push(old.hash);
      });
      if (dropped.length) setTimeout(() => void this.release(dropped), RELEASE_AFTER_MS);
    };
    m.observe(onChange);
    this.stopReleasing = () => m.unobserve(onChange);
  }

  private readonly stopReleasing: () => void;

  /** Deletes the bytes of files the manifest no longer names (deleted or overwritten, here or by a peer). */
  private async release(hashes: string[]): Promise<void> {
    if (this.destroyed) return;
    const live = new Set([...this.list().values()].map((e) => e.hash));
    const dead = new Set(hashes.filter((h) => !live.has(h)));
    if (!dead.size) return;
    await deleteBlobs(this.notebookId, (h) => dead.has(h));
    for (const h of dead) this.stored.delete(h);
  }

  private destroyed = false;

  destroy(): void {
    this.destroyed = true;
    this.stopReleasing();
    this.arrivedListeners.clear();
  }

  list(): Map<string, FileEntry> {
    return listFiles(this.doc);
  }

  /** Whether this device has the bytes of `hash` (checks the store: another tab may have put them there). */
  async has(hash: string): Promise<boolean> {
    if (this.stored.has(hash)) return true;
    const b = await getBlob(this.notebookId, hash);
    if (b) this.stored.add(hash);
    return b !== null;
  }

  hasCached(hash: string): boolean {
    return this.stored.has(hash);
  }

  /** Manifest entries whose bytes this device lacks. */
  async missing(): Promise<FileEntry[]> {
    await this.whenLoaded;
    const out: FileEntry[] = [];
    const seen = new Set<string>();
    for (const e of this.list().values()) {
      if (!e.hash || seen.has(e.hash)) continue;
      seen.add(e.hash);
      if (!(await this.has(e.hash))) out.push(e);
    }
    return out;
  }

  get(hash: string): Promise<Blob | null> {
    return getBlob(this.notebookId, hash);
  }

  /** Stores bytes that arrived from a peer, after checking they are what the manifest names. */
  async accept(hash: string, blob: Blob): Promise<boolean> {
    if ((await sha256Hex(await blob.arrayBuffer())) !== hash) return false;
    await putBlob(this.notebookId, hash, blob);
    this.stored.add(hash);
    for (const fn of [...this.arrivedListeners]) fn(hash);
    return true;
  }

  /** Stores `bytes` (written by Python); returns their hash. */
  async putBytes(bytes: Uint8Array): Promise<string> {
    const hash = await sha256Hex(bytes as Uint8Array<ArrayBuffer>);
    await putBlob(this.notebookId, hash, new Blob([bytes as Uint8Array<ArrayBuffer>]));
    this.stored.add(hash);
    for (const fn of [...this.arrivedListeners]) fn(hash);
    return hash;
  }

  onArrived(fn: (hash: string) => void): () => void {
    this.arrivedListeners.add(fn);
    return () => this.arrivedListeners.delete(fn);
  }

  /** Resolves with the blob once this device has it, or null after `ms`. */
  async waitFor(hash: string, ms: number): Promise<Blob | null> {
    const now = await this.get(hash);
    if (now) return now;
    return new Promise((resolve) => {
      const finish = (b: Blob | null): void => {
        clearTimeout(timer);
        clearInterval(poll);
        off();
        resolve(b);
      };
      const off = this.onArrived((h) => h === hash && void this.get(hash).then(finish));
      // Another tab of this browser (sharing the store) may be the one that receives it.
      const poll = setInterval(() => void this.get(hash).then((b) => b && finish(b)), 1000);
      const timer = setTimeout(() => finish(null), ms);
    });
  }

  /** Why these uploads cannot all be taken, or null. `replacing` is the size of the files they replace. */
  checkUpload(files: Array<{ name: string; size: number }>, replacing = 0): string | null {
    for (const f of files) {
      if (f.size > MAX_FILE_BYTES) {
        return `“${f.name}” is ${mb(f.size)}: a notebook’s files can be at most ${mb(MAX_FILE_BYTES)} each (every peer stores them, and Python keeps them in memory).`;
      }
    }
    const total = filesBytes(this.list().values()) - replacing + files.reduce((n, f) => n + f.size, 0);
    if (total > MAX_NOTEBOOK_BYTES) {
      return `These files would bring the notebook to ${mb(total)}, over its ${mb(MAX_NOTEBOOK_BYTES)} limit: delete files you no longer need first.`;
    }
    return null;
  }

  /**
   * Uploads files into folder `dir` ("" for the top). A name already taken is replaced when `replace` says so,
   * else the upload is stored under a free name ("data (1).csv"). Returns the paths written.
   */
  async upload(
    files: File[],
    opts: { dir?: string; by: string; origin: Origin; replace?: (path: string) => boolean; onProgress?: (p: UploadProgress) => void },
  ): Promise<string[]> {
    const dir = opts.dir ? `${opts.dir}/` : '';
    const all = this.list();
    const plan = files.map((f) => {
      let path = `${dir}${cleanName(f.name)}`;
      const problem = checkPath(path);
      if (problem) throw new UploadError(problem);
      if ((all.has(path) && !opts.replace?.(path)) || all.get(path)?.dir) path = freeName(all, path);
      all.set(path, { path, size: f.size, mtime: 0, hash: '0'.repeat(64) });
      return { file: f, path };
    });
    const replacing = plan.reduce((n, p) => n + (this.list().get(p.path)?.size ?? 0), 0);
    const problem = this.checkUpload(files, replacing);
    if (problem) throw new UploadError(problem);
    const written: Array<Omit<FileEntry, 'dir'>> = [];
    for (const { file, path } of plan) {
      const report = (done: number): void => opts.onProgress?.({ name: path, done });
      report(0);
      const bytes = await readWithProgress(file, (d) => report(d * 0.7));
      const hash = await sha256Hex(bytes);
      report(0.8);
      await putBlob(this.notebookId, hash, new Blob([bytes], { type: file.type }));
      this.stored.add(hash);
      report(1);
      written.push({ path, hash, size: bytes.byteLength, mtime: file.lastModified || Date.now(), by: opts.by });
    }
    // Listed only once stored: a peer that sees the entry can ask for the bytes at once.
    putFiles(this.doc, written, opts.origin);
    return written.map((w) => w.path);
  }

  /** Calls `fn` when the manifest changes. */
  observe(fn: () => void): () => void {
    const m = filesMap(this.doc);
    m.observe(fn);
    return () => m.unobserve(fn);
  }
}

async function readWithProgress(file: File, onProgress: (done: number) => void): Promise<Uint8Array<ArrayBuffer>> {
  if (file.size < 4 * 1024 * 1024 || typeof file.stream !== 'function') return new Uint8Array(await file.arrayBuffer());
  const out = new Uint8Array(file.size);
  const reader = file.stream().getReader();
  let at = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.set(value, at);
    at += value.byteLength;
    onProgress(at / file.size);
  }
  return at === file.size ? out : out.slice(0, at);
}
