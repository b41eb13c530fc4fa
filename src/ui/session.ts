/**
 * One open notebook in this tab: its document loaded from IndexedDB, this user's presence, the executor
 * election (alone in a tab this peer is elected at once) driving the tab's kernel, and the library entry kept
 * current. The UI renders from `doc`; it never keeps a copy of the notebook.
 */
import * as Y from 'yjs';
import { LOCAL, authorOf, newId, readMeta, requestKernelControl, schemaProblem, type Actor, type NotebookMeta } from '../model';
import {
  KernelFolderSync,
  VariablesWatcher,
  followKernelControl,
  reviveDeadKernel,
  runCode,
  startExecutor,
  type ExecutorOptions,
  type InspectRequest,
  type InspectResult,
  type Kernel,
} from '../kernel';
import { SqlEngine, sqlCellHandler, withSqlMagic } from '../sql';
import {
  ExecutionConsent,
  FileTransfer,
  NotebookFiles,
  VariableRequests,
  trackLocalRuns,
  isStoredLocally,
  openLocalStore,
  NotebookHistory,
  Presence,
  Liveness,
  SignalingWitness,
  recordedExecutor,
  startExecutorElection,
  openRoom,
  roomOf,
  newRoomKey,
  rememberRoom,
  rotatedKey,
  type ExecutorElection,
  type ExecutorRole,
  type LocalRuns,
  type LocalStore,
  type NotebookRoom,
  type RoomKey,
} from '../sync';
import { library } from './services';

export type OpenResult =
  | { ok: true; session: NotebookSession }
  | { ok: false; reason: 'not-found' | 'schema'; message: string };

/** The notebook whose code the tab's kernel last ran. */
let kernelOwner: string | null = null;

export class NotebookSession {
  readonly presence: Presence;
  election: ExecutorElection;
  room: NotebookRoom | null = null;
  /** In a room: this device's consent to run other peers' code (asked once per room). */
  consent: ExecutionConsent | null = null;
  private readonly localRuns: LocalRuns;
  /** The notebook's files on this device; in a room, `transfer` fetches what this device lacks from peers. */
  readonly files: NotebookFiles;
  private readonly folder: KernelFolderSync;
  /** This notebook's DuckDB for SQL cells: started on the first SQL run in this tab, if it executes. */
  readonly sqlEngine = new SqlEngine();
  transfer: FileTransfer | null = null;
  /** In a room: the explorer's questions to the executor's kernel, and this kernel's answers to peers. */
  private variableRequests: VariableRequests | null = null;
  /** This device's checkpoints of the notebook; null when they cannot be stored here (no IndexedDB). */
  history: NotebookHistory | null = null;
  private readonly roomListeners = new Set<(room: NotebookRoom) => void>();
  private readonly transferListeners = new Set<(t: FileTransfer | null) => void>();
  private readonly consentListeners = new Set<(consent: ExecutionConsent | null) => void>();
  /** The room being joined or joined (y-webrtc loads on first use), so that two shares join once. */
  private joining: Promise<NotebookRoom> | null = null;
  private destroyed = false;
  private readonly offLibrary: () => void;
  private readonly onRole = new Set<(role: ExecutorRole) => void>();
  /** Heartbeats and who was heard when: how a crashed executor is noticed in seconds (src/sync/liveness.ts). */
  private readonly liveness: Liveness;
  /** The room's signaling server as the failover witness (src/sync/witness.ts); null outside a room. */
  private witness: SignalingWitness | null = null;

  private constructor(
    readonly id: string,
    readonly doc: Y.Doc,
    readonly store: LocalStore,
    readonly kernel: Kernel,
    presence: Presence,
    room: NotebookRoom | null,
  ) {
    this.presence = presence;
    this.room = room;
    // A viewer never runs the room's code: it cannot write outputs (nobody accepts its writes, src/sync/edit-guard.ts).
    if (this.viewOnly) presence.setOffersExecution(false, { remember: false });
    // Before anything can queue a run: which runs this tab asked for is known only from here.
    this.localRuns = trackLocalRuns(doc);
    this.files = new NotebookFiles(id, doc);
    const files = this.files;
    this.folder = new KernelFolderSync(doc, kernel, {
      get: (hash) => files.get(hash),
      put: (bytes) => files.putBytes(bytes),
      waitFor: (hash, ms) => files.waitFor(hash, ms),
    });
    if (room) {
      this.joining = Promise.resolve(room);
      this.followRotation(room);
      this.transfer = new FileTransfer(room, files);
      this.variableRequests = this.answerVariables(room);
    }
    const syncKernel = (): void => {
      const s = kernel.getStatus().status;
      this.presence.setKernel(s === 'dead' ? 'failed' : s === 'starting' ? 'starting' : 'ready');
    };
    syncKernel();
    const offKernel = kernel.onStatus(syncKernel);
    // A kernel that died on its own starts again after a few seconds: meanwhile another peer takes the queue.
    const offRevive = reviveDeadKernel(kernel);
    this.liveness = new Liveness(doc, presence, { executor: () => recordedExecutor(doc) });
    this.election = this.startElection(room);
    const touch = throttle(() => {
      const meta = readMeta(doc);
      if (meta) library.upsert({ id, title: meta.title, created: meta.created });
    }, 1000);
    doc.on('update', touch);
    const offControl = this.followKernelControl();
    this.offLibrary = () => {
      doc.off('update', touch);
      // Now, while the doc is alive: a late write would put back a title renamed from the home view.
      touch.flush();
      offKernel();
      offRevive();
      offControl();
    };
  }

