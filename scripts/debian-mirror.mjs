#!/usr/bin/env node
// Packs Debian's pure-Python IPython (python3-ipython and its dependencies, installed with apt) into wheels plus a
// Pyodide-style lock: the package mirror the tests use, since they have no CDN and no PyPI. Debian ships IPython
// 8.5 while Pyodide's distribution (what users get) has 9.12; the kernel works with both.
//
//   node scripts/debian-mirror.mjs [OUT]     (default OUT: tests/fixtures/debian/build)
//
// Each Debian package's files under dist-packages (minus __pycache__ and test suites) become one
// py3-none-any wheel, named and locked under the same key as Pyodide's lock uses, so the mirror's entries replace
// the bundled ones. The output is reused while Debian's package versions are unchanged.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const DIST_PACKAGES = '/usr/lib/python3/dist-packages';

/**
 * Lock key → Debian package, Pyodide's name, and dependencies (lock keys). `depends` follows Debian's, except that
 * pexpect and setuptools are left out (pexpect needs a pty the browser has not, the kernel stands in for it;
 * setuptools only serves IPython's test plugin) and jedi is optional, as in Pyodide's lock.
 */
export const PACKAGES = {
  ipython: {
    deb: 'python3-ipython',
    name: 'ipython',
    depends: ['backcall', 'decorator', 'matplotlib-inline', 'pickleshare', 'prompt-toolkit', 'pygments', 'stack-data', 'traitlets'],
  },
  traitlets: { deb: 'python3-traitlets', name: 'traitlets', depends: [] },
  pygments: { deb: 'python3-pygments', name: 'pygments', depends: [] },
  'prompt-toolkit': { deb: 'python3-prompt-toolkit', name: 'prompt_toolkit', depends: ['wcwidth'] },
  jedi: { deb: 'python3-jedi', name: 'jedi', depends: ['parso'] },
  parso: { deb: 'python3-parso', name: 'parso', depends: [] },
  'stack-data': { deb: 'python3-stack-data', name: 'stack-data', depends: ['executing', 'asttokens', 'pure-eval'] },
  executing: { deb: 'python3-executing', name: 'executing', depends: [] },
  asttokens: { deb: 'python3-asttokens', name: 'asttokens', depends: ['six'] },
  'pure-eval': { deb: 'python3-pure-eval', name: 'pure-eval', depends: [] },
  decorator: { deb: 'python3-decorator', name: 'decorator', depends: [] },
  'matplotlib-inline': { deb: 'python3-matplotlib-inline', name: 'matplotlib-inline', depends: ['traitlets'] },
  wcwidth: { deb: 'python3-wcwidth', name: 'wcwidth', depends: [] },
  six: { deb: 'python3-six', name: 'six', depends: [] },
  comm: { deb: 'python3-comm', name: 'comm', depends: ['traitlets'] },
  backcall: { deb: 'python3-backcall', name: 'backcall', depends: [] },
  pickleshare: { deb: 'python3-pickleshare', name: 'pickleshare', depends: [] },
};

/**
 * Debian's executing 1.2 predates Python 3.14's bytecode: it finds a node outside the statements it checks and
 * fails an assertion (outside its own try), which makes every IPython traceback fall back to Python's plain one.
 * Patched to drop the node instead (only the highlight of the failing expression is lost); executing 2.x, which
 * Pyodide ships, needs no change. Each patch must apply, so a Debian version that no longer needs it is noticed.
 */
const PATCHES = {
  'executing/executing.py': [
    ['assert_(new_stmts <= stmts)', 'if not new_stmts <= stmts: node, new_stmts = None, stmts  # anode debian-mirror'],
  ],
};

/** The apt packages to install for this mirror (`.ci/run` installs them). */
export const DEBIAN_PACKAGES = Object.values(PACKAGES).map((p) => p.deb);

function debVersion(deb) {
  return execFileSync('dpkg-query', ['-W', '-f=${Version}', deb], { encoding: 'utf8' }).trim();
}

/** The top-level entries (package folders, modules, metadata folders) a Debian package puts in dist-packages. */
function topLevel(deb) {
  const files = execFileSync('dpkg', ['-L', deb], { encoding: 'utf8' }).split('\n');
  return files.filter((f) => dirname(f) === DIST_PACKAGES).map((f) => basename(f));
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === '__pycache__' || name === 'tests') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else if (!name.endsWith('.pyc')) out.push(full);
  }
  return out;
}

/** A deflated zip with fixed timestamps: the same inputs always give the same bytes (and sha256). */
function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, raw] of files) {
    const data = deflateRawSync(raw, { level: 9 });
    const nameBuf = Buffer.from(name);
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, data);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

