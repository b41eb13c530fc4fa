/**
 * `npm run vendor`, run as a deployer runs it (node scripts/vendor-packages.mjs, from Debian's IPython mirror: the
 * tests have no CDN): with no names it vendors the kernel's IPython and its dependencies, so a CDN-free deployment
 * gets a working kernel; names add to that. The browser side (the app loading what was vendored, offline) is
 * tests/e2e/pwa-vendor.spec.ts.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { buildDebianMirror } from '../../scripts/debian-mirror.mjs';

const REPO = join(__dirname, '../..');
const run = promisify(execFile);
const dirs: string[] = [];

/** A build's pyodide/ folder as `npm run build` leaves it: the bundled lock, no packages. */
function emptyBuild(): string {
  const dist = mkdtempSync(join(tmpdir(), 'anode-vendor-'));
  dirs.push(dist);
  mkdirSync(join(dist, 'pyodide'));
  copyFileSync(createRequire(import.meta.url).resolve('pyodide/pyodide-lock.json'), join(dist, 'pyodide', 'pyodide-lock.json'));
  return dist;
}

function vendor(args: string[]) {
  return run(process.execPath, [join(REPO, 'scripts/vendor-packages.mjs'), ...args], { cwd: REPO });
}

const wheels = (dist: string) => readdirSync(join(dist, 'pyodide', 'packages')).filter((f) => f.endsWith('.whl')).sort();
const vendored = (dist: string) =>
  (JSON.parse(readFileSync(join(dist, 'pyodide', 'pyodide-lock.json'), 'utf8')) as { info: { anode_vendored?: string[] } }).info.anode_vendored;

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('npm run vendor', () => {
  const mirror = buildDebianMirror();
  const from = ['--base', mirror.dir, '--lock', mirror.lock];

  it('with no names, vendors IPython and every package it depends on, and lists them in the app\'s lock', async () => {
    const dist = emptyBuild();
    const { stdout } = await vendor([...from, '--dist', dist]);
    expect(stdout).toContain('vendor: done');
    const files = wheels(dist);
    for (const name of ['ipython-', 'traitlets-', 'pygments-', 'prompt_toolkit-', 'stack_data-', 'executing-', 'decorator-', 'wcwidth-'])
      expect(files.some((f) => f.startsWith(name)), name).toBe(true);
    expect(files.some((f) => f.startsWith('jedi-'))).toBe(false); // not a dependency: the kernel does not load it
    expect(vendored(dist)).toEqual(expect.arrayContaining(['ipython', 'traitlets', 'pygments', 'stack-data']));
  }, 60_000);

  it('named packages are vendored as well as IPython, not instead of it', async () => {
    const dist = emptyBuild();
    await vendor(['jedi', ...from, '--dist', dist]);
    const files = wheels(dist);
    expect(files.some((f) => f.startsWith('jedi-'))).toBe(true);
    expect(files.some((f) => f.startsWith('parso-'))).toBe(true);
    expect(files.some((f) => f.startsWith('ipython-'))).toBe(true);
  }, 60_000);

  it('a lock without IPython (a custom mirror) still vendors what was named, and says the kernel will lack IPython', async () => {
    const dist = emptyBuild();
    const full = JSON.parse(readFileSync(mirror.lock, 'utf8')) as { info: unknown; packages: Record<string, unknown> };
    const lock = join(dist, 'six-only-lock.json');
    writeFileSync(lock, JSON.stringify({ info: full.info, packages: { six: full.packages.six } }));
    const { stdout } = await vendor(['six', '--base', mirror.dir, '--lock', lock, '--dist', dist]);
    expect(stdout).toContain('the lock has no ipython: the kernel will run plain Python');
    expect(wheels(dist).map((f) => f.split('-')[0])).toEqual(['six']);
    expect(existsSync(join(dist, 'pyodide', 'packages', 'pyodide-lock.json'))).toBe(true);
  }, 60_000);
});
