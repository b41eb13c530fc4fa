/**
 * The Jupyter server the agent starts when none is given: `python3 -m jupyter_server` on 127.0.0.1, on a free port,
 * with a random token that never leaves this process (peers see the kernel's name and this machine's host name,
 * never the URL or token). Its own process group, so that stopping it also ends the kernels it started.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

export interface LocalServer {
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** The Python that has Jupyter: $ANODE_PYTHON, else Debian's (the `python3` first on PATH may be another one). */
function python(): string {
  return process.env.ANODE_PYTHON ?? '/usr/bin/python3';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Starts the server and resolves once its API answers; rejects with its last log lines if it cannot start. */
export async function startLocalServer(): Promise<LocalServer> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const args = [
    '-m', 'jupyter_server', '--no-browser',
    '--ServerApp.ip=127.0.0.1', `--ServerApp.port=${port}`, '--ServerApp.port_retries=0',
    `--ServerApp.token=${token}`,
    // Kernels start in the directory the agent was started from, like `jupyter server` there.
    `--ServerApp.root_dir=${process.cwd()}`,
  ];
  if (typeof process.getuid === 'function' && process.getuid() === 0) args.push('--allow-root');
  const proc = spawn(python(), args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const spawnError = new Promise<Error>((resolve) => proc.once('error', resolve));
  const url = `http://127.0.0.1:${port}/`;
  const kill = (signal: NodeJS.Signals): void => {
    try {
      if (proc.pid !== undefined) process.kill(-proc.pid, signal);
    } catch {
      // Already gone.
    }
  };
  let stopped: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return;
      const exited = new Promise((r) => proc.once('exit', r));
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    })());
  const deadline = Date.now() + 60_000;
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 250))]);
    if (failed) throw new Error(`Could not start ${python()} (${failed.message}). Install jupyter-server and ipykernel, or give --server.`);
    if (proc.exitCode !== null) throw new Error(`The Jupyter server exited (${proc.exitCode}):\n${log.replaceAll(token, '<token>')}`);
    try {
      const res = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` } });
      if (res.ok) return { url, token, stop };
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`The Jupyter server did not answer within a minute:\n${log.replaceAll(token, '<token>')}`);
    }
  }
}
