/**
 * A blind relay: the room synced through a y-websocket server (`@y/websocket-server`, or any host of that
 * protocol) that stores and forwards only ciphertext. For rooms past the WebRTC mesh's size, and for peers whose
 * network (or browser) blocks WebRTC. Used beside the mesh, never instead of the document's own rules.
 *
 * How it stays blind: the relay does not sync the notebook's Y.Doc. It syncs a second, tiny Y.Doc whose one
 * array is a log of sealed notebook updates (./relay-seal.ts: AES-GCM with a key from the room secret, signed
 * with the edit key when an editor wrote it), and whose awareness carries each peer's sealed presence. The
 * server runs its ordinary Yjs sync over that log: it keeps it for peers who join later, merges concurrent
 * appends, and never sees a cell, an output or a name. It does see who connects, when, and how much they send.
 *
 * Edit rights hold through it as over WebRTC: a notebook update applies only if the room's edit key signed it, so
 * a viewer (or the relay itself) can add ciphertext to the log but cannot change what anyone sees; a viewer's
 * presence is accepted only as a viewer's (./edit-filter.ts `viewerAwareness`). What a tampered viewer can still do
 * is delete log entries (the server cannot check): editors notice and re-publish what the log lost.
 *
 * Every editor publishes what the log lacks: its own changes at once, changes it got from the mesh after a grace
 * period (the peer that made them usually publishes first), and, on joining, whatever its document holds beyond
 * the log. A shadow Y.Doc, holding exactly what the log holds, tells which is which. The log is compacted into one
 * snapshot once it grows long.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import { applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates, type Awareness } from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import { fromBase64Url, toBase64Url, type CapabilityKeys } from './edit-auth';
import { viewerAwareness } from './edit-filter';
import { relayKey, seal, unseal } from './relay-seal';

export type RelayState = 'connecting' | 'connected' | 'unreachable';

export interface RelayStatus {
  url: string;
  state: RelayState;
  /** The log has been received and applied (a late joiner has the room's document). */
  synced: boolean;
  /** Other peers connected to the room through the relay. */
  peers: number;
  /** Log entries dropped because the room's edit key did not sign them (a viewer's writes, or junk). */
  rejected: number;
}

export interface RelayOptions {
  url: string;
  room: string;
  secret: string;
  /** The room's edit capability; null in a room whose links carry none (every holder edits). */
  capability: CapabilityKeys | null;
  /** Whether a document update came from the WebRTC mesh (y-webrtc's room): published only after a grace period. */
  fromMesh: (origin: unknown) => boolean;
  /** Called whenever the status changes. */
  onStatus: () => void;
  /** y-websocket's provider class (loaded on demand) and, in Node, a WebSocket implementation. */
  Provider: typeof WebsocketProvider;
  WebSocketPolyfill?: unknown;
}

/** Entries in the log before an editor folds them into one snapshot. */
const COMPACT_AT = 200;
/** How long a change from the mesh waits for its author to publish it before this peer does. */
const MESH_GRACE_MS = 2000;
/** The y-websocket room of a notebook room (the relay sees this name, as a signaling server sees the topic). */
export function relayRoomName(room: string): string {
  return `anode/${room}`;
}

/** The origin of what this module applies, so its own listeners know it from the peer's own changes. */
const FROM_RELAY = Symbol('relay');
/** The origin of this peer's own changes copied into the shadow (already published: not again). */
const LOCAL = Symbol('local');

/** A notebook document synced through a blind relay; `destroy` leaves it. */
export class RelayLink {
  readonly provider: WebsocketProvider;
  private readonly log: Y.Array<Uint8Array>;
  private readonly relayDoc = new Y.Doc();
  /** Exactly what the log holds (decrypted), so that only what it lacks is published. Kept by editors only. */
  private shadow = new Y.Doc();
  private readonly key: Promise<CryptoKey>;
  /** Entries are opened in arrival order, one at a time. */
  private chain: Promise<void> = Promise.resolve();
  private pendingEntries = 0;
  private pending: Uint8Array[] = [];
  private flushing: Promise<void> | null = null;
  private joined = false;
  private destroyed = false;
  private rejected = 0;
  private meshTimer: ReturnType<typeof setTimeout> | null = null;
  private rebuildTimer: ReturnType<typeof setTimeout> | null = null;
  private presenceBusy = false;
  private presenceDirty = false;
  /** Relay-awareness client → the notebook-awareness client its sealed presence speaks for. */
  private readonly speaksFor = new Map<number, number>();
  /** Notebook clients whose presence an editor signed: a viewer's unsigned presence never replaces theirs. */
  private readonly signedClients = new Set<number>();
  /** Notebook clients a viewer's unsigned presence introduced, by the relay client that did. */
  private readonly unsignedOwner = new Map<number, number>();

