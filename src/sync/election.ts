/**
 * Executor election: which peer's browser runs the notebook's code. A pure function of what every peer can see
 * (awareness states, and the executor the document records), so every peer computes the same answer without
 * exchanging a message.
 *
 * The rule, in order:
 * 1. Stability: the executor the document records keeps the role while it is present and eligible, whoever
 *    else comes and goes, so a flapping peer never bounces the role (and Python state is never lost for
 *    nothing). Only if its own presence announces the recorded session too: any peer can write the document, so a
 *    record alone (a tampered client writing itself in) moves nothing.
 *    One exception: a runtime agent with a ready kernel (src/runtime: a machine its owner started to serve the room)
 *    outranks a recorded browser, which then steps down; a recorded runtime keeps the role like anyone.
 * 2. Otherwise the most senior eligible peer: a runtime agent with a ready kernel first, then a ready kernel (it can
 *    take the queue at once), then the earliest `joinedAt`, then the lowest client id. Client ids are unique in a
 *    room, so the order is total.
 *
 * Eligible: a valid presence of this version, offering to execute, kernel not failed, and not silent: a peer not
 * heard for longer than the takeover threshold (src/sync/failover.ts) is treated as gone, stability included.
 */
import type * as Y from 'yjs';
import { readKernel, readTenure } from '../model';
import { PRESENCE_VERSION, readPeer, type PeerPresence } from './awareness';

/** Whether a peer may be elected. */
export function isEligible(peer: PeerPresence | null): peer is PeerPresence {
  return peer !== null && peer.v === PRESENCE_VERSION && peer.offersExecution && peer.kernel !== 'failed';
}

/** A runtime agent whose kernel can take the queue now: preferred over any browser (see the rule above). */
function readyRuntime(peer: PeerPresence): boolean {
  return peer.runtime === true && peer.kernel === 'ready';
}

/** Negative when `a` should be preferred over `b` as a new executor. */
function compareCandidates(a: [number, PeerPresence], b: [number, PeerPresence]): number {
  const runtimeA = readyRuntime(a[1]) ? 0 : 1;
  const runtimeB = readyRuntime(b[1]) ? 0 : 1;
  if (runtimeA !== runtimeB) return runtimeA - runtimeB;
  const readyA = a[1].kernel === 'ready' ? 0 : 1;
  const readyB = b[1].kernel === 'ready' ? 0 : 1;
  if (readyA !== readyB) return readyA - readyB;
  if (a[1].joinedAt !== b[1].joinedAt) return a[1].joinedAt < b[1].joinedAt ? -1 : 1;
  return a[0] - b[0];
}

/**
 * The client id of the peer that should execute, or null when no present peer can (everyone opted out, or
 * every kernel failed): then runs wait in the queue.
 *
 * @param states awareness states by client id (`awareness.getStates()`), the local one included; any values.
 * @param recorded the executor the document records for the current session (client id and session), or null.
 */
export function electExecutor(
  states: ReadonlyMap<number, unknown>,
  recorded: RecordedExecutor | null,
  alive: (client: number) => boolean = () => true,
): number | null {
  let best: [number, PeerPresence] | null = null;
  states.forEach((state, client) => {
    // Client ids are uint32 in Yjs; anything else in the key is not a peer.
    if (!Number.isInteger(client) || client < 0 || !alive(client)) return;
    const peer = readPeer(state);
    if (!isEligible(peer)) return;
    const cand: [number, PeerPresence] = [client, peer];
    if (best === null || compareCandidates(cand, best) < 0) best = cand;
  });
  const winner = best as [number, PeerPresence] | null;
  if (recorded !== null && alive(recorded.client)) {
    const peer = readPeer(states.get(recorded.client));
    const outranked = winner !== null && readyRuntime(winner[1]) && peer?.runtime !== true;
    if (isEligible(peer) && confirmsRecord(peer, recorded) && !outranked) return recorded.client;
  }
  return winner === null ? null : winner[0];
}

/** The executor a document records: who, for which kernel session and tenure. */
export interface RecordedExecutor {
  client: number;
  sessionId: string;
  /** The tenure (model/handover.ts), which outlives kernel restarts; null in documents from before tenures. */
  tenure?: string | null;
}

/** Whether a peer's own presence announces the recorded tenure (or session): only then does the record count. */
export function confirmsRecord(peer: PeerPresence, recorded: RecordedExecutor): boolean {
  return peer.executes !== null && (peer.executes === recorded.sessionId || peer.executes === recorded.tenure);
}

/** The executor the document records for the current kernel session, or null. */
export function recordedSession(doc: Y.Doc): RecordedExecutor | null {
  const kernel = readKernel(doc);
  // readKernel trusts the executor's shape; a hostile peer could have written anything there.
  const client: unknown = (kernel?.executor as { client?: unknown } | undefined)?.client;
  const sessionId: unknown = kernel?.sessionId;
  const tenure = readTenure(doc).id;
  return typeof client === 'number' && Number.isInteger(client) && typeof sessionId === 'string' ? { client, sessionId, tenure } : null;
}

/** The client id of the executor the document records for the current kernel session, or null. */
export function recordedExecutor(doc: Y.Doc): number | null {
  return recordedSession(doc)?.client ?? null;
}
