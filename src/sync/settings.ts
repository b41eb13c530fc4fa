/**
 * Collaboration settings private to this device: signaling servers, the user's name and colour, whether this
 * machine offers to run other people's code. They live in localStorage, never in a notebook document.
 */

/** The part of `Storage` these settings use, so tests (and private-mode browsers) can supply their own. */
export type SettingsStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** localStorage keys, exported so tests and e2e helpers write exactly what the app reads. */
export const SETTINGS_KEYS = {
  signaling: 'anode.signaling',
  user: 'anode.user',
  offersExecution: 'anode.offersExecution',
  iceServers: 'anode.iceServers',
  relay: 'anode.relay',
} as const;

const memory = new Map<string, string>();
/** Used where localStorage is missing (Node, workers) or throws (some private modes): settings last the session. */
const memoryStore: SettingsStore = {
  getItem: (k) => memory.get(k) ?? null,
  setItem: (k, v) => void memory.set(k, v),
  removeItem: (k) => void memory.delete(k),
};

/** This device's store: localStorage when usable, else an in-memory one. */
export function defaultStore(): SettingsStore {
  try {
    const ls = (globalThis as { localStorage?: Storage }).localStorage;
    if (ls) {
      ls.getItem(SETTINGS_KEYS.signaling);
      return ls;
    }
  } catch {
    // Access denied (e.g. storage disabled): fall through to memory.
  }
  return memoryStore;
}

export function read(store: SettingsStore, key: string): string | null {
  try {
    return store.getItem(key);
  } catch {
    return null;
  }
}

export function write(store: SettingsStore, key: string, value: string | null): void {
  try {
    if (value === null) store.removeItem(key);
    else store.setItem(key, value);
  } catch {
    // Quota or privacy mode: the setting simply is not remembered; the app keeps working.
  }
}

/**
 * Parses a list of signaling URLs: comma- or whitespace-separated, or a JSON array. Only ws:// and wss:// URLs
 * are kept (y-webrtc's signaling speaks WebSocket); duplicates are dropped, order kept.
 */
export function parseSignalingUrls(text: string): string[] {
  let items: unknown[];
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      items = Array.isArray(parsed) ? parsed : [];
    } catch {
      items = [];
    }
  } else {
    items = trimmed.split(/[\s,]+/);
  }
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string' || !item) continue;
    try {
      const url = new URL(item);
      if ((url.protocol === 'ws:' || url.protocol === 'wss:') && !out.includes(item)) out.push(item);
    } catch {
      // Not a URL: ignored rather than breaking every room.
    }
  }
  return out;
}

/**
 * The signaling endpoint on the app's own origin: `signal` beside the app (`ws://host:port/sub/path/signal`), as
 * `npm start` serves it. Null where there is no page (Node).
 */
export function sameOriginSignalingUrl(base: string | undefined = appBase()): string | null {
  if (!base) return null;
  const url = new URL('signal', base);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  return url.href;
}