function patched(name, bytes) {
  let text = null;
  for (const [from, to] of PATCHES[name] ?? []) {
    text ??= bytes.toString('utf8');
    if (!text.includes(from)) throw new Error(`debian-mirror: the patch for ${name} no longer applies (${from})`);
    text = text.replace(from, to);
  }
  return text === null ? bytes : Buffer.from(text);
}

/** One wheel for one Debian package: its files, and a .dist-info made from Debian's egg-info or dist-info. */
function wheelFor(key, spec) {
  const entries = topLevel(spec.deb);
  const meta = entries.find((e) => /\.(egg|dist)-info$/.test(e));
  if (!meta) throw new Error(`${spec.deb}: no metadata folder in ${DIST_PACKAGES}`);
  // Debian's metadata may say 0.0.0 (pure_eval); its package version is the truth.
  const version = debVersion(spec.deb).replace(/^\d+:/, '').replace(/[-+~].*$/, '');
  const dist = spec.name.replace(/-/g, '_');
  const info = `${dist}-${version}.dist-info`;
  const files = [];
  for (const entry of entries) {
    if (entry === meta) continue;
    const full = join(DIST_PACKAGES, entry);
    for (const f of statSync(full).isDirectory() ? walk(full) : [full]) {
      const name = relative(DIST_PACKAGES, f);
      files.push([name, patched(name, readFileSync(f))]);
    }
  }
  const metaFile = join(DIST_PACKAGES, meta, meta.endsWith('.egg-info') ? 'PKG-INFO' : 'METADATA');
  const metadata = readFileSync(metaFile, 'utf8').replace(/^Version: .*$/m, `Version: ${version}`);
  files.push([`${info}/METADATA`, Buffer.from(metadata)]);
  files.push([`${info}/WHEEL`, Buffer.from('Wheel-Version: 1.0\nGenerator: anode-debian-mirror\nRoot-Is-Purelib: true\nTag: py3-none-any\n')]);
  const record = files.map(([n, b]) => `${n},sha256=${createHash('sha256').update(b).digest('base64url')},${b.length}`);
  files.push([`${info}/RECORD`, Buffer.from([...record, `${info}/RECORD,,`].join('\n') + '\n')]);
  files.sort(([a], [b]) => (a < b ? -1 : 1));
  const imports = entries.filter((e) => e !== meta && !e.includes('-')).map((e) => e.replace(/\.py$/, ''));
  return { fileName: `${dist}-${version}-py3-none-any.whl`, bytes: zip(files), version, imports };
}

/** Writes the wheels and pyodide-lock.json into `dir` (unless Debian's versions are the ones already there). */
export function buildDebianMirror(dir = join(here, '..', 'tests', 'fixtures', 'debian', 'build')) {
  const missing = DEBIAN_PACKAGES.filter((deb) => {
    try {
      debVersion(deb);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length) {
    throw new Error(`Debian packages missing: apt-get install -y --no-install-recommends ${missing.join(' ')}`);
  }
  const stamp = DEBIAN_PACKAGES.map((d) => `${d}=${debVersion(d)}`).join('\n') + `\n${readFileSync(fileURLToPath(import.meta.url), 'utf8').length}\n`;
  const lockPath = join(dir, 'pyodide-lock.json');
  const stampPath = join(dir, 'versions.txt');
  if (existsSync(lockPath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp) return { dir, lock: lockPath, fresh: false };
  mkdirSync(dir, { recursive: true });
  const require = createRequire(import.meta.url);
  const bundled = JSON.parse(readFileSync(require.resolve('pyodide/pyodide-lock.json'), 'utf8'));
  const packages = {};
  for (const [key, spec] of Object.entries(PACKAGES)) {
    const wheel = wheelFor(key, spec);
    writeFileSync(join(dir, wheel.fileName), wheel.bytes);
    packages[key] = {
      name: spec.name,
      version: wheel.version,
      file_name: wheel.fileName,
      install_dir: 'site',
      sha256: createHash('sha256').update(wheel.bytes).digest('hex'),
      package_type: 'package',
      imports: wheel.imports,
      depends: spec.depends,
      unvendored_tests: false,
      tool: {},
    };
  }
  writeFileSync(lockPath, JSON.stringify({ info: bundled.info, packages }, null, 2));
  writeFileSync(stampPath, stamp);
  return { dir, lock: lockPath, fresh: true };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const out = buildDebianMirror(process.argv[2] ? resolve(process.argv[2]) : undefined);
  console.log(`debian-mirror: ${out.fresh ? 'wrote' : 'up to date:'} ${out.lock}`);
}
