/**
 * The files the app fetches on the sandboxed kernel's behalf. The kernel runs in an opaque origin: it cannot read
 * the app's own URLs, and the service worker (which caches Python's core and packages for offline use) does not
 * see its requests. So the kernel asks the page for exactly the files Python needs to start and to load packages,
 * and the page fetches them through its service worker. Anything else the kernel fetches goes straight to the
 * network from its own origin (CORS applies, and the app's origin answers nothing to it).
 *
 * Shared by both sides: the worker routes matching URLs here; the page is the authority and checks them again.
 */

/** Pyodide's core, as the app serves it under its index URL. */
export const CORE_FILES = ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json'];

/** Package files (wheels, the archives older locks list) and a mirror's lock. */
const PACKAGE_FILE = /^[\w.+%-]+\.(whl|zip|tar|tgz|tar\.gz)$|^pyodide-lock\.json$/;

export interface HostFetchScope {
  /** Where the app serves Pyodide's core, ending with `/`. */
  indexURL: string;
  /** The package base URL (a device setting), ending with `/`. */
  packageBaseURL: string;
}

/** Whether the page fetches `url` for the kernel: Pyodide's core, vendored packages, and the package base's files. */
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

/** Worker to page, on the host port. */
export interface HostFetchRequest {
  fetch: { id: number; url: string; integrity?: string };
}

/** Page to worker: the response, its body transferred. */
export type HostFetchReply =
  | { id: number; status: number; statusText: string; contentType: string; body: ArrayBuffer }
  | { id: number; error: string };

/**
 * The page's side: answers the kernel's file requests on `port`, for the files {@link hostMayFetch} allows
 * (through the service worker, so they come from its caches offline). Anything else gets an error, never a body.
 */
export function serveHostFetches(port: MessagePort, scope: HostFetchScope): void {
  port.onmessage = (e: MessageEvent<HostFetchRequest>) => {
    const req = e.data?.fetch;
    if (!req || typeof req.id !== 'number' || typeof req.url !== 'string') return;
    const { id, url } = req;
    const reply = (r: HostFetchReply, transfer: Transferable[] = []): void => port.postMessage(r, transfer);
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
