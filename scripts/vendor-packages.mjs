#!/usr/bin/env node
// Vendors Pyodide packages into a build, so the site needs no CDN at all.
//
//   npm run build
//   npm run vendor                              the kernel's shell (IPython) and its dependencies
//   npm run vendor -- numpy pandas matplotlib   the same, plus these
//
// The kernel's own packages (KERNEL_PACKAGES: IPython) are always vendored, named or not: a CDN-free deployment
// without them would boot a kernel without magics, `?` or In/Out. Resolves them, the named packages and all their
// dependencies from a Pyodide lock file (default: the bundled
// node_modules/pyodide/pyodide-lock.json, the one the app itself uses), downloads each wheel from the package base
// URL, checks its sha256 against the lock, and writes into the build:
//   <out>/<wheel files>           the packages (default out: dist/pyodide/packages)
//   <out>/pyodide-lock.json       the lock entries of what was vendored (a mirror's lock, for reference/tools)
//   <dist>/pyodide/pyodide-lock.json  the app's lock, with the vendored entries merged in (needed when --lock
//                                 names packages the bundled lock does not have) and the service worker's
//                                 precache revision of it updated, so open apps notice the change.
// The app's lock lists what was vendored (`info.anode_vendored`), and the app loads those packages from its own
// `pyodide/packages/` (resolved against wherever it is deployed), whatever package base URL it was built with: no
// rebuild is needed. Packages not vendored still come from the package base URL (with no network, they fail with a
// message naming them); the service worker caches vendored ones on first use, so they also work offline.
//
// Options:
//   --base URL    where to download from (default: the Pyodide CDN of the bundled version); a local folder too
//   --lock P|URL  the lock file to resolve against (default: the bundled one)
//   --out DIR     where to write the packages (default: <dist>/pyodide/packages)
//   --dist DIR    the build to update (default: dist)
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);

function usage(msg) {
  if (msg) console.error(`vendor: ${msg}`);
  console.error('usage: npm run vendor [-- <package>...] [--base URL] [--lock PATH|URL] [--out DIR] [--dist DIR]');
  process.exit(2);
}

export function parseArgs(argv) {
  const opts = { names: [], base: null, lock: null, out: null, dist: 'dist' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--base') opts.base = value();
    else if (a === '--lock') opts.lock = value();
    else if (a === '--out') opts.out = value();
    else if (a === '--dist') opts.dist = value();
    else if (a === '--help' || a === '-h') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else opts.names.push(a);
  }
  return opts;
}

/**
 * What the kernel itself loads at every start (workers/kernel.worker.ts, SHELL_PACKAGES), vendored with every
 * call. A lock without them (a custom mirror) is not an error: the kernel then runs plain Python, and this says so.
 */
export const KERNEL_PACKAGES = ['ipython'];

const normalize = (name) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The lock entry key for a package or import name ("PyYAML", "yaml", "scikit-learn", "sklearn"). */
function findKey(packages, name) {
  const n = normalize(name);
  for (const [key, p] of Object.entries(packages)) if (normalize(key) === n || normalize(p.name) === n) return key;
  for (const [key, p] of Object.entries(packages)) if ((p.imports ?? []).includes(name)) return key;
  return null;
}

/** The named packages and everything they depend on, as lock keys (unknown names are an error). */
export function resolvePackages(lock, names) {
  const seen = new Set();
  const missing = [];
  const visit = (name) => {
    const key = findKey(lock.packages, name);
    if (!key) return missing.push(name);
    if (seen.has(key)) return;
    seen.add(key);
    for (const dep of lock.packages[key].depends ?? []) visit(dep);
  };
  names.forEach(visit);
  if (missing.length) throw new Error(`not in the lock file: ${missing.join(', ')}`);
  return [...seen].sort();
}

async function readText(pathOrUrl) {
  if (/^https?:/.test(pathOrUrl)) {
    const res = await fetch(pathOrUrl);
    if (!res.ok) throw new Error(`${pathOrUrl}: HTTP ${res.status}`);
    return res.text();
  }
  return readFileSync(pathOrUrl, 'utf8');
}

const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');

async function download(url, expected) {
  let buf;
  if (/^[a-z]+:/i.test(url)) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    buf = Buffer.from(await res.arrayBuffer());
  } else {
    buf = readFileSync(url); // a mirror on disk (tests/fixtures/debian, an rsync'd CDN folder)
  }
  const got = sha256(buf);
  if (expected && got !== expected) throw new Error(`${url}: sha256 ${got} does not match the lock file (${expected})`);
  return buf;
}

/**
 * The service worker precaches the app's lock by revision (md5, as Workbox computes it) and checks it against its
 * integrity (sha384, vite.config.ts): keep both true, or the worker would refuse to install.
 */
