import type { Server } from 'node:http';
/** Serves y-webrtc's signaling protocol on `server` for upgrade requests whose path ends with `path` (default `/signal`). */
export function attachSignaling(server: Server, opts?: { path?: string }): () => void;
