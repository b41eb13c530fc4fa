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

/** Kernel to host, on the host port: a file, or the stored interpreter snapshot (the app keeps it). */
export type HostRequest = { fetch: { id: number; url: string; integrity?: string } } | { snapshot: { id: number } };

/** Host to kernel: the response (its body transferred), or the snapshot (null when there is none). */
export type HostReply =
  | { id: number; status: number; statusText: string; contentType: string; body: ArrayBuffer }
  | { id: number; snapshot: Uint8Array | null }
  | { id: number; error: string };

/**
 * The host's side: answers the kernel's requests on `port`: the files {@link hostMayFetch} allows (through the
 * service worker, so they come from its caches offline; anything else gets an error, never a body), and the
 * stored snapshot, read while the worker loads Python's files.
 */
export function serveHost(port: MessagePort, scope: HostFetchScope, snapshot: () => Promise<Uint8Array | null>): void {
  port.onmessage = (e: MessageEvent<HostRequest>) => {
    const reply = (r: HostReply, transfer: Transferable[] = []): void => port.postMessage(r, transfer);
    const data = e.data;
    if (data && 'snapshot' in data && typeof data.snapshot?.id === 'number') {
      const { id } = data.snapshot;
      void snapshot().then((s) => reply({ id, snapshot: s }, s ? [s.buffer] : []));
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
    fetch(url, init)
      .then(async (res) => {
        const body = await res.arrayBuffer();
        const contentType = res.headers.get('Content-Type') ?? 'application/octet-stream';
        reply({ id, status: res.status, statusText: res.statusText, contentType, body }, [body]);
      })
      .catch((err: unknown) => reply({ id, error: err instanceof Error ? err.message : String(err) }));
  };
}