export function updatePrecacheRevision(dist, file, content) {
  const sw = join(dist, 'sw.js');
  if (!existsSync(sw)) return false;
  const md5 = createHash('md5').update(content).digest('hex');
  const sri = `sha384-${createHash('sha384').update(content).digest('base64')}`;
  const url = file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const text = readFileSync(sw, 'utf8');
  const next = text
    .replace(new RegExp(`("revision":")[0-9a-f]+(","url":"${url}")`), `$1${md5}$2`)
    .replace(new RegExp(`("url":"${url}","revision":")[0-9a-f]+(")`), `$1${md5}$2`)
    .replace(new RegExp(`("integrity":")[^"]+(","revision":"[0-9a-f]+","url":"${url}")`), `$1${sri}$2`);
  if (next !== text) writeFileSync(sw, next);
  return next !== text;
}

export async function vendor(opts, log = console.log) {
  const bundledPath = require.resolve('pyodide/pyodide-lock.json');
  const version = JSON.parse(readFileSync(require.resolve('pyodide/package.json'), 'utf8')).version;
  const base = (opts.base ?? `https://cdn.jsdelivr.net/pyodide/v${version}/full/`).replace(/\/?$/, '/');
  const lock = JSON.parse(await readText(opts.lock ?? bundledPath));
  const dist = resolve(opts.dist);
  const out = resolve(opts.out ?? join(dist, 'pyodide', 'packages'));
  const kernel = KERNEL_PACKAGES.filter((name) => findKey(lock.packages, name));
  const absent = KERNEL_PACKAGES.filter((name) => !kernel.includes(name));
  if (absent.length) log(`vendor: the lock has no ${absent.join(', ')}: the kernel will run plain Python unless the package base serves it`);
  const keys = resolvePackages(lock, [...kernel, ...opts.names]);
  log(`vendor: ${keys.length} packages (${keys.join(', ')}) from ${base} into ${out}`);
  mkdirSync(out, { recursive: true });

  let bytes = 0;
  const queue = [...keys];
  // A few downloads at a time: a CDN is fine with it, and a shared machine is too.
  const worker = async () => {
    for (let key = queue.shift(); key; key = queue.shift()) {
      const entry = lock.packages[key];
      const target = join(out, entry.file_name.split('/').pop());
      if (existsSync(target) && sha256(readFileSync(target)) === entry.sha256) continue;
      const url = /^[a-z]+:/i.test(entry.file_name) ? entry.file_name : base + entry.file_name;
      const buf = await download(url, entry.sha256);
      writeFileSync(target, buf);
      bytes += buf.length;
      log(`  ${entry.file_name} (${(buf.length / 1024).toFixed(0)} KB)`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));

  const subset = Object.fromEntries(
    keys.map((k) => [k, { ...lock.packages[k], file_name: lock.packages[k].file_name.split('/').pop() }]),
  );
  const ownLockPath = join(out, 'pyodide-lock.json');
  const ownLock = existsSync(ownLockPath) ? JSON.parse(readFileSync(ownLockPath, 'utf8')) : { info: lock.info, packages: {} };
  ownLock.packages = { ...ownLock.packages, ...subset };
  writeFileSync(ownLockPath, JSON.stringify(ownLock, null, 2));

  const appLockPath = join(dist, 'pyodide', 'pyodide-lock.json');
  // The app finds vendored wheels in <dist>/pyodide/packages/ only; elsewhere (--out) is a mirror to point it at.
  const beside = out === resolve(join(dist, 'pyodide', 'packages'));
  if (existsSync(appLockPath)) {
    const appLock = JSON.parse(readFileSync(appLockPath, 'utf8'));
    const before = JSON.stringify(appLock);
    appLock.packages = { ...appLock.packages, ...subset };
    if (beside) appLock.info = { ...appLock.info, anode_vendored: [...new Set([...(appLock.info.anode_vendored ?? []), ...keys])].sort() };
    const text = JSON.stringify(appLock);
    if (text !== before) {
      writeFileSync(appLockPath, text);
      updatePrecacheRevision(dist, 'pyodide/pyodide-lock.json', text);
      log(`vendor: listed ${keys.join(', ')} in ${appLockPath}`);
    }
  } else {
    log(`vendor: no build at ${dist} (run "npm run build" first): only the packages were written`);
  }
  if (!beside) {
    log(`vendor: ${out} is not the build's pyodide/packages/: set the app's package base URL to where it is served.`);
  }
  log(`vendor: done, ${(bytes / 1024 / 1024).toFixed(1)} MB downloaded`);
  return { keys, out, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  vendor(parseArgs(process.argv.slice(2))).catch((e) => {
    console.error(`vendor: ${e.message}`);
    process.exit(1);
  });
}