  constructor(
    private readonly doc: Y.Doc,
    private readonly awareness: Awareness,
    private readonly opts: RelayOptions,
  ) {
    this.key = relayKey(opts.secret, opts.room);
    this.log = this.relayDoc.getArray<Uint8Array>('log');
    this.log.observe(this.onLog);
    this.shadow.on('update', this.onShadowUpdate);
    this.provider = new opts.Provider(opts.url, relayRoomName(opts.room), this.relayDoc, {
      // This browser's tabs already meet over y-webrtc's BroadcastChannel.
      disableBc: true,
      ...(opts.WebSocketPolyfill ? { WebSocketPolyfill: opts.WebSocketPolyfill as typeof WebSocket } : {}),
    });
    this.provider.on('status', opts.onStatus);
    this.provider.on('sync', this.onSync);
    this.provider.awareness.on('change', this.onRelayPresence);
    doc.on('update', this.onDocUpdate);
    awareness.on('update', this.onOwnPresence);
    this.publishPresence();
  }

  private get canEdit(): boolean {
    return !this.opts.capability || this.opts.capability.sign !== null;
  }

  status(): RelayStatus {
    const p = this.provider;
    const state: RelayState = p.wsconnected ? 'connected' : p.wsUnsuccessfulReconnects > 0 ? 'unreachable' : 'connecting';
    return {
      url: this.opts.url,
      state,
      synced: this.joined,
      // Only peers whose sealed presence opened: a stranger in the relay room (an old link's holder) is nobody here.
      peers: this.speaksFor.size,
      rejected: this.rejected,
    };
  }

  // -- The document --------------------------------------------------------------------------------------------

  private readonly onLog = (event: Y.YArrayEvent<Uint8Array>, tx: Y.Transaction): void => {
    if (tx.origin === FROM_RELAY) return;
    for (const d of event.delta) {
      if (!Array.isArray(d.insert)) continue;
      for (const entry of d.insert as Uint8Array[]) this.open(entry, this.shadow);
    }
    // Entries deleted by someone else: another editor's compaction, or a tampered viewer's wiping. The shadow no
    // longer says what the log holds: rebuild it from the log and re-publish what is missing.
    if (this.canEdit && event.changes.deleted.size > 0) this.scheduleRebuild();
  };

  /** Opens one log entry (in order) and applies it to the document and to `shadow`, if an editor signed it. */
  private open(entry: Uint8Array, shadow: Y.Doc): void {
    this.pendingEntries++;
    this.chain = this.chain.then(async () => {
      try {
        const opened = await unseal(entry, await this.key, this.opts.capability, 'update');
        if (this.destroyed || !opened) return;
        if (!opened.signed) {
          this.rejected++;
          this.opts.onStatus();
          return;
        }
        // A viewer never publishes: it keeps no shadow (the second copy costs an editor memory).
        if (this.canEdit) Y.applyUpdate(shadow, opened.payload, FROM_RELAY);
        Y.applyUpdate(this.doc, opened.payload, FROM_RELAY);
      } catch {
        // Not a Yjs update after all (a corrupt entry): skipped, like one that does not decrypt.
      } finally {
        this.pendingEntries--;
      }
    });
  }