  private startElection(room: NotebookRoom | null): ExecutorElection {
    const { doc, kernel } = this;
    if (room && this.consent?.room !== room.name) {
      this.consent?.destroy();
      this.consent = new ExecutionConsent(room.name, this.presence, this.localRuns);
      this.consentListeners.forEach((fn) => fn(this.consent));
    }
    const consent = this.consent;
    this.witness?.destroy();
    this.witness = room ? new SignalingWitness(room.provider, this.presence.clientId) : null;
    this.liveness.setWitness(this.witness);
    return startExecutorElection({
      liveness: this.liveness,
      doc,
      presence: this.presence,
      onElected: (t) => {
        // One kernel per tab: a notebook opened after another must not see the other's variables, and a
        // takeover (note set) promises everyone a fresh interpreter even if this tab executed here before.
        if (kernelOwner !== null && (kernelOwner !== this.id || t.note !== null)) void kernel.restart();
        kernelOwner = this.id;
        // The executor shows its kernel's variables to everyone in the room, through its presence.
        const watcher = new VariablesWatcher(kernel, (result, sessionId) =>
          this.presence.setVariables(result ? { sessionId, at: Date.now(), ...result } : null),
        );
        const stop = startExecutor(doc, kernel, t.me, {
          isExecutor: t.mayExecute,
          confirmClaim: t.confirmClaim,
          ...(consent ? { mayRun: (run) => consent.mayRun(run) } : {}),
          folder: this.folder,
          awareness: this.presence.awareness,
          onExecutorChange: (recheck) => t.onRoleChange(() => recheck()),
          afterCodeRun: () => watcher.refresh(),
          handlers: this.sqlHandlers(),
        });
        return () => {
          stop();
          watcher.destroy();
          this.presence.setVariables(null);
        };
      },
      onChange: (role) => this.onRole.forEach((fn) => fn(role)),
      ...(room ? { room: { status: () => room.status(), onStatus: (fn: () => void) => room.onStatus(() => fn()) } } : {}),
    });
  }

  /** Peers' explorers ask this tab's kernel while it executes for the room. */
  private answerVariables(room: NotebookRoom): VariableRequests {
    return new VariableRequests(room, () => this.presence.clientId, async (name, request) =>
      this.election.role().acting ? ((await this.kernel.inspectVariable?.(name, request)) ?? null) : null,
    );
  }

  /**
   * A slice of one of the executor's variables (the variable explorer): this tab's kernel when it executes, else the
   * executor's, asked over the room. Never rejects.
   */
  async inspectVariable(name: string, request: InspectRequest): Promise<InspectResult> {
    const role = this.election.role();
    const fail = (error: string, missing = false): InspectResult => ({ view: 'error', error, missing });
    if (role.acting) {
      if (!this.kernel.inspectVariable) return fail('This kernel cannot show variables.');
      const result = await this.kernel.inspectVariable(name, request).catch(() => null);
      return result ?? fail('Python is busy running code: the view updates when it is idle.');
    }
    if (role.executor === null) return fail('No kernel runs this notebook right now.', true);
    if (!this.variableRequests) return fail('Python is starting in this browser: try again in a moment.');
    return this.variableRequests.ask(role.executor, name, request);
  }

  /** SQL cells, and code cells that start with `%%sql`, run on this tab's DuckDB (src/sql). */
  private sqlHandlers(): ExecutorOptions['handlers'] {
    const deps = {
      engine: this.sqlEngine,
      fileBytes: (hash: string) => this.files.get(hash),
      storeFile: (bytes: Uint8Array) => this.files.putBytes(bytes),
    };
    return { sql: sqlCellHandler(deps), code: withSqlMagic(runCode, deps) };
  }

  /**
   * What SQL can query now, for completion: Python's tables and DuckDB's own tables, where this tab executes (other
   * peers' kernels are not asked: completion would wait on the network).
   */
  async sqlSchema(): Promise<Record<string, string[]>> {
    if (!this.election.role().acting) return {};
    const out = await this.sqlEngine.catalog().catch(() => ({}) as Record<string, string[]>);
    if (this.kernel.sql && this.kernel.getStatus().status === 'idle') {
      for (const t of await this.kernel.sql.tables().catch(() => [])) out[t.name] = t.columns;
    }
    return out;
  }

