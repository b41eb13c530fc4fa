import type { Server } from 'node:http';
/** Whether `pathname` is a relay room under `path` (default `/relay`). */
export function isRelayPath(pathname: string, path?: string): boolean;
/** Serves the y-websocket relay (@y/websocket-server) on `server` for upgrades under `path` (default `/relay`). */
export function attachRelay(server: Server, opts?: { path?: string }): () => void;
