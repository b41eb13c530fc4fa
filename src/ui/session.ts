/**
 * One open notebook in this tab: its document loaded from IndexedDB, this user's presence, the executor
 * election (alone in a tab this peer is elected at once) driving the tab's kernel, and the library entry kept
 * current. The UI renders from `doc`; it never keeps a copy of the notebook.
 */
import * as Y from 'yjs';
import { readMeta, schemaProblem, type Actor, type NotebookMeta } from '../model';
import { startExecutor, type Kernel } from '../kernel';
import {
  openLocalStore,
  Presence,
  startExecutorElection,
  openRoom,
  roomOf,
  type ExecutorElection,
  type ExecutorRole,
  type LocalStore,
  type NotebookRoom,
  type RoomKey,
} from '../sync';
import { library } from './services';

export type OpenResult =
  | { ok: true; session: NotebookSession }
  | { ok: false; reason: 'not-found' | 'schema'; message: string };

export class NotebookSession {
  readonly presence: Presence;
  readonly election: ExecutorElection;
  room: NotebookRoom | null = null;
  private readonly offLibrary: () => void;
  private readonly onRole = new Set<(role: ExecutorRole) => void>();

  private constructor(
    readonly id: string,
    readonly doc: Y.Doc,
    readonly store: LocalStore,
    readonly kernel: Kernel,
  ) {
    this.presence = new Presence(doc);
    const syncKernel = (): void => {
      const s = kernel.getStatus().status;
      this.presence.setKernel(s === 'dead' ? 'failed' : s === 'starting' ? 'starting' : 'ready');
    };
    syncKernel();
    const offKernel = kernel.onStatus(syncKernel);
    this.election = startExecutorElection({
      doc,
      presence: this.presence,
      onElected: (t) =>
        startExecutor(doc, kernel, t.me, {
          isExecutor: t.mayExecute,
          onExecutorChange: (recheck) => t.onRoleChange(() => recheck()),
        }),
      onChange: (role) => this.onRole.forEach((fn) => fn(role)),
    });
    const touch = throttle(() => {
      const meta = readMeta(doc);
      if (meta) library.upsert({ id, title: meta.title, created: meta.created });
    }, 1000);
    doc.on('update', touch);
    this.offLibrary = () => {
      doc.off('update', touch);
      offKernel();
    };
  }

  /** Loads a notebook from this device. Never creates one: a missing id is "not found". */
  static async open(id: string, kernel: Kernel, room?: RoomKey): Promise<OpenResult> {
    const doc = new Y.Doc();
    const store = await openLocalStore(id, doc);
    await store.whenLoaded;
    const key = room ?? roomOf(id);
    let nbRoom: NotebookRoom | null = null;
    if (key) {
      nbRoom = openRoom(doc, key);
      if (!readMeta(doc)) await nbRoom.whenSettled();
    }
    const meta = readMeta(doc);
    if (!meta) {
      nbRoom?.destroy();
      store.destroy();
      doc.destroy();
      return { ok: false, reason: 'not-found', message: `There is no notebook “${id}” on this device.` };
    }
    const problem = schemaProblem(meta);
    if (problem) {
      nbRoom?.destroy();
      store.destroy();
      doc.destroy();
      return { ok: false, reason: 'schema', message: problem };
    }
    const session = new NotebookSession(id, doc, store, kernel);
    session.room = nbRoom;
    library.upsert({ id, title: meta.title, created: meta.created });
    return { ok: true, session };
  }

  meta(): NotebookMeta | null {
    return readMeta(this.doc);
  }

  /** This user as an actor ("queued by Ada"). */
  me(): Actor {
    return { client: this.doc.clientID, name: this.presence.local().user.name };
  }

  onRoleChange(fn: (role: ExecutorRole) => void): () => void {
    this.onRole.add(fn);
    return () => this.onRole.delete(fn);
  }

  destroy(): void {
    this.offLibrary();
    this.election.destroy();
    this.room?.destroy();
    this.presence.destroy();
    this.store.destroy();
    this.doc.destroy();
  }
}

function throttle(fn: () => void, ms: number): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  return () => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
}
