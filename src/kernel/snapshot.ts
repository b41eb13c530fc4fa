/**
 * A memory snapshot of a freshly booted interpreter, kept in Cache Storage: restoring it skips Python's own
 * start-up (unpacking and importing the standard library's bootstrap modules), which is most of a warm boot.
 * Measured on this kind of machine: loadPyodide 1.55 s plain, 0.28 s from a snapshot (reading 31 MB included).
 *
 * The snapshot is taken by the worker on a boot without one (or whose snapshot failed to restore), right after
 * IPython's shell is made and before any notebook code runs, and returned with the boot's result. The page
 * keeps it here, in the app's origin, which the sandboxed kernel cannot reach; and it accepts one only as a boot's
 * result, never later, so code run in the kernel cannot plant an interpreter image for the next kernels to start
 * from. It is specific to the Pyodide build, so the cache is named after its version (and the worker replaces one
 * made from other kernel files or another IPython wheel than its own); any failure to read,
 * restore or write one falls back to a plain boot (which stores a new one), so the worst case is a plain boot.
 * Pyodide's snapshot API is marked private: that fallback is what keeps an upgrade from breaking boot.
 */
const PREFIX = 'anode-python-snapshot-';
const KEY = 'https://anode.invalid/python-memory-snapshot';

function cacheName(version: string): string {
  return `${PREFIX}${version}`;
}

/** Whether this context can keep a snapshot (Cache Storage exists only in secure contexts). */
function available(): boolean {
  return typeof caches !== 'undefined';
}

/**
 * The stored snapshot for this Pyodide version, or null. A Blob, not bytes: it refers to the stored entry, so
 * handing it to the kernel's process sends a handle and the kernel reads the bytes itself; reading 54 MB into
 * the host and copying them across processes made the snapshot the slowest part of a warm start.
 */
export async function readSnapshot(version: string): Promise<Blob | null> {
  if (!available()) return null;
  try {
    const res = await (await caches.open(cacheName(version))).match(KEY);
    return res ? await res.blob() : null;
  } catch {
    return null;
  }
}

/** Stores a snapshot for this version and drops those of other versions. Best effort: a full disk only costs speed. */
export async function writeSnapshot(version: string, snapshot: Uint8Array): Promise<void> {
  if (!available()) return;
  try {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== cacheName(version)) await caches.delete(name);
    }
    const body = new Blob([snapshot as Uint8Array<ArrayBuffer>]);
    await (await caches.open(cacheName(version))).put(KEY, new Response(body, { headers: { 'content-type': 'application/octet-stream' } }));
  } catch {
    // Quota exceeded or storage unavailable: the next boot is a plain one.
  }
}
