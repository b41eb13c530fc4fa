/**
 * Share links, and this device's memory of which notebook is shared in which room.
 *
 * A link is `<app>#/r/<room>/<secret>/<capability>[?relay=<url>]`: the capability is the room's edit key (an edit link) or
 * only its public half (a view link), see ./edit-auth.ts; links from before view links have none (everyone
 * edits). The room is the notebook's id, so a peer opening a link knows which
 * local (IndexedDB) document to open before anything syncs and never creates a second copy. The secret is
 * y-webrtc's password: it derives the AES key that encrypts every signaling and BroadcastChannel message, so
 * the signaling server sees only the room name and ciphertext. It lives in the URL fragment, which browsers
 * never send to a server, and on this device in localStorage; never in the notebook document. `relay`: the blind
 * relay the room also syncs through (./relay.ts), so that everyone opening the link uses it with no setting.
 */
import { defaultStore, parseRelayUrl, relayUrl, type SettingsStore } from './settings';
import { decodeCapability, encodeCapability, newEditCapability, toBase64Url, viewCapability } from './edit-auth';

/** A room and the secret that opens it. */
export interface RoomKey {
  room: string;
  secret: string;
  /** The edit or view capability (./edit-auth.ts `encodeCapability`); absent in rooms from before view links. */
  cap?: string;
  /** The relay (a ws:// or wss:// URL) the room syncs through besides the mesh; absent: the device's own setting. */
  relay?: string;
}

export interface ShareLink extends RoomKey {
  url: string;
}

const ROOM_RE = /^[A-Za-z0-9_-]{1,64}$/;
const SECRET_RE = /^[A-Za-z0-9_-]{16,128}$/;
const CAP_RE = /^[ev][A-Za-z0-9_-]{40,200}$/;
const ROOMS_KEY = 'anode.rooms';

/** Whether `s` can be a room name (a notebook id) in a link. */
export function isRoomName(s: unknown): s is string {
  return typeof s === 'string' && ROOM_RE.test(s);
}