  /** Stop: a SQL query in progress is cancelled; Python is interrupted. */
  private interruptHere(): Promise<void> {
    this.sqlEngine.cancel();
    return this.kernel.interrupt();
  }

  /** The executor's tab carries out interrupt/restart requests that peers write into the document. */
  private followKernelControl(): () => void {
    return followKernelControl(
      this.doc,
      () => this.election.role().acting,
      (action) => void (action === 'interrupt' ? this.interruptHere() : this.kernel.restart()),
    );
  }

  /** Interrupts or restarts the kernel that runs this notebook, in this tab or in the executor's. */
  async controlKernel(action: 'interrupt' | 'restart'): Promise<void> {
    const role = this.election.role();
    // With nobody able to run code (this tab's kernel failed, and no peer can execute), nobody would act on a
    // request: restarting this tab's kernel is the way back, and makes it eligible again.
    if (role.acting || (action === 'restart' && role.executor === null)) {
      await (action === 'interrupt' ? this.interruptHere() : this.kernel.restart());
      return;
    }
    requestKernelControl(this.doc, { id: newId(), action, by: this.me(), at: Date.now() }, LOCAL);
  }

  /** Loads a notebook from this device. Never creates one: a missing id is "not found". */
  static async open(id: string, kernel: Kernel, room?: RoomKey): Promise<OpenResult> {
    const key = room ?? roomOf(id);
    if (!key && (await isStoredLocally(id)) === false) {
      return { ok: false, reason: 'not-found', message: `There is no notebook “${id}” on this device.` };
    }
    const doc = new Y.Doc();
    const store = await openLocalStore(id, doc);
    await store.whenLoaded;
    const presence = new Presence(doc);
    let nbRoom: NotebookRoom | null = null;
    if (key) {
      nbRoom = await openRoom(doc, key, { awareness: presence.awareness });
      if (!readMeta(doc)) await waitForMeta(doc, nbRoom);
    }
    const fail = (result: OpenResult): OpenResult => {
      nbRoom?.destroy();
      presence.destroy();
      store.destroy();
      doc.destroy();
      return result;
    };
    const meta = readMeta(doc);
    if (!meta) {
      const message = key
        ? 'Nobody in this room has shared the notebook with you yet. Ask someone who has it open to keep their tab open, then reload.'
        : `There is no notebook “${id}” on this device.`;
      return fail({ ok: false, reason: 'not-found', message });
    }
    const problem = schemaProblem(meta);
    if (problem) return fail({ ok: false, reason: 'schema', message: problem });
    const session = new NotebookSession(id, doc, store, kernel, presence, nbRoom);
    if (store.saving) session.history = await openHistory(id, doc, presence);
    library.upsert({ id, title: meta.title, created: meta.created });
    return { ok: true, session };
  }

  /** Opened with a view link: everything shows live, nothing can be changed (the peers would not accept it). */
  get viewOnly(): boolean {
    return this.room !== null && !this.room.canEdit;
  }

  meta(): NotebookMeta | null {
    return readMeta(this.doc);
  }

  /**
   * Revokes every link of the room: new secrets (password and edit key), sent only to the editors connected now
   * (over their proven connections, never into the document), who move along; then this tab moves. Viewers and
   * anyone holding an old link stay behind in a room nobody is in any more. Resolves with the new room key.
   */
  async rotateLinks(): Promise<RoomKey> {
    const room = this.room;
    if (!room?.guard || !room.canEdit) throw new Error('Only an editor of a room with view links can rotate its links');
    const key = await newRoomKey(this.id);
    await room.guard.sendRotation({ secret: key.secret, cap: key.cap! });
    rememberRoom(key);
    await this.moveTo(key);
    return key;
  }

  /** Calls `fn` when this notebook moves to another room (rotated links). Returns an unsubscribe. */
  onRoomChange(fn: (room: NotebookRoom) => void): () => void {
    this.roomListeners.add(fn);
    return () => this.roomListeners.delete(fn);
  }

  /** Leaves the current room and joins `key`'s (same notebook, new secrets). */
  private async moveTo(key: RoomKey): Promise<void> {
    const old = this.room;
    if (this.destroyed || !old) return;
    this.transfer?.destroy();
    this.variableRequests?.destroy();
    this.room = null;
    this.joining = null;
    old.destroy();
    // y-webrtc forgets a room only once its key is derived: before that, the same room cannot be joined again.
    await old.provider.key;
    const room = await this.share(key);
    this.roomListeners.forEach((fn) => fn(room));
  }

