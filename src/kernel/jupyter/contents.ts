/**
 * The part of a Jupyter server's contents API (`/api/contents`) the notebook's files need: list a folder, read a
 * file as base64, write a file or a folder, delete. Paths are relative to the server's root_dir, `/`-separated.
 */
import { fromBase64, toBase64 } from 'lib0/buffer';
import { api, JupyterConnectError, type JupyterServer } from './rest';

export interface ContentsEntry {
  name: string;
  path: string;
  type: 'file' | 'directory' | 'notebook';
  last_modified: string;
  size: number | null;
}

interface ContentsModel extends ContentsEntry {
  content: unknown;
  format: string | null;
}

function contentsPath(path: string, query = ''): string {
  return `api/contents/${path.split('/').map(encodeURIComponent).join('/')}${query}`;
}

/** A folder's entries; null when the server has no such folder. */
export async function listFolder(server: JupyterServer, path: string): Promise<ContentsEntry[] | null> {
  try {
    const model = await api<ContentsModel>(server, contentsPath(path, '?type=directory&content=1'));
    return Array.isArray(model.content) ? (model.content as ContentsEntry[]) : [];
  } catch (e) {
    if (e instanceof JupyterConnectError && e.failure.kind === 'http' && e.failure.status === 404) return null;
    throw e;
  }
}

/** A file's bytes (any file: the server sends base64). */
export async function readFile(server: JupyterServer, path: string): Promise<Uint8Array> {
  const model = await api<ContentsModel>(server, contentsPath(path, '?type=file&format=base64&content=1'));
  if (typeof model.content !== 'string') throw new Error(`${path}: the server sent no content`);
  // The server may send text files as text even when base64 was asked for (older servers).
  if (model.format === 'text') return new TextEncoder().encode(model.content);
  return fromBase64(model.content.replace(/\s+/g, ''));
}

/** Writes a file; returns the server's model of it (its new modification time and size). */
export function writeFile(server: JupyterServer, path: string, bytes: Uint8Array): Promise<ContentsEntry> {
  return api<ContentsEntry>(server, contentsPath(path), {
    method: 'PUT',
    body: JSON.stringify({ type: 'file', format: 'base64', content: toBase64(bytes) }),
  });
}

export function makeFolder(server: JupyterServer, path: string): Promise<ContentsEntry> {
  return api<ContentsEntry>(server, contentsPath(path), { method: 'PUT', body: JSON.stringify({ type: 'directory' }) });
}

/** Deletes a file or a folder; one that is already gone is fine. */
export async function remove(server: JupyterServer, path: string): Promise<void> {
  try {
    await api(server, contentsPath(path), { method: 'DELETE' });
  } catch (e) {
    if (!(e instanceof JupyterConnectError && e.failure.kind === 'http' && e.failure.status === 404)) throw e;
  }
}

/** Makes `path` and its parents (the contents API creates one level at a time). */
export async function makeFolders(server: JupyterServer, path: string): Promise<void> {
  const parts = path.split('/').filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const p = parts.slice(0, i).join('/');
    if ((await listFolder(server, p)) === null) await makeFolder(server, p);
  }
}
