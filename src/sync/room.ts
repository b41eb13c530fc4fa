/**
 * A room: binds one notebook Y.Doc (and its awareness) to a y-webrtc room, and reports how connected it is.
 * A thin provider: it knows nothing of what the document means.
 *
 * Peers find each other through signaling servers (WebSocket; several may be given, any one suffices) and then
 * talk over WebRTC; tabs of one browser also talk over BroadcastChannel, with or without signaling. With the
 * room secret as y-webrtc's password every signaling and BroadcastChannel message is AES-GCM encrypted, so a
 * signaling server (or a peer without the secret) sees nothing of the notebook.
 */
import type * as Y from 'yjs';
import type { WebrtcProvider } from 'y-webrtc';
import type { WebsocketProvider } from 'y-websocket';
import type { Awareness } from 'y-protocols/awareness';
import type { RoomKey } from './room-index';
import { relayFor, signalingUrls } from './settings';
import { framedWrtc } from './framed-rtc';
import { startHealer, type ProviderLike } from './heal';
import { hasTurn, iceServers } from './ice';
import { linkOf, type ConnLike, type PeerLink } from './links';
import { decodeCapability, importCapability, type CapabilityKeys } from './edit-auth';
import { EditGuard } from './edit-guard';
import { RelayLink, type RelayStatus } from './relay';

/**
 * How the room's signaling is doing. `unreachable`: every server failed (or none is configured: `none`); the
 * notebook keeps working alone and with this browser's other tabs, and keeps retrying in the background.
 */
export type SignalingState = 'none' | 'connecting' | 'connected' | 'unreachable';

/** Which path carries sync to the peers currently connected. */
export type Transport = 'none' | 'webrtc' | 'broadcastchannel' | 'both';

export interface RoomStatus {
  signaling: SignalingState;
  /** The signaling URLs in use, and those currently connected. */
  signalingUrls: string[];
  connectedSignaling: string[];
  /** Peers connected over WebRTC (data channel open). */
  webrtcPeers: number;
  /** Tabs of this browser in the room. */
  bcPeers: number;
  transport: Transport;
  /** Synced with every WebRTC peer found so far. */
  synced: boolean;
  /**
   * The room had its chance to deliver what other peers know (a first sync, or nobody answered within
   * `settleMs`). Decisions that must not be taken on a half-loaded document (taking over execution) wait for it.
   */
  settled: boolean;
  /**
   * This peer had the network (signaling or a WebRTC peer) and lost it: the browser is offline, or neither a
   * signaling server nor any WebRTC peer answers. Others may still be working; taking over execution now would
   * run their queue twice, so it waits.
   */
  isolated: boolean;
  /**
   * Peers this one lost without a goodbye are still known to be in the room (their presence has not timed out)
   * and are not connected again yet: it is reconnecting to them (./heal.ts).
   */
  reconnecting: boolean;
  /** WebRTC connections that never opened (see ./links.ts for what the panel says about them). */
  failedLinks: number;
  /** A TURN relay is configured (Settings or the build). */
  turn: boolean;
  /** This browser can make WebRTC connections (some policies and browsers remove RTCPeerConnection). */
  webrtc: boolean;
  /** The blind relay the room also syncs through (./relay.ts), or null when none is configured. */
  relay: RelayStatus | null;
}

export interface RoomOptions {
  /** The awareness to share (normally `Presence.awareness`); default: a new one. */
  awareness?: Awareness;
  /** Signaling URLs; default: `signalingUrls()` (device setting, else the build default). */
  signaling?: string[];
  /** simple-peer options, e.g. `{ config: { iceServers: [] } }` on a machine without internet. */
  peerOpts?: Record<string, unknown>;
  /** Keep this browser's tabs on BroadcastChannel, off WebRTC (y-webrtc's default, true). */
  filterBcConns?: boolean;
  /** Longest wait for a first sync before the room counts as settled with nobody else there. Default 3000 ms. */
  settleMs?: number;
  /** The room's edit capability, imported (`openRoom` does it from the key's `cap`): peers must prove edit rights. */
  capability?: CapabilityKeys;
  /** The relay's URL (./relay.ts), null for none; default: `relayFor(key.relay)` (the link's, else the device's). */
  relay?: string | null;
}

/** The y-webrtc room name of a notebook room: prefixed so that rooms of other apps on a shared server never clash. */
export function roomTopic(room: string): string {
  return `anode/${room}`;
}

