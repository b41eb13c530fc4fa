/**
 * A harness for testing and measuring src/sync in real Chromium over real WebRTC, without the app's UI: a Vite
 * dev server serving one blank page whose module exposes `window.anode = { Y, model, sync }` (the real
 * src/model and src/sync, as the app bundles them), plus y-webrtc's own signaling server on 127.0.0.1.
 *
 * Used by tests/e2e/collab-sync.spec.ts and tests/bench/collab.mjs. Pages must be in separate browser contexts
 * for WebRTC to carry the sync (tabs of one context would also meet over BroadcastChannel).
 *
 * Chromium on a loopback-only network gathers no ICE candidates unless it has both
 * `--allow-loopback-in-peer-connection` and media permission (`--use-fake-ui-for-media-stream`); the rooms use
 * `peerOpts: { config: { iceServers: [] } }` so nobody waits on unreachable STUN servers.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer as netServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import { createServer as httpServer } from 'node:http';
import { attachRelay } from '../../scripts/relay.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

export { CHROMIUM_ARGS } from '../chromium-args.mjs';

export function freePort() {
  return new Promise((resolve) => {
    const s = netServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((resolve) => {
      const s = netServer();
      // Listening succeeds only while nobody else holds the port.
      s.once('error', () => resolve(true));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(false)));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on ${port}`);
}

/** Starts the blind relay (scripts/relay.mjs: @y/websocket-server at /relay); returns its URL and a stop function. */
export async function startRelay(port) {
  const server = httpServer((_req, res) => res.end('relay'));
  const detach = attachRelay(server);
  await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${port}/relay`,
    stop: () => {
      detach();
      server.close();
    },
  };
}

/** Starts y-webrtc's signaling server; returns its URL and a stop function. */
export async function startSignaling(port) {
  // y-webrtc's exports map hides package.json: find the bin from the main entry (dist/y-webrtc.cjs).
  const bin = join(dirname(require.resolve('y-webrtc')), '..', 'bin', 'server.js');
  const child = spawn(process.execPath, [bin], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  await waitForPort(port);
  return { url: `ws://127.0.0.1:${port}`, stop: () => child.kill() };
}

const ENTRY = `
import * as Y from 'yjs';
import * as model from '/src/model/index.ts';
import * as room from '/src/sync/room.ts';
import * as roomIndex from '/src/sync/room-index.ts';
import * as awareness from '/src/sync/awareness.ts';
import * as election from '/src/sync/election.ts';
import * as handover from '/src/sync/handover.ts';
import * as settings from '/src/sync/settings.ts';
import * as liveness from '/src/sync/liveness.ts';
import * as witness from '/src/sync/witness.ts';
import * as executor from '/src/kernel/executor.ts';
window.anode = { Y, model, sync: { ...room, ...roomIndex, ...awareness, ...election, ...handover, ...settings, ...liveness, ...witness }, executor };
window.anodeReady = true;
`;

/**
 * Starts the signaling server, the relay and the harness page. Returns
 * `{ pageUrl, signalingUrl, relayUrl, stopSignaling, close }`.
 */
export async function startCollabHarness() {
  const signaling = await startSignaling(await freePort());
  const relay = await startRelay(await freePort());
  const port = await freePort();
  const vite = await createServer({
    configFile: false,
    root,
    logLevel: 'error',
    clearScreen: false,
    server: { host: '127.0.0.1', port, strictPort: true, hmr: false },
    define: {
      __DEFAULT_SIGNALING__: JSON.stringify(signaling.url),
      __DEFAULT_RELAY__: JSON.stringify(''),
      __DEFAULT_PACKAGE_BASE__: JSON.stringify(''),
      __DEFAULT_ICE_SERVERS__: JSON.stringify(''),
      __PYODIDE_VERSION__: JSON.stringify(''),
    },
    // Listed up front so the optimizer never reloads the page mid-test on discovering them.
    optimizeDeps: {
      include: ['yjs', 'y-webrtc', 'y-websocket', 'y-protocols/awareness', 'fractional-indexing'],
      noDiscovery: true,
    },
    plugins: [
      {
        name: 'anode-collab-harness',
        resolveId: (id) => (id === 'virtual:collab-harness' ? '\0virtual:collab-harness' : undefined),
        load: (id) => (id === '\0virtual:collab-harness' ? ENTRY : undefined),
        configureServer(server) {
          server.middlewares.use((req, res, next) => {
            if (req.url !== '/collab.html') return next();
            res.setHeader('Content-Type', 'text/html; charset=utf-8');
            res.end('<!doctype html><meta charset="utf-8"><title>collab harness</title><script type="module" src="/@id/__x00__virtual:collab-harness"></script>');
          });
        },
      },
    ],
  });
  await vite.listen();
  return {
    pageUrl: `http://127.0.0.1:${port}/collab.html`,
    signalingUrl: signaling.url,
    relayUrl: relay.url,
    stopSignaling: signaling.stop,
    async close() {
      signaling.stop();
      relay.stop();
      await vite.close();
    },
  };
}

