/**
 * The files the app fetches on the sandboxed kernel's behalf. The kernel runs in an opaque origin: it cannot read
 * the app's own URLs, and the service worker (which caches Python's core and packages for offline use) does not
 * see its requests. So the kernel asks its host (./host.worker.ts, in the app's origin) for exactly the files
 * Python needs to start and to load packages, and the host fetches them through the service worker. Anything else
 * the kernel fetches goes straight to the network from its own origin (CORS applies, and the app's origin answers
 * nothing to it).
 *
 * Shared by both sides: the kernel routes matching URLs here; the host is the authority and checks them again.
 */

/** Pyodide's core, as the app serves it under its index URL (vite.config.ts copies these into the build). */
export const CORE_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];

/** Package files (wheels, the archives older locks list) and a mirror's lock. */
const PACKAGE_FILE = /^[\w.+%-]+\.(whl|zip|tar|tgz|tar\.gz)$|^pyodide-lock\.json$/;

export interface HostFetchScope {
  /** Where the app serves Pyodide's core, ending with `/`. */
  indexURL: string;
  /** The package base URL (a device setting), ending with `/`. */
  packageBaseURL: string;
}

/** Whether the host fetches `url` for the kernel: Pyodide's core, vendored packages, and the package base's files. */
export function hostMayFetch(url: string, scope: HostFetchScope): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.search || u.hash || u.username || u.password) return false;
  const href = u.href;
  if (href.startsWith(scope.indexURL)) {
    const rest = href.slice(scope.indexURL.length);
    if (CORE_FILES.includes(rest)) return true;
    if (rest.startsWith('packages/') && PACKAGE_FILE.test(rest.slice('packages/'.length))) return true;
  }
  if (href.startsWith(scope.packageBaseURL)) {
    const rest = href.slice(scope.packageBaseURL.length);
    // One level only: a base URL's sub-folders are not its packages.
    if (!rest.includes('/') && PACKAGE_FILE.test(rest)) return true;
  }
  return false;
}

/** What the kernel's boot asks for before anything else (./workers/kernel.worker.ts, `boot`). */
const EARLY_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip'];

interface HostFile {
  status: number;
  statusText: string;
  contentType: string;
  body: Blob;
}

/** Kernel to host, on the host port: a file, or the stored interpreter snapshot (the app keeps it). */
export type HostRequest = { fetch: { id: number; url: string; integrity?: string } } | { snapshot: { id: number } };

/**
 * Host to kernel: the response, or the snapshot (null when there is none). Bodies are Blobs: across the process
 * boundary to the sandbox a Blob travels as a handle, where an ArrayBuffer is copied.
 */
export type HostReply =
  | { id: number; status: number; statusText: string; contentType: string; body: Blob }
  | { id: number; snapshot: Blob | null }
  | { id: number; error: string };

/**
 * The host's side: answers the kernel's requests on `port`: the files {@link hostMayFetch} allows (through the
 * service worker, so they come from its caches offline; anything else gets an error, never a body), and the
 * stored snapshot, read while the worker loads Python's files.
 *
 * What every boot asks for first (the snapshot and Python's core files) is asked for here at once, when the kernel
 * is spawned: the sandbox frame and the worker take a while to start, and these reads need not wait for them.
 * Each early answer serves the kernel's first request for it; they are Blob handles, cheap to hold.
 */
export function serveHost(port: MessagePort, scope: HostFetchScope, snapshot: () => Promise<Blob | null>): void {
  const get = (url: string, init: RequestInit): Promise<HostFile> =>
    fetch(url, init).then(async (res) => ({
      status: res.status,
      statusText: res.statusText,
      contentType: res.headers.get('Content-Type') ?? 'application/octet-stream',
      body: await res.blob(),
    }));
  const early = new Map<string, Promise<HostFile>>(EARLY_FILES.map((f) => [`${scope.indexURL}${f}`, get(`${scope.indexURL}${f}`, {})]));
  let earlySnapshot: Promise<Blob | null> | null = snapshot();
  for (const p of [...early.values(), earlySnapshot]) p.catch(() => undefined);
  port.onmessage = (e: MessageEvent<HostRequest>) => {
    const reply = (r: HostReply): void => port.postMessage(r);
    const data = e.data;
    if (data && 'snapshot' in data && typeof data.snapshot?.id === 'number') {
      const { id } = data.snapshot;
      const stored = earlySnapshot ?? snapshot();
      earlySnapshot = null;
      void stored.then((s) => reply({ id, snapshot: s }));
      return;
    }
    const req = data && 'fetch' in data ? data.fetch : null;
    if (!req || typeof req.id !== 'number' || typeof req.url !== 'string') return;
    const { id, url } = req;
    if (!hostMayFetch(url, scope)) {
      reply({ id, error: 'the app serves the kernel only Python and its packages' });
      return;
    }
    const init: RequestInit = typeof req.integrity === 'string' ? { integrity: req.integrity } : {};
    // An early read has no integrity to check: only a request without one may take it.
    const ready = !init.integrity ? early.get(url) : undefined;
    early.delete(url);
    (ready ?? get(url, init))
      .then((file) => reply({ id, ...file }))
      .catch((err: unknown) => reply({ id, error: err instanceof Error ? err.message : String(err) }));
  };
}
