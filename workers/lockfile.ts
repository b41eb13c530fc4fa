/**
 * The package lock the kernel resolves imports against. The bundled lock (served beside Pyodide's core) lists
 * the distribution; a custom package base URL may hold a pyodide-lock.json of its own (a mirror, or extra
 * packages), whose entries then override the bundled ones. A mirror that does not answer never stops the boot.
 * Packages that `npm run vendor` put into the build (`<indexURL>packages/`, listed in the bundled lock's
 * `info.anode_vendored`) load from there whatever the package base URL: a vendored site needs no rebuild.
 */
import type { Lockfile } from 'pyodide';

/** Lock entries by package name, as the worker needs them: which imports a package provides, its wheel. */
export type LockPackages = Record<string, { name: string; file_name: string; imports: string[]; depends: string[] }>;

export interface LoadedLock {
  contents: Lockfile;
  packages: LockPackages;
  source: 'mirror' | 'bundled';
  notice?: string;
}

// Generous: the worker thread is busy booting Python meanwhile, and the response waits for it.
const MIRROR_TIMEOUT_MS = 10_000;

async function fetchJson(url: string, timeoutMs?: number): Promise<unknown> {
  const res = await fetch(url, timeoutMs ? { signal: AbortSignal.timeout(timeoutMs) } : {});
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}

function sameBase(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}

/** The lock with its vendored entries pointing at the wheels beside the app (absolute URLs, which Pyodide takes as is). */
function withVendored(lock: Lockfile, indexURL: string): Lockfile {
  const vendored = (lock.info as { anode_vendored?: unknown }).anode_vendored;
  if (!Array.isArray(vendored)) return lock;
  const packages = { ...lock.packages };
  for (const key of vendored) {
    const entry = typeof key === 'string' ? packages[key] : undefined;
    if (entry && !/^[a-z]+:/i.test(entry.file_name)) {
      packages[key as string] = { ...entry, file_name: new URL(`packages/${entry.file_name}`, indexURL).href };
    }
  }
  return { ...lock, packages };
}

/** Loads the bundled lock and, for a non-default package base, merges the mirror's lock over it. */
export async function loadLockFile(indexURL: string, packageBaseURL: string, defaultPackageBaseURL: string): Promise<LoadedLock> {
  const bundled = withVendored((await fetchJson(`${indexURL}pyodide-lock.json`)) as Lockfile, indexURL);
  if (sameBase(packageBaseURL, defaultPackageBaseURL) || sameBase(packageBaseURL, indexURL)) {
    return { contents: bundled, packages: bundled.packages as unknown as LockPackages, source: 'bundled' };
  }
  const url = `${packageBaseURL}pyodide-lock.json`;
  try {
    const mirror = (await fetchJson(url, MIRROR_TIMEOUT_MS)) as Partial<Lockfile>;
    const contents = { ...bundled, packages: { ...bundled.packages, ...(mirror.packages ?? {}) } } as Lockfile;
    return { contents, packages: contents.packages as unknown as LockPackages, source: 'mirror' };
  } catch (e) {
    return {
      contents: bundled,
      packages: bundled.packages as unknown as LockPackages,
      source: 'bundled',
      notice: `The package index at ${url} could not be read (${(e as Error).message}); using the bundled package list.`,
    };
  }
}