/**
 * In a harness page: opens (or creates, with `cells` as sources) the notebook `room` and joins its room with
 * presence and election. Exposes `window.s = { doc, presence, room, election, events }`; `events` logs takeovers
 * with timestamps.
 *
 * With `failover`, the peer is wired as the app wires a notebook (src/ui/session.ts): heartbeats and liveness, the
 * signaling server as witness, and an executor loop whose code handler is a stand-in for Python: it records each
 * run it executes in `window.s.executed` (run id, peer name), prints one line, and a cell whose source contains
 * `hold` keeps running until the page sets `window.s.release = true`.
 *
 * `relay`: the relay's URL (the room also syncs through it); `webrtc: false`: no mesh (no signaling), as in a
 * browser without WebRTC; `cap`: the room's capability as a link carries it (edit or view).
 */
export async function joinRoom(page, { room, secret, signalingUrl, create = false, name = 'peer', settleMs, failover = false, cells = [''], relay = null, webrtc = true, cap = null }) {
  await page.waitForFunction(() => window.anodeReady === true);
  await page.evaluate(
    async ({ room, secret, signalingUrl, create, name, settleMs, failover, cells, relay, webrtc, cap }) => {
      const { Y, model, sync, executor } = window.anode;
      const doc = create ? model.createNotebookDoc({ id: room, cells: cells.map((source) => ({ source })) }) : new Y.Doc();
      sync.saveIdentity({ name, color: '#3366cc' });
      const presence = new sync.Presence(doc);
      const events = [];
      const r = await sync.openRoom(doc, { room, secret, ...(cap ? { cap } : {}) }, {
        signaling: webrtc ? [signalingUrl] : [],
        relay,
        awareness: presence.awareness,
        peerOpts: { config: { iceServers: [] } },
        ...(settleMs ? { settleMs } : {}),
      });
      const executed = [];
      const live = failover ? new sync.Liveness(doc, presence, { executor: () => sync.recordedExecutor(doc) }) : null;
      if (live) live.setWitness(new sync.SignalingWitness(r.provider, presence.clientId));
      /** Stands in for a Pyodide kernel: always idle, one session. */
      const kernel = {
        status: { status: 'idle', isolated: true, sessionId: `k-${name}` },
        getStatus() { return this.status; },
        onStatus: () => () => {},
        run: () => Promise.reject(new Error('the harness runs cells with its handler')),
        interrupt: async () => {},
        restart: async () => {},
        complete: async (_code, cursor) => ({ matches: [], from: cursor, to: cursor }),
        inspect: async () => null,
        dispose() {},
      };
      const code = async ({ run, writer }) => {
        executed.push([run.id, name]);
        writer.append({ output_type: 'stream', name: 'stdout', text: `ran at ${name}\n` });
        if (run.source.includes('hold')) {
          while (!window.s.release) await new Promise((done) => setTimeout(done, 50));
        }
        return { state: 'done', executionCount: executed.length };
      };
      const election = sync.startExecutorElection({
        doc,
        presence,
        room: r,
        ...(live ? { liveness: live } : {}),
        onElected: (t) => {
          events.push({ type: 'elected', at: performance.timeOrigin + performance.now(), from: t.note?.from ?? null });
          presence.setKernel('ready');
          const stop = failover
            ? executor.startExecutor(doc, kernel, t.me, {
                isExecutor: t.mayExecute,
                confirmClaim: t.confirmClaim,
                onExecutorChange: (recheck) => t.onRoleChange(() => recheck()),
                handlers: { code },
              })
            : null;
          return () => {
            stop?.();
            events.push({ type: 'stopped', at: performance.timeOrigin + performance.now() });
          };
        },
      });
      // A trace of what this peer saw when its role changed, for diagnosing a test or bench that fails.
      election.onRoleChange((role) =>
        events.push({ type: 'role', at: performance.timeOrigin + performance.now(), role, peers: [...presence.awareness.getStates().keys()], status: r.status() }),
      );
      window.s = { doc, presence, room: r, election, events, executed, release: false };
    },
    { room, secret, signalingUrl, create, name, settleMs, failover, cells, relay, webrtc, cap },
  );
}
