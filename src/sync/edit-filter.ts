/**
 * What a peer accepts from a connection, by what that connection proved (./edit-auth.ts): y-webrtc's data channel
 * messages, judged before y-webrtc reads them (./edit-guard.ts). Pure: bytes in, bytes (or nothing) out.
 *
 * - From an editor: everything.
 * - From a viewer: questions (sync step 1, "who is here?"), whose answers carry the document to it, and its own
 *   presence only, with the fields that would make it executor stripped (an executor must write outputs, which
 *   nobody would accept). Its document writes are dropped: an update never applies, and its sync step 2 is
 *   replaced by an empty one, so y-webrtc still counts the connection as synced and waits for nothing.
 * - Not proved yet: questions pass; everything else waits for the verdict (`'wait'`).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** y-webrtc's message types on a data channel, and y-protocols' sync message types. */
const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
/** A Yjs (v1) update with no structs and no deletions. */
const EMPTY_UPDATE = new Uint8Array([0, 0]);

export type Trust = 'pending' | 'editor' | 'viewer';

/** What to do with one message: pass these bytes on to y-webrtc, drop it, or hold it until the verdict. */
export type Judgement = Uint8Array | 'drop' | 'wait';

/**
 * The presence fields a viewer may not claim: offering to run code, executing a session, publishing variables, and
 * answering a password prompt (src/kernel/secret-input.ts seals those answers into the answerer's presence).
 */
function sanitizeViewerState(json: string): string {
  if (json === 'null') return json;
  try {
    const state: unknown = JSON.parse(json);
    if (typeof state !== 'object' || state === null || Array.isArray(state)) return 'null';
    return JSON.stringify({ ...state, offersExecution: false, executes: null, variables: null, sealedInput: null, viewer: true });
  } catch {
    return 'null';
  }
}

/** An awareness update reduced to `client`'s own entry, sanitized; null when it carries nothing of it. */
export function viewerAwareness(update: Uint8Array, client: number): Uint8Array | null {
  const decoder = decoding.createDecoder(update);
  const out = encoding.createEncoder();
  const n = decoding.readVarUint(decoder);
  const kept: Array<[number, number, string]> = [];
  for (let i = 0; i < n; i++) {
    const id = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const state = decoding.readVarString(decoder);
    // Only its own: a viewer relaying (or inventing) others' presence could speak for an editor.
    if (id === client) kept.push([id, clock, sanitizeViewerState(state)]);
  }
  if (!kept.length) return null;
  encoding.writeVarUint(out, kept.length);
  for (const [id, clock, state] of kept) {
    encoding.writeVarUint(out, id);
    encoding.writeVarUint(out, clock);
    encoding.writeVarString(out, state);
  }
  return encoding.toUint8Array(out);
}

/**
 * Judges one y-webrtc message from a connection. `client`: the Yjs client id the connection declared (its
 * presence), or null if unknown. Malformed messages are dropped (y-webrtc would throw on them).
 */
export function judge(message: Uint8Array, trust: Trust, client: number | null): Judgement {
  if (trust === 'editor') return message;
  try {
    const decoder = decoding.createDecoder(message);
    const type = decoding.readVarUint(decoder);
    if (type === MESSAGE_QUERY_AWARENESS) return message;
    if (type === MESSAGE_SYNC) {
      const sub = decoding.readVarUint(decoder);
      if (sub === SYNC_STEP1) return message;
      if (trust === 'pending') return 'wait';
      if (sub !== SYNC_STEP2) return 'drop';
      const out = encoding.createEncoder();
      encoding.writeVarUint(out, MESSAGE_SYNC);
      encoding.writeVarUint(out, SYNC_STEP2);
      encoding.writeVarUint8Array(out, EMPTY_UPDATE);
      return encoding.toUint8Array(out);
    }
    if (type === MESSAGE_AWARENESS) {
      if (trust === 'pending') return 'wait';
      const own = client === null ? null : viewerAwareness(decoding.readVarUint8Array(decoder), client);
      if (!own) return 'drop';
      const out = encoding.createEncoder();
      encoding.writeVarUint(out, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(out, own);
      return encoding.toUint8Array(out);
    }
    // Anything else (y-webrtc's BroadcastChannel peer ids never come over WebRTC): not from a viewer.
    return trust === 'pending' ? 'wait' : 'drop';
  } catch {
    return 'drop';
  }
}