  /** Follows rotations an editor of the room sends (./edit-guard.ts delivers them from proven editors only). */
  private followRotation(room: NotebookRoom): void {
    room.guard?.onRotation((r) => {
      const key = rotatedKey(this.id, r.secret, r.cap);
      if (!key || this.room !== room) return;
      rememberRoom(key);
      void this.moveTo(key);
    });
  }

  /** Turns this notebook into a room (or returns its existing one): others with the link see it live. */
  share(key: RoomKey): Promise<NotebookRoom> {
    // A room joined before it had an edit key (shared before view links): joined again with the key, or a viewer
    // would wait forever for this editor's proof.
    if (key.cap && this.room && !this.room.guard) {
      return this.moveTo(key).then(() => this.joining ?? Promise.reject(new Error('the notebook was closed')));
    }
    this.joining ??= openRoom(this.doc, key, { awareness: this.presence.awareness }).then((room) => {
      if (this.destroyed) {
        room.destroy();
        return room;
      }
      this.room = room;
      this.followRotation(room);
      this.transfer = new FileTransfer(room, this.files);
      this.variableRequests = this.answerVariables(room);
      this.transferListeners.forEach((fn) => fn(this.transfer));
      // The election must not take a decision without knowing the room's peers: restart it with the gate.
      this.election.destroy();
      this.election = this.startElection(room);
      return room;
    });
    // A failed join (y-webrtc could not load) may be retried.
    this.joining.catch(() => (this.joining = null));
    return this.joining;
  }

  /** This user as an actor ("queued by Ada"). */
  me(): Actor {
    return { client: this.doc.clientID, name: this.presence.local().user.name };
  }

  /** Calls `fn` when the notebook becomes a room and gets its consent object. */
  onConsent(fn: (consent: ExecutionConsent | null) => void): () => void {
    this.consentListeners.add(fn);
    return () => this.consentListeners.delete(fn);
  }

  /** Calls `fn` when the notebook becomes a room (file transfers with peers start). */
  onTransfer(fn: (t: FileTransfer | null) => void): () => void {
    this.transferListeners.add(fn);
    return () => this.transferListeners.delete(fn);
  }

  onRoleChange(fn: (role: ExecutorRole) => void): () => void {
    this.onRole.add(fn);
    return () => this.onRole.delete(fn);
  }

  destroy(): void {
    this.destroyed = true;
    this.history?.destroy();
    this.offLibrary();
    this.election.destroy();
    this.liveness.destroy();
    this.witness?.destroy();
    this.consent?.destroy();
    this.localRuns.destroy();
    this.sqlEngine.restart();
    this.transfer?.destroy();
    this.variableRequests?.destroy();
    this.files.destroy();
    this.room?.destroy();
    this.presence.destroy();
    this.store.destroy();
    this.doc.destroy();
  }
}

/** The notebook's history on this device, naming writers by the document's authors, else by who is present. */
async function openHistory(id: string, doc: Y.Doc, presence: Presence): Promise<NotebookHistory | null> {
  const me = () => {
    const u = presence.local().user;
    return { name: u.name, color: u.color };
  };
  const nameOf = (client: number) => {
    const known = authorOf(doc, client);
    if (known) return known;
    const peer = presence.peers().get(client);
    return peer ? { name: peer.user.name, color: peer.user.color } : null;
  };
  const onCell = (cellId: string) => {
    for (const [client, peer] of presence.peers()) {
      if (client !== doc.clientID && peer.cell === cellId) return { name: peer.user.name, color: peer.user.color };
    }
    return null;
  };
  try {
    return await NotebookHistory.open(id, doc, { me, nameOf, onCell });
  } catch (e) {
    // The notebook works without its history; the History panel says it is unavailable.
    console.warn('Anode: version history unavailable', e);
    return null;
  }
}

/** A peer opening a share link waits for the room to deliver the notebook (or for nobody to answer). */
async function waitForMeta(doc: Y.Doc, room: NotebookRoom): Promise<void> {
  await new Promise<void>((resolve) => {
    const check = (): void => {
      if (readMeta(doc)) done();
    };
    const timer = setTimeout(() => done(), 15_000);
    const done = (): void => {
      clearTimeout(timer);
      doc.off('update', check);
      resolve();
    };
    doc.on('update', check);
    void room.whenSettled().then(() => {
      // Settled with nobody there: give late peers a few more seconds.
      if (readMeta(doc)) done();
    });
  });
}

/** Calls `fn` at most once per `ms`; `flush()` runs a pending call at once. */
function throttle(fn: () => void, ms: number): (() => void) & { flush(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const run = (): void => {
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      fn();
    }, ms);
  };
  return Object.assign(run, {
    flush(): void {
      if (!timer) return;
      clearTimeout(timer);
      timer = null;
      fn();
    },
  });
}
