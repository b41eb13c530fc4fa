// A real Jupyter server for the e2e specs (Debian's python3-jupyter-server and python3-ipykernel, see .ci/run): on
// 127.0.0.1 with a token and allow_origin for the test app, in a throwaway HOME with one extra kernelspec,
// "broken", whose process exits at once (the doctor's "kernel died at start"). stop() kills it and its kernels.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PYTHON = '/usr/bin/python3';

/**
 * @param {{ port: number, token: string, allowOrigin: string }} opts
 * @returns {Promise<{ url: string, token: string, stop: () => Promise<void> }>}
 */
export async function startJupyter({ port, token, allowOrigin }) {
  const home = mkdtempSync(join(tmpdir(), 'anode-jupyter-'));
  const broken = join(home, 'share', 'jupyter', 'kernels', 'broken');
  mkdirSync(broken, { recursive: true });
  writeFileSync(
    join(broken, 'kernel.json'),
    JSON.stringify({ argv: [PYTHON, '-c', 'raise SystemExit("this kernel is broken on purpose")', '{connection_file}'], display_name: 'Broken (exits at start)', language: 'python' }),
  );
  const args = [
    '-m', 'jupyter_server', '--no-browser', '--allow-root',
    '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0',
    `--ServerApp.token=${token}`, `--ServerApp.allow_origin=${allowOrigin}`, `--ServerApp.root_dir=${home}`,
    // A kernel that keeps dying is given up on quickly.
    '--KernelRestarter.restart_limit=1',
  ];
  const proc = spawn(PYTHON, args, {
    cwd: home,
    // Its own process group: stop() ends the server and the kernels it started together.
    detached: true,
    env: { ...process.env, HOME: home, JUPYTER_PATH: join(home, 'share', 'jupyter'), JUPYTER_RUNTIME_DIR: join(home, 'runtime'), MPLBACKEND: 'module://matplotlib_inline.backend_inline' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  proc.stderr.on('data', (d) => (log = (log + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`jupyter server exited (${proc.exitCode}):\n${log}`);
    try {
      const res = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } });
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      process.kill(-proc.pid, 'SIGKILL');
      throw new Error(`jupyter server did not start:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    token,
    stop: async () => {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        process.kill(-proc.pid, 'SIGTERM');
        const timer = setTimeout(() => proc.exitCode === null && process.kill(-proc.pid, 'SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
