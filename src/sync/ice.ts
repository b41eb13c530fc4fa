/**
 * STUN/TURN servers for the rooms' WebRTC connections: the build's (`ANODE_ICE_SERVERS`, JSON) or this device's
 * (Settings). TURN credentials live in this device's storage only: never in a document, never sent to peers
 * (the browser gives them to the TURN server alone). Without any, simple-peer's public STUN servers are used:
 * direct links work through most home NATs, but not through symmetric NATs or networks that block UDP, which need
 * a TURN relay.
 */
import { defaultStore, read, write, SETTINGS_KEYS, type SettingsStore } from './settings';

export interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

const ICE_SCHEME = /^(stun|stuns|turn|turns):/;

/**
 * Reads a server list: a JSON array of RTCIceServer objects (`[{"urls": "turn:t.example.org:3478", "username":
 * "ada", "credential": "…"}]`), or plain `stun:`/`turn:` URLs separated by commas or spaces. Entries that are not
 * servers are dropped. Null for an empty text (no setting).
 */
export function parseIceServers(text: string): IceServer[] | null {
  const trimmed = text.trim();
  if (!trimmed) return null;
  let items: unknown[];
  try {
    const parsed: unknown = JSON.parse(trimmed);
    items = Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    items = trimmed.split(/[\s,]+/).map((u) => ({ urls: u }));
  }
  const out: IceServer[] = [];
  for (const item of items) {
    if (!item || typeof item !== 'object') continue;
    const raw = item as { urls?: unknown; username?: unknown; credential?: unknown };
    const urls = (Array.isArray(raw.urls) ? raw.urls : [raw.urls]).filter((u): u is string => typeof u === 'string' && ICE_SCHEME.test(u));
    if (!urls.length) continue;
    out.push({
      urls,
      ...(typeof raw.username === 'string' ? { username: raw.username } : {}),
      ...(typeof raw.credential === 'string' ? { credential: raw.credential } : {}),
    });
  }
  return out;
}

/** The build's servers (`ANODE_ICE_SERVERS`), or null: simple-peer's defaults. */
export function defaultIceServers(): IceServer[] | null {
  // Guarded: the constant exists only where Vite's `define` ran.
  return typeof __DEFAULT_ICE_SERVERS__ === 'string' ? parseIceServers(__DEFAULT_ICE_SERVERS__) : null;
}

/** This device's servers, else the build's, else null (simple-peer's defaults). */
export function iceServers(store: SettingsStore = defaultStore()): IceServer[] | null {
  const own = read(store, SETTINGS_KEYS.iceServers);
  return own === null ? defaultIceServers() : parseIceServers(own);
}

/** Saves this device's servers (`null`: back to the build's). */
export function setIceServers(servers: IceServer[] | null, store: SettingsStore = defaultStore()): void {
  write(store, SETTINGS_KEYS.iceServers, servers === null ? null : JSON.stringify(servers));
}

/** Whether a relay is configured: without one, peers behind strict NATs or UDP-blocking networks cannot meet. */
export function hasTurn(servers: IceServer[] | null): boolean {
  return !!servers?.some((s) => s.urls.some((u) => u.startsWith('turn')));
}
