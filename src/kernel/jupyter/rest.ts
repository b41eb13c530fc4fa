/**
 * A Jupyter server's REST API (the part a kernel client needs: kernelspecs, kernels, interrupt, restart), with the
 * token in the Authorization header, and failures classified for the connection doctor (./doctor.ts).
 */
import { isLoopback, type ConnectFailure } from './doctor';

export interface JupyterServer {
  /** Base URL, ending with `/` (a server may live under a base_url path). */
  url: string;
  token: string;
}

export interface KernelSpecInfo {
  name: string;
  displayName: string;
  language: string;
}

/** A failure the doctor can explain. */
export class JupyterConnectError extends Error {
  constructor(readonly failure: ConnectFailure) {
    super(`Jupyter server: ${failure.kind}`);
    this.name = 'JupyterConnectError';
  }
}

/**
 * Splits what the user typed into a base URL and a token: a pasted `http://host:8888/lab?token=abc` carries its token
 * in the query, which must not stay in a URL that is shown or shared. Null when it is no http(s) URL.
 */
export function parseServerInput(input: string, token: string): JupyterServer | null {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const fromQuery = url.searchParams.get('token');
  // The Jupyter UI's own pages are not the API's base.
  const path = url.pathname.replace(/\/(lab|tree|notebooks|login)(\/.*)?$/, '/');
  return { url: `${url.origin}${path.endsWith('/') ? path : `${path}/`}`, token: token.trim() || fromQuery || '' };
}

/** The server's host as peers may see it (no path, no token): "127.0.0.1:8888". */
export function serverHost(server: JupyterServer): string {
  return new URL(server.url).host;
}

/** Whether the browser would block this server from this page (https page, http server on another machine). */
export function isMixedContent(server: JupyterServer, pageProtocol: string): boolean {
  const url = new URL(server.url);
  return pageProtocol === 'https:' && url.protocol === 'http:' && !isLoopback(url.hostname);
}

/** Calls the API; resolves with the JSON body (or null for 204), rejects with a {@link JupyterConnectError}. */
export async function api<T>(server: JupyterServer, path: string, init: RequestInit = {}): Promise<T> {
  if (isMixedContent(server, globalThis.location?.protocol ?? 'http:')) throw new JupyterConnectError({ kind: 'mixed-content' });
  const headers = new Headers(init.headers);
  if (server.token) headers.set('Authorization', `token ${server.token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  let res: Response;
  try {
    res = await fetch(new URL(path, server.url), { ...init, headers, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new JupyterConnectError({ kind: 'network' });
  }
  if (!res.ok) {
    let message: string | undefined;
    try {
      const body = (await res.json()) as { message?: unknown };
      if (typeof body.message === 'string' && body.message) message = body.message;
    } catch {
      // Not JSON: the status says enough.
    }
    throw new JupyterConnectError({ kind: 'http', status: res.status, ...(message ? { message } : {}) });
  }
  if (res.status === 204) return null as T;
  try {
    return (await res.json()) as T;
  } catch {
    throw new JupyterConnectError({ kind: 'not-jupyter' });
  }
}

interface SpecsResponse {
  default?: unknown;
  kernelspecs?: Record<string, { name?: unknown; spec?: { display_name?: unknown; language?: unknown } }>;
}

/** The server's kernelspecs, its default first. */
export async function listKernelSpecs(server: JupyterServer): Promise<KernelSpecInfo[]> {
  const body = await api<SpecsResponse>(server, 'api/kernelspecs');
  if (!body || typeof body.kernelspecs !== 'object' || body.kernelspecs === null) throw new JupyterConnectError({ kind: 'not-jupyter' });
  const specs = Object.entries(body.kernelspecs).map(([name, s]) => ({
    name,
    displayName: typeof s.spec?.display_name === 'string' ? s.spec.display_name : name,
    language: typeof s.spec?.language === 'string' ? s.spec.language : '',
  }));
  return specs.sort((a, b) => Number(b.name === body.default) - Number(a.name === body.default) || a.displayName.localeCompare(b.displayName));
}

export interface KernelModel {
  id: string;
  name: string;
  execution_state?: string;
}

/** Starts a kernel; `path` (a folder under the server's root) is its working directory. */
export function startKernel(server: JupyterServer, name: string, path?: string): Promise<KernelModel> {
  return api<KernelModel>(server, 'api/kernels', { method: 'POST', body: JSON.stringify(path ? { name, path } : { name }) });
}

/** The kernel's model, or null when the server no longer has it. */
export async function getKernel(server: JupyterServer, id: string): Promise<KernelModel | null> {
  try {
    return await api<KernelModel>(server, `api/kernels/${encodeURIComponent(id)}`);
  } catch (e) {
    if (e instanceof JupyterConnectError && e.failure.kind === 'http' && e.failure.status === 404) return null;
    throw e;
  }
}

export async function interruptKernel(server: JupyterServer, id: string): Promise<void> {
  await api(server, `api/kernels/${encodeURIComponent(id)}/interrupt`, { method: 'POST' });
}

export async function restartKernel(server: JupyterServer, id: string): Promise<void> {
  await api(server, `api/kernels/${encodeURIComponent(id)}/restart`, { method: 'POST' });
}

export async function deleteKernel(server: JupyterServer, id: string): Promise<void> {
  await api(server, `api/kernels/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/**
 * The kernel's channels WebSocket URL. A browser cannot set headers on a WebSocket, so the token goes in the query,
 * as Jupyter's own front ends do.
 */
export function channelsUrl(server: JupyterServer, id: string, sessionId: string): string {
  const url = new URL(`api/kernels/${encodeURIComponent(id)}/channels`, server.url);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('session_id', sessionId);
  if (server.token) url.searchParams.set('token', server.token);
  return url.href;
}
