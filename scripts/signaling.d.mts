import type { Server } from 'node:http';
/**
 * Serves y-webrtc's signaling protocol on `server` for upgrade requests whose path ends with `path` (default
 * `/signal`); other upgrades are refused unless `others(pathname)` is true.
 */
export function attachSignaling(server: Server, opts?: { path?: string; others?: (pathname: string) => boolean }): () => void;
