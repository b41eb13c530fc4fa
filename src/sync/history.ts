/**
 * A notebook's version history on this device: takes checkpoints (on a pause in editing, and when asked: before
 * Run all, before an AI turn, a named "Save version"), keeps them by the retention rule, reads versions back and
 * restores them. Each checkpoint is the whole encoded document (Y.encodeStateAsUpdate) in the notebook's history
 * database; see README "Version history" for why states rather than gc:false snapshots.
 *
 * Every peer keeps its own history of what it saw, local and remote edits alike, so a notebook whose cells a peer
 * deleted can be brought back by anyone who had it open. Checkpoints are not shared: they would make every
 * room's document grow with every version.
 */
import * as Y from 'yjs';
import {
  HISTORY,
  IPYNB_METADATA_KEY,
  SYSTEM,
  addChange,
  cellsMap,
  deletedCount,
  mergeSummaries,
  metaMap,
  newId,
  registerAuthor,
  restoreCell,
  restoreNotebook,
  versionFromState,
  writersOf,
  type Author,
  type ChangeKind,
  type ChangeSummary,
  type NotebookVersion,
} from '../model';
import { HistoryStore, type Checkpoint, type CheckpointKind } from './history-store';
import { checkpointsToDrop } from './retention';

export interface HistoryOptions {
  /** Quiet time after an edit before it is checkpointed. */
  pauseMs?: number;
  /** Edit checkpoints closer than this to the previous one replace it (one per minute of typing, not per pause). */
  coalesceMs?: number;
  now?: () => number;
  /** This device's user, as shown in summaries. */
  me: () => Author;
  /** The name a client id wrote under (the document's authors, else presence), or null. */
  nameOf: (client: number) => Author | null;
  /** Another person whose cursor is on cell `cellId` now: who most likely made a change Yjs could not attribute. */
  onCell?: (cellId: string) => Author | null;
  idb?: IDBFactory;
}

/** Cell fields whose change is an edit someone made (outputs and run bookkeeping are results, not edits). */
const EDIT_FIELDS: ReadonlySet<string> = new Set(['type', 'source', 'metadata', 'attachments', 'order']);

interface PendingChange {
  /** The writing client, or null when the change carried no writer (a remote deletion without a stamp). */
  client: number | null;
  kind: ChangeKind;
  cellId: string;
}