/** With no signaling reachable, tabs of this browser still answer over BroadcastChannel within this time. */
const ALONE_GRACE_MS = 400;
/**
 * After a first sync or a first remote presence, the other half (presence, or the sync messages sent beside it)
 * lands within this time.
 */
const AFTER_PEER_MS = 300;
/** Status is re-read this often: lib0's WebSocket client emits no event when a connection attempt fails. */
const POLL_MS = 500;

/** The part of lib0's WebsocketClient this module reads. */
interface SignalingConnLike {
  url: string;
  connected: boolean;
  unsuccessfulReconnects: number;
  on(name: string, f: () => void): void;
  off(name: string, f: () => void): void;
}

/** A notebook document connected to a y-webrtc room. Create with `openRoom`; `destroy` leaves the room. */
export class NotebookRoom {
  readonly provider: WebrtcProvider;
  readonly awareness: Awareness;
  readonly name: string;
  /** When the room key was derived and the room connected (PBKDF2 takes a moment): tabs answer from then on. */
  private connectedAt: number | null = null;
  private readonly listeners = new Set<(s: RoomStatus) => void>();
  private readonly settleMs: number;
  private last: RoomStatus | undefined;
  private settledFlag = false;
  private settleWaiters: Array<() => void> = [];
  private readonly timers: Array<ReturnType<typeof setTimeout>> = [];
  private readonly poll: ReturnType<typeof setInterval>;
  private readonly refresh = (): void => this.update();
  private readonly onSynced = ({ synced }: { synced: boolean }): void => {
    // Not at once: a peer may answer our sync request before its 'connect' handler has sent its presence, so
    // the document can arrive a moment before we know who is here (seen in Chromium, 1 time in ~20).
    if (synced && !this.settledFlag) this.timers.push(setTimeout(() => this.settle(), AFTER_PEER_MS));
    this.update();
  };
  private readonly onAwareness = ({ added }: { added: number[] }, origin: unknown): void => {
    this.update();
    if (this.settledFlag || origin === 'local' || !added.some((c) => c !== this.awareness.clientID)) return;
    this.timers.push(setTimeout(() => this.settle(), AFTER_PEER_MS));
  };
  private relayWasSynced = false;
  private readonly onRelayStatus = (): void => {
    const synced = this.relay?.status().synced ?? false;
    // Once per sync with the relay (a reconnect syncs again): then the peers' sealed presence lands shortly.
    if (synced && !this.relayWasSynced && !this.settledFlag) this.timers.push(setTimeout(() => this.settle(), AFTER_PEER_MS));
    this.relayWasSynced = synced;
    this.update();
  };
  private destroyed = false;
  private hadNetwork = false;
  private readonly healer: ReturnType<typeof startHealer>;
  private readonly turn: boolean;
  /**
   * Enforces edit rights (./edit-guard.ts) in a room whose links carry a capability; null in a room from a link
   * without one (from before view links: every holder edits).
   */
  readonly guard: EditGuard | null;
  /** The blind relay, when the room uses one. */
  readonly relay: RelayLink | null;
  private readonly webrtc: boolean;