/** A new room secret: 128 random bits, base64url (22 characters). */
export function newSecret(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/** The app's own address without its fragment: where links point. */
function appBase(): string {
  const loc = (globalThis as { location?: Location }).location;
  return loc ? `${loc.origin}${loc.pathname}${loc.search}` : '';
}

/** The fragment of a share link: `#/r/<room>/<secret>[/<capability>][?relay=<url>]`. */
export function shareHash(key: RoomKey): string {
  return `#/r/${key.room}/${key.secret}${key.cap ? `/${key.cap}` : ''}${key.relay ? `?relay=${encodeURIComponent(key.relay)}` : ''}`;
}

/** Whether a room key lets its holder edit (a view link does not). */
export function canEditWith(key: RoomKey): boolean {
  return !key.cap || key.cap.startsWith('e');
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
  const m = /^\/?r\/([^/?#]+)\/([^/?#]+)(?:\/([^/?#]+))?\/?(?:\?([^#]*))?$/.exec(hash.trim());
  if (!m) return null;
  // A relay that is no ws(s) URL is ignored, not fatal: the room still opens over the mesh.
  const relay = m[4] !== undefined ? parseRelayUrl(new URLSearchParams(m[4]).get('relay') ?? '') : null;
  const extra = relay ? { relay } : {};
  let room: string;
  let secret: string;
  try {
    room = decodeURIComponent(m[1]!);
    secret = decodeURIComponent(m[2]!);
  } catch {
    return null;
  }
  if (!isRoomName(room) || !SECRET_RE.test(secret)) return null;
  const cap = m[3];
  if (cap === undefined) return { room, secret, ...extra };
  return CAP_RE.test(cap) && decodeCapability(cap) ? { room, secret, cap, ...extra } : null;
}

/** What this device remembers of a room: its secret (rooms from before view links), or secret and capability. */
type Remembered = string | { secret: string; cap: string; relay?: string };

function validRemembered(v: unknown): v is Remembered {
  if (typeof v === 'string') return SECRET_RE.test(v);
  const r = v as { secret?: unknown; cap?: unknown; relay?: unknown } | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.secret === 'string' &&
    SECRET_RE.test(r.secret) &&
    typeof r.cap === 'string' &&
    CAP_RE.test(r.cap) &&
    (r.relay === undefined || (typeof r.relay === 'string' && parseRelayUrl(r.relay) === r.relay))
  );
}

function readRooms(store: SettingsStore): Record<string, Remembered> {
  try {
    const parsed: unknown = JSON.parse(store.getItem(ROOMS_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    const out: Record<string, Remembered> = {};
    for (const [room, v] of Object.entries(parsed)) {
      if (isRoomName(room) && validRemembered(v)) out[room] = v;
    }
    return out;
  } catch {
    return {};
  }
}

function writeRooms(rooms: Record<string, Remembered>, store: SettingsStore): void {
  try {
    store.setItem(ROOMS_KEY, JSON.stringify(rooms));
  } catch {
    // Not remembered: the user can open the link again.
  }
}

/** The room this device knows a notebook is shared in, or null (a private notebook). */
export function roomOf(notebookId: string, store: SettingsStore = defaultStore()): RoomKey | null {
  const known = readRooms(store)[notebookId];
  if (!known) return null;
  return typeof known === 'string' ? { room: notebookId, secret: known } : { room: notebookId, ...known };
}

/** Remembers a room (after sharing, or after opening a link) so the notebook rejoins it when reopened. */
export function rememberRoom(key: RoomKey, store: SettingsStore = defaultStore()): void {
  if (!isRoomName(key.room) || !SECRET_RE.test(key.secret) || (key.cap !== undefined && !CAP_RE.test(key.cap))) return;
  const relay = key.relay ? parseRelayUrl(key.relay) : null;
  const entry: Remembered = key.cap ? { secret: key.secret, cap: key.cap, ...(relay ? { relay } : {}) } : key.secret;
  writeRooms({ ...readRooms(store), [key.room]: entry }, store);
}

/**
 * Remembers the room of a link just opened. A view link of a room this device holds the edit key of (same
 * secret, same public key) keeps the edit key: opening the link one shared never takes one's own rights away.
 */
export function rememberLink(key: RoomKey, store: SettingsStore = defaultStore()): void {
  const known = roomOf(key.room, store);
  const knownCap = known?.cap ? decodeCapability(known.cap) : null;
  const cap = key.cap ? decodeCapability(key.cap) : null;
  const same = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
  const downgrade = known?.secret === key.secret && knownCap?.kind === 'edit' && cap?.kind === 'view' && same(knownCap.x, cap.x) && same(knownCap.y, cap.y);
  if (!downgrade) rememberRoom(key, store);
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

/** A notebook's two links: "can edit" (the edit key) and "can view" (its public half). */
export interface ShareLinks {
  edit: ShareLink;
  view: ShareLink;
}

/**
 * The edit and view links of a notebook this device can edit: the remembered room's, with a new edit key if it
 * has none yet (a room from before view links: its old links then only read), else a new room (remembered).
 * Null when this device holds only a view link: it has no edit link to give.
 */
export async function shareLinksFor(notebookId: string, opts: { base?: string; store?: SettingsStore } = {}): Promise<ShareLinks | null> {
  const store = opts.store ?? defaultStore();
  const known = roomOf(notebookId, store);
  if (known && !canEditWith(known)) return null;
  let key = known;
  // The device's relay goes into the links, so that everyone who opens them syncs through it too.
  const relay = known?.relay ?? relayUrl(store);
  if (!key?.cap || (relay && !key.relay)) {
    const cap = key?.cap ?? encodeCapability(await newEditCapability());
    key = { room: notebookId, secret: known?.secret ?? newSecret(), cap, ...(relay ? { relay } : {}) };
    rememberRoom(key, store);
  }
  return linksOf(key, opts.base);
}

/** The relay a notebook's room keeps across link rotation (new secrets, same room), as this device remembers it. */
function keptRelay(notebookId: string, store: SettingsStore): { relay?: string } {
  const relay = roomOf(notebookId, store)?.relay;
  return relay ? { relay } : {};
}

/**
 * New secrets for a notebook's room (link rotation): a new password and a new edit key, the same relay; not
 * remembered yet.
 */
export async function newRoomKey(notebookId: string, store: SettingsStore = defaultStore()): Promise<RoomKey> {
  return { room: notebookId, secret: newSecret(), cap: encodeCapability(await newEditCapability()), ...keptRelay(notebookId, store) };
}

/**
 * The room key made of rotated secrets received from a peer (with the room's relay, which rotation keeps), or null
 * when they are not an edit link's.
 */
export function rotatedKey(room: string, secret: string, cap: string, store: SettingsStore = defaultStore()): RoomKey | null {
  const key = parseShareLink(shareHash({ room, secret, cap, ...keptRelay(room, store) }));
  return key?.cap && canEditWith(key) ? key : null;
}

/** The edit and view links of a room this device holds the edit key of. */
export function linksOf(key: RoomKey, base = appBase()): ShareLinks {
  const cap = key.cap ? decodeCapability(key.cap) : null;
  if (!cap || cap.kind !== 'edit') throw new Error('Only an edit link can give links');
  const view = { ...key, cap: encodeCapability(viewCapability(cap)) };
  return { edit: { ...key, url: `${base}${shareHash(key)}` }, view: { ...view, url: `${base}${shareHash(view)}` } };
}
