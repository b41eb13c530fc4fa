/**
 * Loading the packages a cell imports before it runs, with progress shown in the cell and a clear error when a
 * package cannot be fetched. Pyodide's loadPackage does not reject on a failed download (the message only
 * reaches errorCallback), so failures are collected here and turned into one error output.
 */
import type { PyodideInterface } from 'pyodide';
import type { KernelEvent } from '../src/kernel/protocol';
import type { LockPackages } from './lockfile';

export interface PackageFailure {
  packages: string[];
  urls: string[];
}

function importIndex(lock: LockPackages): Map<string, string> {
  const index = new Map<string, string>();
  for (const pkg of Object.values(lock)) for (const imp of pkg.imports ?? []) index.set(imp, pkg.name);
  return index;
}

let cachedIndex: { lock: LockPackages; index: Map<string, string> } | null = null;

function packagesFor(p: PyodideInterface, code: string, lock: LockPackages): string[] {
  if (!/\bimport\b/.test(code)) return [];
  if (cachedIndex?.lock !== lock) cachedIndex = { lock, index: importIndex(lock) };
  const mod = p.pyimport('anode_kernel.packages');
  const unresolved = mod.unresolved_imports(code);
  const names = unresolved.toJs() as string[];
  unresolved.destroy();
  mod.destroy();
  const wanted = new Set<string>();
  for (const name of names) {
    const pkg = cachedIndex.index.get(name);
    if (pkg && !p.loadedPackages[pkg]) wanted.add(pkg);
  }
  return [...wanted];
}

/** Where a lock entry's wheel is fetched from: its own URL, or the package base's. */
export function wheelURL(lock: LockPackages, name: string, base: string): string {
  const entry = lock[name] ?? lock[name.toLowerCase()] ?? Object.values(lock).find((p) => p.name === name);
  const file = entry?.file_name ?? `${name}.whl`;
  return /^[a-z]+:/i.test(file) ? file : base + file;
}

/**
 * Loads what `code` imports. Emits a progress display while loading; returns the failure (already reported to
 * the user as an error output) or null.
 */
export async function loadImportedPackages(
  p: PyodideInterface,
  code: string,
  lock: LockPackages,
  base: string,
  emit: (e: KernelEvent) => void,
): Promise<PackageFailure | null> {
  let wanted: string[];
  try {
    wanted = packagesFor(p, code, lock);
  } catch {
    return null; // Unparsable code: the run itself reports the SyntaxError.
  }
  if (!wanted.length) return null;
  const displayId = `anode-packages-${Date.now().toString(36)}`;
  const show = (text: string, update: boolean) =>
    emit(
      update
        ? { type: 'update_display', data: { 'text/plain': text }, metadata: {}, displayId }
        : { type: 'display', data: { 'text/plain': text }, metadata: {}, displayId },
    );
  show(`Loading ${wanted.join(', ')}…`, false);
  const failed = new Set<string>();
  const reasons: string[] = [];
  await p.loadPackage(wanted, {
    messageCallback: (msg) => {
      if (msg.startsWith('Loading ')) show(`${msg}…`, true);
    },
    errorCallback: (msg) => {
      const m = /error occurred while loading ([\w.-]+)/.exec(msg);
      if (m) failed.add(m[1]!);
      else reasons.push(msg);
    },
  });
  // A package missing after the call failed, even if no callback named it.
  for (const name of wanted) if (!p.loadedPackages[name]) failed.add(name);
  if (!failed.size) {
    show(`Loaded ${wanted.join(', ')}`, true);
    return null;
  }
  // The packages the cell asked for first, then the dependencies that failed with them.
  const packages = [...failed].sort((a, b) => Number(!wanted.includes(a)) - Number(!wanted.includes(b)) || a.localeCompare(b));
  const urls = packages.map((n) => wheelURL(lock, n, base));
  show(`Failed to load ${packages.join(', ')}`, true);
  const lines = packages.map((n, i) => `  ${n}: ${urls[i]}`);
  emit({
    type: 'error',
    ename: 'PackageLoadError',
    evalue: `Could not load ${packages[0]} from ${urls[0]}${packages.length > 1 ? ` (and ${packages.length - 1} more)` : ''}`,
    traceback: [
      `\x1b[1;31mPackageLoadError\x1b[0m: could not download ${packages.length > 1 ? 'these packages' : 'this package'}:`,
      ...lines,
      ...(reasons.length ? ['', ...reasons] : []),
      '',
      'Check your connection, or set the package base URL in settings to a mirror you can reach.',
      'The kernel is still running; the cell was not run.',
    ],
  });
  return { packages, urls };
}
