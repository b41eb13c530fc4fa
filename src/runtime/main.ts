/**
 * `anode-runtime`'s entry (bundled for Node by scripts/anode-runtime.mjs): parses the command line, starts a
 * Jupyter server unless one is given, runs the agent (./agent.ts) and leaves cleanly on Ctrl+C or SIGTERM: the room
 * is told at once, the kernel and the server this process started are shut down. A second Ctrl+C exits at once.
 */
import './node-globals';
import { hostname } from 'node:os';
import { parseAgentArgs, runtimeName, USAGE } from './args';
import { startLocalServer, type LocalServer } from './local-server';
import { startAgent, type RunningAgent } from './agent';

const log = (line: string): void => console.log(`[anode-runtime] ${line}`);

async function main(): Promise<number> {
  const parsed = parseAgentArgs(process.argv.slice(2), process.env);
  if (parsed.ok === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (!parsed.ok) {
    console.error(`anode-runtime: ${parsed.message}\n\n${USAGE}`);
    return 2;
  }
  const { args } = parsed;
  const host = hostname();
  // Kept as promises, so that a Ctrl+C while they start still shuts down what they started.
  let local: Promise<LocalServer | null> = Promise.resolve(null);
  let agent: Promise<RunningAgent | null> = Promise.resolve(null);
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      log('Stopping now.');
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: leaving the room (another peer takes over)…`);
    await (await agent.catch(() => null))?.leave();
    await (await local.catch(() => null))?.stop();
    log('Left; the kernel is shut down.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl+C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  let server = args.server;
  if (server) {
    log(`Using the Jupyter server at ${server.url}`);
  } else {
    log('Starting a Jupyter server on 127.0.0.1…');
    local = startLocalServer();
    const started = await local;
    if (!started || stopping) return -1; // stop() finishes
    log(`Jupyter server on ${started.url} (token kept in this process).`);
    server = { url: started.url, token: started.token };
  }
  agent = startAgent({ args, server, host, displayName: runtimeName(args.name, host), log });
  try {
    await agent;
  } catch (e) {
    await (await local)?.stop();
    throw e;
  }
  return -1; // keeps running until a signal
}

main().then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (e: unknown) => {
    console.error(`anode-runtime: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