export class NotebookHistory {
  private checkpoints: Checkpoint[] = [];
  private pending: PendingChange[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private writing: Promise<void> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  private readonly undo: Y.UndoManager;
  private registered = false;
  private lastAt = 0;
  private destroyed = false;
  private readonly pauseMs: number;
  private readonly coalesceMs: number;
  private readonly now: () => number;

  private constructor(
    private readonly doc: Y.Doc,
    private readonly store: HistoryStore,
    private readonly opts: HistoryOptions,
  ) {
    this.pauseMs = opts.pauseMs ?? 3000;
    this.coalesceMs = opts.coalesceMs ?? 60_000;
    this.now = opts.now ?? Date.now;
    // captureTimeout 0: each restore is its own undo step.
    this.undo = new Y.UndoManager(cellsMap(doc), { trackedOrigins: new Set([HISTORY]), captureTimeout: 0 });
    cellsMap(doc).observeDeep(this.onCells);
  }

  /** Opens the history of notebook `id` and, when it has none yet, records the notebook as it is now. */
  static async open(id: string, doc: Y.Doc, opts: HistoryOptions): Promise<NotebookHistory> {
    const store = await HistoryStore.open(id, opts.idb);
    const history = new NotebookHistory(doc, store, opts);
    history.checkpoints = await store.list();
    history.lastAt = history.checkpoints[history.checkpoints.length - 1]?.at ?? 0;
    if (!history.checkpoints.length) {
      await history.write(metaMap(doc).has(IPYNB_METADATA_KEY) ? 'import' : 'opened', undefined, []);
    }
    return history;
  }

  private readonly onCells = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>, tr: Y.Transaction): void => {
    const cells = cellsMap(this.doc);
    const found: Array<{ kind: ChangeKind; cellId: string }> = [];
    for (const e of events) {
      if (e.target === cells) {
        e.changes.keys.forEach((change, cellId) => {
          found.push({ kind: change.action === 'add' ? 'added' : change.action === 'delete' ? 'deleted' : 'edited', cellId });
        });
        continue;
      }
      const [cellId, field] = e.path as [string | undefined, string | number | undefined];
      if (typeof cellId !== 'string') continue;
      const fields = field === undefined && e instanceof Y.YMapEvent ? [...e.keysChanged] : [String(field)];
      if (fields.some((f) => EDIT_FIELDS.has(f))) found.push({ kind: 'edited', cellId });
    }
    if (!found.length) return;
    const wasQuiet = this.pending.length === 0;
    const writers = tr.local ? [this.doc.clientID] : writersOf(tr);
    for (const f of found) for (const client of writers.length ? writers : [null]) this.pending.push({ client, ...f });
    if (tr.local && !this.registered) {
      this.registered = true;
      // Outside the observer: a write here would join the transaction being observed.
      queueMicrotask(() => !this.destroyed && registerAuthor(this.doc, this.opts.me(), SYSTEM));
    }
    if (wasQuiet) this.listeners.forEach((fn) => fn());
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.checkpoint('edit');
    }, this.pauseMs);
  };

  /** Pending changes as a summary, with names as known now (a peer's name may arrive after its first edit). */
  private summarize(changes: PendingChange[]): ChangeSummary {
    const summary: ChangeSummary = [];
    const me = this.opts.me();
    // A deletion-only edit (backspace) carries no writer; one followed by attributed edits of the same cell is theirs.
    const attributed = new Set(changes.filter((c) => c.client !== null).map((c) => c.cellId));
    for (const c of changes) {
      if (c.client === null && c.kind === 'edited' && attributed.has(c.cellId)) continue;
      const author =
        c.client === null ? (this.opts.onCell?.(c.cellId) ?? null) : c.client === this.doc.clientID ? me : this.opts.nameOf(c.client);
      addChange(summary, author?.name ?? 'Someone', author?.color ?? '#888888', c.kind, c.cellId);
    }
    // A cell added and deleted between two checkpoints never existed in either: it is no change.
    for (const p of summary) {
      const both = p.added.filter((id) => p.deleted.includes(id));
      p.added = p.added.filter((id) => !both.includes(id));
      p.deleted = p.deleted.filter((id) => !both.includes(id));
      p.edited = p.edited.filter((id) => !both.includes(id) && !p.added.includes(id) && !p.deleted.includes(id));
    }
    return summary.filter((p) => p.added.length || p.deleted.length || p.edited.length);
  }

  /**
   * Takes a checkpoint now. Automatic kinds (edit, run-all, ai, restore) are skipped when nothing was edited
   * since the last one; a named one is always taken.
   */
  checkpoint(kind: CheckpointKind, name?: string): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const changes = this.pending;
    this.pending = [];
    if (!changes.length && kind !== 'named' && this.checkpoints.length) return this.writing;
    return this.write(kind, name, changes);
  }

  private write(kind: CheckpointKind, name: string | undefined, changes: PendingChange[]): Promise<void> {
    // Encoded now, stored in order: each checkpoint is the document at the moment it was asked for.
    const state = Y.encodeStateAsUpdate(this.doc);
    const cellCount = cellsMap(this.doc).size;
    // Strictly increasing on this device, so the list's order is the order they were taken in.
    const at = Math.max(this.now(), this.lastAt + 1);
    this.lastAt = at;
    const next = this.writing.then(async () => {
      if (this.destroyed) return;
      let summary = this.summarize(changes);
      const last = this.checkpoints[this.checkpoints.length - 1];
      const replace: string[] = [];
      if (
        kind === 'edit' &&
        last?.kind === 'edit' &&
        at - last.at < this.coalesceMs &&
        deletedCount(last.summary) === 0 &&
        deletedCount(summary) === 0 &&
        // Another person's edits start a new version: "who changed what" stays readable.
        summary.every((p) => last.summary.some((q) => q.who === p.who))
      ) {
        replace.push(last.id);
        summary = mergeSummaries(last.summary, summary);
      }
      const cp: Checkpoint = { id: newId(), at, kind, ...(name ? { name } : {}), summary, cellCount, size: state.byteLength };
      await this.store.put(cp, state, replace);
      this.checkpoints = [...this.checkpoints.filter((c) => !replace.includes(c.id)), cp];
      const drop = checkpointsToDrop(this.checkpoints, at);
      if (drop.length) {
        await this.store.remove(drop);
        this.checkpoints = this.checkpoints.filter((c) => !drop.includes(c.id));
      }
      this.listeners.forEach((fn) => fn());
    });
    // A failed write (storage full) must not stop later ones.
    this.writing = next.catch((e: unknown) => console.warn('Anode: a checkpoint could not be stored', e));
    return next;
  }

  /** Whether the notebook has edits that no checkpoint holds yet (one is taken at the next pause). */
  hasPending(): boolean {
    return this.pending.length > 0;
  }

  /** Checkpoints, oldest first. */
  list(): readonly Checkpoint[] {
    return this.checkpoints;
  }

  /** Calls `fn` whenever the list changes, or edits start waiting for a checkpoint. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The notebook as it was at checkpoint `id`, or null when that checkpoint is gone. */
  async version(id: string): Promise<NotebookVersion | null> {
    const state = await this.store.state(id);
    return state ? versionFromState(state) : null;
  }

  /**
   * Makes the notebook what it was at checkpoint `id` (the whole notebook, or only cell `cellId`). What the
   * notebook was just before is checkpointed first, and the restore is one undoable change that syncs to peers.
   */
  async restore(id: string, cellId?: string): Promise<boolean> {
    const version = await this.version(id);
    if (!version || this.destroyed) return false;
    await this.checkpoint('edit');
    if (cellId) restoreCell(this.doc, version, cellId, HISTORY);
    else restoreNotebook(this.doc, version, HISTORY);
    const from = this.checkpoints.find((c) => c.id === id);
    const when = from ? new Date(from.at).toLocaleString() : 'an earlier version';
    await this.checkpoint('restore', cellId ? `Restored a cell from ${when}` : `Restored the version of ${when}`);
    return true;
  }

  /** Whether there is a restore to undo. */
  canUndoRestore(): boolean {
    return this.undo.undoStack.length > 0;
  }

  /** Undoes the latest restore made on this device (its change only, not edits made since). */
  undoRestore(): void {
    this.undo.undo();
  }

  /** Waits until every checkpoint asked for is stored (tests, closing). */
  flushed(): Promise<void> {
    return this.writing;
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    // Edits not yet checkpointed are in the document itself; only their entry in the list is lost.
    this.destroyed = true;
    cellsMap(this.doc).unobserveDeep(this.onCells);
    this.undo.destroy();
    void this.writing.then(() => this.store.close());
  }
}