  private readonly onSync = (synced: boolean): void => {
    if (!synced) {
      // Disconnected: the room must not count as caught up with the relay until it has synced again.
      this.joined = false;
      this.opts.onStatus();
      return;
    }
    // Everything the log held has been observed; once it is applied the document is the room's, and what this
    // peer has beyond it (edits made offline, or a room's first publication) goes up.
    void this.chain.then(() => {
      if (this.destroyed) return;
      this.joined = true;
      this.catchUp();
      this.opts.onStatus();
    });
  };

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === FROM_RELAY || !this.joined || !this.canEdit) return;
    if (this.opts.fromMesh(origin)) {
      // Its author is usually on the relay too and publishes it first; if not, this peer does, later.
      this.meshTimer ??= setTimeout(() => {
        this.meshTimer = null;
        this.catchUp();
      }, MESH_GRACE_MS);
      return;
    }
    // A change made here is new to the log: published as it is. Through the shadow's 'update' it could be held back
    // (Yjs keeps an update pending while it depends on one the shadow lacks, and then emits it with the log's).
    this.pending.push(update);
    Y.applyUpdate(this.shadow, update, LOCAL);
    this.kick();
  };

  /** Publishes whatever the document holds that the log does not. */
  private catchUp(): void {
    if (!this.canEdit || this.destroyed) return;
    Y.applyUpdate(this.shadow, Y.encodeStateAsUpdate(this.doc, Y.encodeStateVector(this.shadow)), this);
  }

  /** A catch-up taught the shadow something (not from the log): that part is new to the log. */
  private readonly onShadowUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== this) return;
    this.pending.push(update);
    this.kick();
  };

  /** Starts publishing what is pending, unless a flush is under way; a flush ending with more pending goes again. */
  private kick(): void {
    this.flushing ??= this.flush().finally(() => {
      this.flushing = null;
      if (this.pending.length && !this.destroyed) this.kick();
    });
  }

  private async flush(): Promise<void> {
    const key = await this.key;
    while (this.pending.length && !this.destroyed) {
      const update = this.pending.length === 1 ? this.pending[0]! : Y.mergeUpdates(this.pending);
      this.pending = [];
      const entry = await seal(update, key, this.opts.capability, 'update');
      if (this.destroyed) return;
      this.relayDoc.transact(() => this.log.push([entry]), FROM_RELAY);
    }
    if (this.log.length > COMPACT_AT) await this.compact(key);
  }

  /**
   * Folds the log into one snapshot of the shadow. Only the entries the snapshot holds are deleted (those applied
   * when it was taken, found by identity: a concurrent append can be ordered anywhere), so anyone's entry appended
   * meanwhile survives.
   */
  private async compact(key: CryptoKey): Promise<void> {
    await this.chain;
    if (this.pendingEntries > 0 || this.destroyed) return;
    const folded = new Set(this.log.toArray());
    const entry = await seal(Y.encodeStateAsUpdate(this.shadow), key, this.opts.capability, 'update');
    if (this.destroyed || this.pendingEntries > 0) return;
    this.relayDoc.transact(() => {
      const now = this.log.toArray();
      for (let i = now.length - 1; i >= 0; i--) if (folded.has(now[i]!)) this.log.delete(i, 1);
      this.log.insert(0, [entry]);
    }, FROM_RELAY);
  }

  private scheduleRebuild(): void {
    if (this.rebuildTimer) return;
    this.rebuildTimer = setTimeout(() => {
      this.rebuildTimer = null;
      if (this.destroyed) return;
      this.shadow.off('update', this.onShadowUpdate);
      this.shadow.destroy();
      this.shadow = new Y.Doc();
      this.shadow.on('update', this.onShadowUpdate);
      const shadow = this.shadow;
      for (const entry of this.log.toArray()) this.open(entry, shadow);
      void this.chain.then(() => {
        if (shadow === this.shadow) this.catchUp();
      });
    }, 500);
  }

  // -- Presence ------------------------------------------------------------------------------------------------

  private readonly onOwnPresence = ({ added, updated }: { added: number[]; updated: number[] }, origin: unknown): void => {
    if (origin === FROM_RELAY) return;
    const own = this.awareness.clientID;
    if (added.includes(own) || updated.includes(own)) this.publishPresence();
  };

  /** Seals this peer's own presence into its relay presence (coalesced: one sealing at a time). */
  private publishPresence(): void {
    if (this.presenceBusy) {
      this.presenceDirty = true;
      return;
    }
    this.presenceBusy = true;
    void (async () => {
      try {
        do {
          this.presenceDirty = false;
          const update = encodeAwarenessUpdate(this.awareness, [this.awareness.clientID]);
          const sealed = await seal(update, await this.key, this.opts.capability, 'presence');
          if (this.destroyed) return;
          this.provider.awareness.setLocalState({ p: toBase64Url(sealed) });
        } while (this.presenceDirty);
      } finally {
        this.presenceBusy = false;
      }
    })();
  }

  private readonly onRelayPresence = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    const self = this.provider.awareness.clientID;
    for (const id of [...added, ...updated]) {
      if (id === self) continue;
      const sealed = this.provider.awareness.getStates().get(id)?.['p'];
      const bytes = typeof sealed === 'string' ? fromBase64Url(sealed) : null;
      if (bytes) void this.applyPresence(id, bytes);
    }
    const gone = removed.map((id) => this.speaksFor.get(id)).filter((c): c is number => c !== undefined);
    for (const id of removed) {
      const client = this.speaksFor.get(id);
      if (client !== undefined && this.unsignedOwner.get(client) === id) this.unsignedOwner.delete(client);
      this.speaksFor.delete(id);
    }
    const stillHere = new Set(this.speaksFor.values());
    const leave = gone.filter((c) => !stillHere.has(c) && this.awareness.getStates().has(c));
    // A peer left the relay (not this peer's socket: when it drops, y-websocket forgets everyone, and those still
    // reached over WebRTC must not vanish; the others time out as any silent peer does).
    if (leave.length && !this.destroyed && this.provider.wsconnected) removeAwarenessStates(this.awareness, leave, FROM_RELAY);
    this.opts.onStatus();
  };

  private async applyPresence(relayClient: number, sealed: Uint8Array): Promise<void> {
    const opened = await unseal(sealed, await this.key, this.opts.capability, 'presence');
    // Opened after that peer left the relay: nothing to add back.
    if (!opened || this.destroyed || !this.provider.awareness.getStates().has(relayClient)) return;
    const client = firstClient(opened.payload);
    if (client === null || client === this.awareness.clientID) return;
    try {
      if (opened.signed) {
        this.signedClients.add(client);
        this.unsignedOwner.delete(client);
        this.speaksFor.set(relayClient, client);
        applyAwarenessUpdate(this.awareness, opened.payload, FROM_RELAY);
        return;
      }
      // A viewer: its own entry only, stripped of what would make it executor, never in an editor's name, and
      // never over a peer already here by another way (WebRTC, or another relay connection): it could only
      // claim a client id it has seen, and ids of peers not yet here are unguessable.
      if (this.signedClients.has(client)) return;
      const owner = this.unsignedOwner.get(client);
      if (owner !== undefined ? owner !== relayClient : this.awareness.getStates().has(client)) return;
      const own = viewerAwareness(opened.payload, client);
      if (!own) return;
      this.unsignedOwner.set(client, relayClient);
      this.speaksFor.set(relayClient, client);
      applyAwarenessUpdate(this.awareness, own, FROM_RELAY);
    } catch {
      // A malformed awareness update inside a valid seal: ignored, like one that does not open.
    }
  }

  /** Leaves the relay. The notebook document and its awareness stay as they are. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    if (this.meshTimer) clearTimeout(this.meshTimer);
    if (this.rebuildTimer) clearTimeout(this.rebuildTimer);
    this.doc.off('update', this.onDocUpdate);
    this.awareness.off('update', this.onOwnPresence);
    this.provider.awareness.off('change', this.onRelayPresence);
    this.provider.off('status', this.opts.onStatus);
    this.provider.off('sync', this.onSync);
    // Those this peer knew through the relay only are gone with it (the rest are renewed by the mesh, or time out).
    const relayed = [...new Set(this.speaksFor.values())].filter((c) => this.awareness.getStates().has(c));
    this.speaksFor.clear();
    if (relayed.length && this.provider.wsconnected) removeAwarenessStates(this.awareness, relayed, FROM_RELAY);
    this.provider.destroy();
    this.relayDoc.destroy();
    this.shadow.destroy();
  }
}

/** The first client id in an awareness update (a peer's sealed presence holds exactly its own). */
function firstClient(update: Uint8Array): number | null {
  try {
    const decoder = decoding.createDecoder(update);
    return decoding.readVarUint(decoder) > 0 ? decoding.readVarUint(decoder) : null;
  } catch {
    return null;
  }
}
