import type { Page } from '@playwright/test';

export { CHROMIUM_ARGS } from '../chromium-args.mjs';

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number>;
/** The blind relay (@y/websocket-server at /relay) on `port`. */
export function startRelay(port: number): Promise<{ url: string; stop(): void }>;
/** y-webrtc's own signaling server on `port`. */
export function startSignaling(port: number): Promise<{ url: string; stop(): void }>;

export interface CollabHarness {
  pageUrl: string;
  signalingUrl: string;
  relayUrl: string;
  stopSignaling(): void;
  close(): Promise<void>;
}

/** The signaling server, the relay and the harness page (see collab-harness.mjs). */
export function startCollabHarness(): Promise<CollabHarness>;

export interface JoinOptions {
  room: string;
  secret: string;
  signalingUrl: string;
  create?: boolean;
  name?: string;
  settleMs?: number;
  failover?: boolean;
  cells?: string[];
  relay?: string | null;
  webrtc?: boolean;
  cap?: string | null;
}

/** Opens (or creates) the notebook `room` in a harness page and joins its room: `window.s` (see collab-harness.mjs). */
export function joinRoom(page: Page, opts: JoinOptions): Promise<void>;

/** What a harness page exposes as `window.s` and `window.anode`, for specs to read in `page.evaluate`. */
export interface HarnessWindow {
  s: {
    doc: import('yjs').Doc;
    presence: import('../../src/sync/awareness').Presence;
    room: import('../../src/sync/room').NotebookRoom;
    election: import('../../src/sync/handover').ExecutorElection;
    events: Array<{ type: string; at: number; from: unknown }>;
    /** With `failover`: the runs this page's executor executed, as [run id, peer name]. */
    executed: Array<[string, string]>;
    /** With `failover`: set to let a running `hold` cell finish. */
    release: boolean;
  };
  anode: {
    Y: typeof import('yjs');
    model: typeof import('../../src/model');
    sync: typeof import('../../src/sync/room') & typeof import('../../src/sync/election') & typeof import('../../src/sync/handover');
  };
}