  /**
   * `Provider` is y-webrtc's class, `RelayProvider` y-websocket's (when `opts.relay` is set), passed in because
   * `openRoom` loads them only when a room is joined.
   */
  constructor(doc: Y.Doc, key: RoomKey, opts: RoomOptions, Provider: typeof WebrtcProvider, RelayProvider?: typeof WebsocketProvider) {
    this.name = key.room;
    this.settleMs = opts.settleMs ?? 3000;
    const wrtc = framedWrtc();
    const ice = iceServers();
    this.turn = hasTurn(ice);
    // A page can lack WebRTC (policies and some browsers remove RTCPeerConnection). Outside a page (Node) y-webrtc
    // gets WebRTC from `peerOpts` (the runtime agent), or a test uses signaling alone.
    this.webrtc = wrtc !== null || typeof document === 'undefined';
    this.provider = new Provider(roomTopic(key.room), doc, {
      // Without WebRTC, signaling would only announce peers this browser cannot connect to (simple-peer throws):
      // the room keeps to its tabs and the relay.
      signaling: this.webrtc ? (opts.signaling ?? signalingUrls()) : [],
      password: key.secret,
      ...(opts.awareness ? { awareness: opts.awareness } : {}),
      ...(opts.filterBcConns !== undefined ? { filterBcConns: opts.filterBcConns } : {}),
      // Framed data channels, so updates over the browser's message cap arrive (./framed-rtc.ts).
      peerOpts: { ...(wrtc ? { wrtc } : {}), ...(ice ? { config: { iceServers: ice } } : {}), ...opts.peerOpts },
    });
    this.awareness = this.provider.awareness;
    this.guard = opts.capability ? new EditGuard(this.provider, roomTopic(key.room), opts.capability, this.awareness.clientID) : null;
    // y-webrtc's provider is typed loosely where the healer reads it (its room and sockets are `any`).
    this.healer = startHealer(this.provider as unknown as ProviderLike, this.refresh);
    this.relay =
      opts.relay && RelayProvider
        ? new RelayLink(doc, this.awareness, {
            url: opts.relay,
            room: key.room,
            secret: key.secret,
            capability: opts.capability ?? null,
            // y-webrtc applies what peers send with its room as the origin.
            fromMesh: (origin) => origin !== null && origin === this.provider.room,
            onStatus: this.onRelayStatus,
            Provider: RelayProvider,
          })
        : null;
    void this.provider.key.then(() => {
      this.connectedAt = Date.now();
      this.timers.push(setTimeout(this.refresh, ALONE_GRACE_MS));
    });
    this.provider.on('status', this.refresh);
    this.provider.on('peers', this.refresh);
    this.provider.on('synced', this.onSynced);
    this.awareness.on('change', this.onAwareness);
    for (const conn of this.conns()) {
      conn.on('connect', this.refresh);
      conn.on('disconnect', this.refresh);
    }
    this.timers.push(setTimeout(() => this.settle(), this.settleMs));
    globalThis.addEventListener?.('online', this.refresh);
    globalThis.addEventListener?.('offline', this.refresh);
    this.poll = setInterval(this.refresh, POLL_MS);
    this.last = this.compute();
  }

  private conns(): SignalingConnLike[] {
    // y-webrtc types this array as any[]; its elements are lib0 WebsocketClients (SignalingConn).
    return this.provider.signalingConns as SignalingConnLike[];
  }

  private compute(): RoomStatus {
    const conns = this.conns();
    const connected = conns.filter((c) => c.connected).map((c) => c.url);
    let signaling: SignalingState;
    if (conns.length === 0) signaling = 'none';
    else if (connected.length) signaling = 'connected';
    else if (conns.every((c) => c.unsuccessfulReconnects > 0)) signaling = 'unreachable';
    else signaling = 'connecting';
    const room = this.provider.room;
    let webrtcPeers = 0;
    room?.webrtcConns.forEach((c) => {
      if (c.connected) webrtcPeers++;
    });
    const bcPeers = room?.bcConns.size ?? 0;
    const relay = this.relay?.status() ?? null;
    const relayUp = relay?.state === 'connected';
    const online = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false;
    if (online && (connected.length || webrtcPeers || relayUp)) this.hadNetwork = true;
    const isolated = this.hadNetwork && (!online || (!connected.length && !webrtcPeers && !relayUp));
    const transport: Transport = webrtcPeers && bcPeers ? 'both' : webrtcPeers ? 'webrtc' : bcPeers ? 'broadcastchannel' : 'none';
    if (this.last?.isolated && !isolated) {
      // Back on the network, but the peers' presence has not arrived yet: the room settles again before any
      // decision is taken on what this peer sees (it still believes it is alone).
      this.settledFlag = false;
      this.timers.push(setTimeout(() => this.settle(), this.settleMs));
    }
    const graceOver = this.connectedAt !== null && Date.now() - this.connectedAt >= ALONE_GRACE_MS;
    const relayDown = !relay || relay.state === 'unreachable';
    if (!this.settledFlag && !this.hadNetwork && (signaling === 'unreachable' || signaling === 'none') && relayDown && graceOver) {
      // Opened offline: nobody can be found beyond this browser, whose tabs have had time to answer. Waiting
      // longer gains nothing; the notebook works alone (local-first).
      this.settledFlag = true;
    }
    return {
      signaling,
      signalingUrls: conns.map((c) => c.url),
      connectedSignaling: connected,
      webrtcPeers,
      bcPeers,
      transport,
      synced: room?.synced ?? false,
      // Connected to peers without knowing who they are yet (their presence is on its way): not settled.
      settled: this.settledFlag && !(webrtcPeers + bcPeers + (relay?.peers ?? 0) > 0 && this.awareness.getStates().size < 2),
      isolated,
      reconnecting: this.healer.state().lost > 0 && this.awareness.getStates().size - 1 > webrtcPeers + bcPeers,
      failedLinks: this.healer.state().failed,
      turn: this.turn,
      webrtc: this.webrtc,
      relay,
    };
  }

