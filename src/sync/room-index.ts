/**
 * Share links, and this device's memory of which notebook is shared in which room.
 *
 * A link is `<app>#/r/<room>/<secret>`. The room is the notebook's id, so a peer opening a link knows which
 * local (IndexedDB) document to open before anything syncs and never creates a second copy. The secret is
 * y-webrtc's password: it derives the AES key that encrypts every signaling and BroadcastChannel message, so
 * the signaling server sees only the room name and ciphertext. It lives in the URL fragment, which browsers
 * never send to a server, and on this device in localStorage; never in the notebook document.
 */
import { defaultStore, type SettingsStore } from './settings';

/** A room and the secret that opens it. */
export interface RoomKey {
  room: string;
  secret: string;
}

export interface ShareLink extends RoomKey {
  url: string;
}

const ROOM_RE = /^[A-Za-z0-9_-]{1,64}$/;
const SECRET_RE = /^[A-Za-z0-9_-]{16,128}$/;
const ROOMS_KEY = 'anode.rooms';

/** Whether `s` can be a room name (a notebook id) in a link. */
export function isRoomName(s: unknown): s is string {
  return typeof s === 'string' && ROOM_RE.test(s);
}

/** A new room secret: 128 random bits, base64url (22 characters). */
export function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The app's own address without its fragment: where links point. */
function appBase(): string {
  const loc = (globalThis as { location?: Location }).location;
  return loc ? `${loc.origin}${loc.pathname}${loc.search}` : '';
}

/** The fragment of a share link: `#/r/<room>/<secret>`. */
export function shareHash(key: RoomKey): string {
  return `#/r/${key.room}/${key.secret}`;
}

/**
 * A share link for a notebook: a new secret unless `secret` is given (re-sharing an already shared notebook
 * should pass the remembered one: see `shareLinkFor`). `base` defaults to this page's address.
 */
export function createShareLink(notebookId: string, opts: { secret?: string; base?: string } = {}): ShareLink {
  if (!isRoomName(notebookId)) throw new Error(`Cannot share notebook id ${JSON.stringify(notebookId)}`);
  const secret = opts.secret ?? newSecret();
  if (!SECRET_RE.test(secret)) throw new Error('Room secret must be 16-128 base64url characters');
  const key = { room: notebookId, secret };
  return { ...key, url: `${opts.base ?? appBase()}${shareHash(key)}` };
}

/**
 * The room and secret in a share link, given its fragment (`#/r/room/secret`, with or without `#`) or the
 * whole URL; null when it is not a share link or is malformed (a truncated paste).
 */
export function parseShareLink(link: string): RoomKey | null {
  const at = link.indexOf('#');
  const hash = at >= 0 ? link.slice(at + 1) : link;
  const m = /^\/?r\/([^/?#]+)\/([^/?#]+)\/?$/.exec(hash.trim());
  if (!m) return null;
  let room: string;
  let secret: string;
  try {
    room = decodeURIComponent(m[1]!);
    secret = decodeURIComponent(m[2]!);
  } catch {
    return null;
  }
  return isRoomName(room) && SECRET_RE.test(secret) ? { room, secret } : null;
}

function readRooms(store: SettingsStore): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(store.getItem(ROOMS_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const out: Record<string, string> = {};
    for (const [room, secret] of Object.entries(parsed)) {
      if (isRoomName(room) && typeof secret === 'string' && SECRET_RE.test(secret)) out[room] = secret;
    }
    return out;
  } catch {
    return {};
  }
}

function writeRooms(rooms: Record<string, string>, store: SettingsStore): void {
  try {
    store.setItem(ROOMS_KEY, JSON.stringify(rooms));
  } catch {
    // Not remembered: the user can open the link again.
  }
}

/** The room this device knows a notebook is shared in, or null (a private notebook). */
export function roomOf(notebookId: string, store: SettingsStore = defaultStore()): RoomKey | null {
  const secret = readRooms(store)[notebookId];
  return secret ? { room: notebookId, secret } : null;
}

/** Remembers a room (after sharing, or after opening a link) so the notebook rejoins it when reopened. */
export function rememberRoom(key: RoomKey, store: SettingsStore = defaultStore()): void {
  if (!isRoomName(key.room) || !SECRET_RE.test(key.secret)) return;
  writeRooms({ ...readRooms(store), [key.room]: key.secret }, store);
}

/** Forgets a notebook's room: it stops syncing with the others next time it opens (e.g. "Stop sharing"). */
export function forgetRoom(notebookId: string, store: SettingsStore = defaultStore()): void {
  const rooms = readRooms(store);
  delete rooms[notebookId];
  writeRooms(rooms, store);
}

/** The share link of a notebook: the remembered room when shared before, else a new one (remembered). */
export function shareLinkFor(notebookId: string, opts: { base?: string; store?: SettingsStore } = {}): ShareLink {
  const store = opts.store ?? defaultStore();
  const known = roomOf(notebookId, store);
  const link = createShareLink(notebookId, { ...(known ? { secret: known.secret } : {}), ...(opts.base !== undefined ? { base: opts.base } : {}) });
  if (!known) rememberRoom(link, store);
  return link;
}