/** The folder the app is served from (the page's URL without its route), or undefined outside a page. */
function appBase(): string | undefined {
  const href = (globalThis as { location?: { href?: string } }).location?.href;
  return href ? new URL('./', href.replace(/[?#].*$/, '')).href : undefined;
}

/**
 * The build's default signaling URLs: `ANODE_SIGNALING_URLS` at build time, else the app's own origin (see
 * {@link sameOriginSignalingUrl}; where no server answers there, the room says signaling is unreachable and the
 * notebook works alone).
 */
export function defaultSignalingUrls(): string[] {
  // Guarded: the constant exists only where Vite's `define` ran (the app and Vitest), not in plain Node scripts.
  const built = typeof __DEFAULT_SIGNALING__ === 'string' ? parseSignalingUrls(__DEFAULT_SIGNALING__) : [];
  if (built.length) return built;
  const own = sameOriginSignalingUrl();
  return own ? [own] : [];
}

/**
 * The signaling URLs to use: the device setting `anode.signaling` when set (an empty list there means "no
 * signaling": this device only syncs between its own tabs), else the build default.
 */
export function signalingUrls(store: SettingsStore = defaultStore()): string[] {
  const own = read(store, SETTINGS_KEYS.signaling);
  return own === null ? defaultSignalingUrls() : parseSignalingUrls(own);
}

/** A relay URL as typed: a ws:// or wss:// URL without query or fragment (y-websocket appends the room), else null. */
export function parseRelayUrl(text: string): string | null {
  const t = text.trim();
  if (!t) return null;
  try {
    const url = new URL(t);
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') return null;
    url.search = '';
    url.hash = '';
    return url.href.replace(/\/+$/, '');
  } catch {
    return null;
  }
}

/**
 * The relay (./relay.ts) rooms sync through besides the mesh: the device setting `anode.relay` when set (empty
 * there means "no relay"), else `ANODE_RELAY_URL` at build time, else none. A relay is opt-in: the mesh alone
 * needs no server beyond signaling.
 */
export function relayUrl(store: SettingsStore = defaultStore()): string | null {
  const own = read(store, SETTINGS_KEYS.relay);
  return own !== null ? parseRelayUrl(own) : defaultRelayUrl();
}

/**
 * The relay a room syncs through: none when this device said "no relay" (an empty setting: a link cannot make it
 * connect to a server of the link's choosing), else the room's own from its link, else `relayUrl()`.
 */
export function relayFor(linkRelay: string | undefined, store: SettingsStore = defaultStore()): string | null {
  if (neverRelay(store)) return null;
  return linkRelay ?? relayUrl(store);
}

/** This device said "never sync through a relay" (saved as an empty relay, `setRelayUrl('')`). */
export function neverRelay(store: SettingsStore = defaultStore()): boolean {
  return read(store, SETTINGS_KEYS.relay) === '';
}

/** The build's relay: `ANODE_RELAY_URL` at build time, else none. */
export function defaultRelayUrl(): string | null {
  // Guarded: the constant exists only where Vite's `define` ran (the app and Vitest), not in plain Node scripts.
  return typeof __DEFAULT_RELAY__ === 'string' ? parseRelayUrl(__DEFAULT_RELAY__) : null;
}

/** Saves the device's relay URL ('' for none); `null` goes back to the build default. */
export function setRelayUrl(url: string | null, store: SettingsStore = defaultStore()): void {
  write(store, SETTINGS_KEYS.relay, url);
}

/** Saves the device's signaling URLs; `null` goes back to the build default. */
export function setSignalingUrls(urls: string[] | null, store: SettingsStore = defaultStore()): void {
  write(store, SETTINGS_KEYS.signaling, urls === null ? null : urls.join(','));
}

/** Who the user is to the others in a room. */
export interface UserIdentity {
  name: string;
  /** A CSS colour, `#rrggbb`. */
  color: string;
}

/** Distinct, readable on white and dark backgrounds. */
export const USER_COLORS = [
  '#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#46b5d1', '#f032e6', '#9a6324',
  '#008080', '#800000', '#808000', '#000075',
] as const;

const NAMES = ['Otter', 'Heron', 'Lynx', 'Marten', 'Ibis', 'Gecko', 'Puffin', 'Badger', 'Newt', 'Wren', 'Stoat', 'Tern'];

function randomIndex(n: number): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]! % n;
}

/** A fresh identity for a device that has none yet ("Guest Otter", a palette colour). */
export function randomIdentity(): UserIdentity {
  return { name: `Guest ${NAMES[randomIndex(NAMES.length)]}`, color: USER_COLORS[randomIndex(USER_COLORS.length)]! };
}

/** Longest accepted name: longer ones are cut so a peer cannot flood every avatar and cursor label. */
export const MAX_NAME_LENGTH = 40;

/** A name as shown to others: trimmed, control characters removed, capped; null when nothing is left. */
export function cleanName(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, MAX_NAME_LENGTH);
  return clean || null;
}

/** A colour as `#rrggbb` (lower case), or null for anything else (CSS injection, named colours, garbage). */
export function cleanColor(color: unknown): string | null {
  if (typeof color !== 'string') return null;
  const m = /^#([0-9a-f]{6})$/i.exec(color.trim());
  return m ? `#${m[1]!.toLowerCase()}` : null;
}

/** The user's identity on this device, created (and remembered) on first use. */
export function loadIdentity(store: SettingsStore = defaultStore()): UserIdentity {
  const raw = read(store, SETTINGS_KEYS.user);
  if (raw !== null) {
    try {
      const o = JSON.parse(raw) as { name?: unknown; color?: unknown };
      const name = cleanName(o.name);
      const color = cleanColor(o.color);
      if (name && color) return { name, color };
    } catch {
      // Corrupt setting: replaced below.
    }
  }
  const fresh = randomIdentity();
  saveIdentity(fresh, store);
  return fresh;
}

/** Remembers the user's identity on this device. Invalid parts are replaced by the current ones. */
export function saveIdentity(identity: UserIdentity, store: SettingsStore = defaultStore()): UserIdentity {
  const fallback = randomIdentity();
  const clean = { name: cleanName(identity.name) ?? fallback.name, color: cleanColor(identity.color) ?? fallback.color };
  write(store, SETTINGS_KEYS.user, JSON.stringify(clean));
  return clean;
}

/** Whether this device offers to run code for the room (default yes: a lone tab must run its own notebook). */
export function loadOffersExecution(store: SettingsStore = defaultStore()): boolean {
  return read(store, SETTINGS_KEYS.offersExecution) !== 'false';
}

export function saveOffersExecution(offers: boolean, store: SettingsStore = defaultStore()): void {
  write(store, SETTINGS_KEYS.offersExecution, offers ? 'true' : 'false');
}