  private update(): void {
    if (this.destroyed) return;
    const next = this.compute();
    if (next.settled) this.flushSettled();
    if (JSON.stringify(next) === JSON.stringify(this.last)) return;
    this.last = next;
    for (const fn of [...this.listeners]) fn(next);
  }

  private settle(): void {
    if (this.destroyed) return;
    this.settledFlag = true;
    this.update();
  }

  private flushSettled(): void {
    const waiters = this.settleWaiters;
    this.settleWaiters = [];
    for (const w of waiters) w();
  }

  /** Whether this peer's changes reach the others (false: opened with a view link). */
  get canEdit(): boolean {
    return this.guard?.canEdit ?? true;
  }

  /** The current status. */
  status(): RoomStatus {
    return this.last ?? (this.last = this.compute());
  }

  /** How each WebRTC peer is reached right now (direct, relayed by TURN, connecting, failed). */
  async links(): Promise<PeerLink[]> {
    // y-webrtc types its connections as any; they are WebrtcConns around simple-peer.
    const conns = [...(this.provider.room?.webrtcConns.values() ?? [])] as ConnLike[];
    return Promise.all(conns.map(linkOf));
  }

  /** Calls `fn` with every new status. Returns an unsubscribe. */
  onStatus(fn: (s: RoomStatus) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Resolves once the room is settled (see `RoomStatus.settled`). Never rejects; never resolves after destroy. */
  whenSettled(): Promise<void> {
    if (this.status().settled) return Promise.resolve();
    return new Promise((resolve) => this.settleWaiters.push(resolve));
  }

  /**
   * Leaves the room: peers see this one leave at once; the document and awareness stay usable locally.
   * Safe to call twice.
   */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    clearInterval(this.poll);
    this.healer.stop();
    this.guard?.destroy();
    this.relay?.destroy();
    globalThis.removeEventListener?.('online', this.refresh);
    globalThis.removeEventListener?.('offline', this.refresh);
    for (const t of this.timers) clearTimeout(t);
    for (const conn of this.conns()) {
      conn.off('connect', this.refresh);
      conn.off('disconnect', this.refresh);
    }
    this.awareness.off('change', this.onAwareness);
    this.provider.off('status', this.refresh);
    this.provider.off('peers', this.refresh);
    this.provider.off('synced', this.onSynced);
    this.listeners.clear();
    this.settleWaiters = [];
    // y-webrtc withdraws the local presence when it leaves (so peers see us go at once), now or once its key is
    // derived; the notebook is still open here, so that presence is put back for local use (the lone tab's own
    // election). Only y-webrtc's withdrawal (origin 'disconnect') is undone, never the owner's own.
    const own = this.awareness.clientID;
    let local = this.awareness.getLocalState();
    const restore = ({ removed }: { removed: number[] }, origin: unknown): void => {
      const state = local;
      if (origin !== 'disconnect' || !state || !removed.includes(own)) return;
      // After y-webrtc has finished leaving (it still listens until then, and would re-announce us).
      queueMicrotask(() => {
        if (this.awareness.getLocalState() === null) this.awareness.setLocalState(state);
      });
    };
    this.awareness.on('change', restore);
    // disconnect() first: y-webrtc's destroy() alone leaves its signaling sockets reconnecting forever.
    this.provider.disconnect();
    this.provider.destroy();
    // y-webrtc's destroy() leaves the room in a callback on the key: stop restoring after that one has run.
    void this.provider.key.then(() => {
      this.awareness.off('change', restore);
      local = null;
    });
  }
}

/**
 * Joins a notebook's room, loading y-webrtc on first use: most notebooks are never shared, so the app shell
 * goes without it. Throws if this document (or another with the same room) is already in it in this tab:
 * y-webrtc allows one per room.
 */
export async function openRoom(doc: Y.Doc, key: RoomKey, opts: RoomOptions = {}): Promise<NotebookRoom> {
  const { WebrtcProvider } = await import('y-webrtc');
  // The room's own relay (from its link) first: everyone with the link meets there with no setting.
  const relay = opts.relay === undefined ? relayFor(key.relay) : opts.relay;
  const RelayProvider = relay ? (await import('y-websocket')).WebsocketProvider : undefined;
  const cap = key.cap ? decodeCapability(key.cap) : null;
  const capability = opts.capability ?? (cap ? await importCapability(cap) : undefined);
  return new NotebookRoom(doc, key, { ...opts, relay, ...(capability ? { capability } : {}) }, WebrtcProvider, RelayProvider);
}
