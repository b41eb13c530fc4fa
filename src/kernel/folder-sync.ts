/**
 * Keeps the executor's Python folder and the notebook's files in step, around each code run: before it, the
 * files of the manifest the interpreter lacks are written into its folder (and deleted ones removed); after it,
 * what Python wrote or deleted goes into the blob store and the manifest, so it shows in every peer's Files panel.
 * A sync after each run, not a live mount: Python's writes cost nothing while it runs, and one look after the
 * run (only changed files are read) is a few milliseconds for a folder of ordinary size (`npm run bench`).
 */
import type * as Y from 'yjs';
import {
  EXECUTOR,
  MAX_FILE_BYTES,
  MAX_NOTEBOOK_BYTES,
  checkPath,
  filesBytes,
  folderExists,
  listFiles,
  makeFolder,
  putFiles,
  removeFiles,
  type FileEntry,
} from '../model';
import type { OutputWriter } from './outputWriter';
import type { FileWrite } from './protocol';
import type { Kernel } from './types';

/** Where the bytes of the notebook's files are (the device's blob store, filled from peers when needed). */
export interface FileBlobs {
  get(hash: string): Promise<Blob | null>;
  /** Stores bytes Python wrote; returns their hash. */
  put(bytes: Uint8Array): Promise<string>;
  /** Waits up to `ms` for a file that is still arriving from a peer; null when it did not arrive. */
  waitFor(hash: string, ms: number): Promise<Blob | null>;
}

/** How long a run waits for a file that is still on its way from a peer before it starts without it. */
const ARRIVAL_WAIT_MS = 15_000;

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

export class KernelFolderSync {
  /** The interpreter whose folder `written` describes. */
  private sessionId = '';
  /** Path → hash of what that interpreter's folder holds from the manifest. */
  private written = new Map<string, string>();
  private folders = new Set<string>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly kernel: Kernel,
    private readonly blobs: FileBlobs,
  ) {}

  private note(writer: OutputWriter, text: string): void {
    writer.write([{ type: 'stream', name: 'stderr', text: `${text}\n` }]);
  }

  /** Brings the interpreter's folder up to the manifest. */
  async beforeRun(writer: OutputWriter): Promise<void> {
    const files = this.kernel.files;
    if (!files) return;
    const sid = this.kernel.getStatus().sessionId;
    if (sid !== this.sessionId) {
      this.sessionId = sid;
      this.written = new Map();
      this.folders = new Set();
    }
    const all = listFiles(this.doc);
    const removed = [...this.written.keys()].filter((p) => all.get(p)?.hash === undefined);
    removed.push(...[...this.folders].filter((p) => !folderExists(all, p)));
    const folders = [...all.values()].filter((e) => e.dir && !this.folders.has(e.path)).map((e) => e.path);
    const writes: FileWrite[] = [];
    const hashes = new Map<string, string>();
    for (const e of all.values()) {
      if (!e.hash || this.written.get(e.path) === e.hash) continue;
      const blob = (await this.blobs.get(e.hash)) ?? (await this.waitForArrival(e, writer));
      if (!blob) continue;
      writes.push({ path: e.path, bytes: new Uint8Array(await blob.arrayBuffer()), mtime: e.mtime });
      hashes.set(e.path, e.hash);
    }
    if (!writes.length && !removed.length && !folders.length) return;
    if (!(await files.write(sid, writes, removed, folders))) return;
    for (const p of removed) {
      this.written.delete(p);
      this.folders.delete(p);
    }
    for (const [p, h] of hashes) this.written.set(p, h);
    for (const f of folders) this.folders.add(f);
  }

  private async waitForArrival(e: FileEntry, writer: OutputWriter): Promise<Blob | null> {
    this.note(writer, `Waiting for ${e.path} (${mb(e.size)}) to arrive from the room…`);
    const blob = await this.blobs.waitFor(e.hash!, ARRIVAL_WAIT_MS);
    if (!blob) {
      this.note(writer, `${e.path} has not arrived from the room's peers: it is not in Python's folder for this run. Run the cell again once the Files panel shows it.`);
    }
    return blob;
  }

  /** Takes what Python changed in its folder into the notebook's files. */
  async afterRun(writer: OutputWriter): Promise<void> {
    const files = this.kernel.files;
    if (!files || this.sessionId !== this.kernel.getStatus().sessionId) return;
    const changes = await files.changes(this.sessionId, MAX_FILE_BYTES);
    if (!changes) return;
    const all = listFiles(this.doc);
    let total = filesBytes(all.values());
    const entries: Array<Omit<FileEntry, 'dir'>> = [];
    for (const f of changes.written) {
      const problem = checkPath(f.path);
      if (problem) {
        this.note(writer, `${f.path} stays in Python's folder only (not shared, gone after a restart): ${problem}`);
        continue;
      }
      const before = all.get(f.path)?.size ?? 0;
      if (total - before + f.bytes.length > MAX_NOTEBOOK_BYTES) {
        this.note(writer, `${f.path} (${mb(f.bytes.length)}) would take the notebook's files past ${mb(MAX_NOTEBOOK_BYTES)}: it stays in Python's folder only (gone after a restart). Delete files you no longer need.`);
        continue;
      }
      const hash = await this.blobs.put(f.bytes);
      total += f.bytes.length - before;
      this.written.set(f.path, hash);
      entries.push({ path: f.path, hash, size: f.bytes.length, mtime: Math.round(f.mtime), by: 'Python' });
    }
    for (const t of changes.tooLarge) {
      this.note(writer, `${t.path} (${mb(t.size)}) is over the ${mb(MAX_FILE_BYTES)} limit for a notebook's file: it stays in Python's folder only (gone after a restart).`);
    }
    const removed = changes.removed.filter((p) => all.has(p) || folderExists(all, p));
    for (const p of changes.removed) {
      this.written.delete(p);
      this.folders.delete(p);
    }
    const folders = changes.folders.filter((f) => !folderExists(all, f) && checkPath(f) === null);
    for (const f of changes.folders) this.folders.add(f);
    if (!entries.length && !removed.length && !folders.length) return;
    this.doc.transact(() => {
      if (removed.length) removeFiles(this.doc, removed, EXECUTOR);
      if (entries.length) putFiles(this.doc, entries, EXECUTOR);
      for (const f of folders) makeFolder(this.doc, f, EXECUTOR);
    }, EXECUTOR);
  }
}
