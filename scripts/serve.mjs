#!/usr/bin/env node
// Serves the built app (dist/) on 127.0.0.1 with the cross-origin isolation headers that interrupt and input()
// need, and the rooms' signaling on the same port at /signal (scripts/signaling.mjs), which a build without
// configured signaling URLs uses. PORT (default 4173), HOST (default 127.0.0.1; 0.0.0.0 to share on a LAN),
// NO_SIGNALING=1 to serve no signaling, SIGNALING_PORT to also start y-webrtc's own server on that port (the
// tests do), DIST to serve another folder. A blind relay for rooms (scripts/relay.mjs) answers at /relay (NO_RELAY=1
// to serve none); rooms use it only when a build or Settings names it.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { staticHandler } from './static-host.mjs';
import { attachSignaling } from './signaling.mjs';
import { attachRelay, isRelayPath } from './relay.mjs';

const root = resolve(process.env.DIST ?? join(fileURLToPath(new URL('..', import.meta.url)), 'dist'));
const port = Number(process.env.PORT ?? 4173);
const host = process.env.HOST ?? '127.0.0.1';

if (!existsSync(join(root, 'index.html'))) {
  console.error(`No build in ${root}: run "npm run build" first (npm start does).`);
  process.exit(1);
}

const server = createServer(staticHandler({ root: () => root }));

let signaling;
const relay = process.env.NO_RELAY !== '1';
if (relay) attachRelay(server);
if (process.env.NO_SIGNALING !== '1') attachSignaling(server, { others: (p) => relay && isRelayPath(p) });
if (process.env.NO_SIGNALING !== '1' && process.env.SIGNALING_PORT) {
  const require = createRequire(import.meta.url);
  // y-webrtc's exports map hides package.json: find the bin from the main entry (dist/y-webrtc.cjs).
  const bin = join(dirname(require.resolve('y-webrtc')), '..', 'bin', 'server.js');
  const sport = process.env.SIGNALING_PORT;
  signaling = spawn(process.execPath, [bin], { env: { ...process.env, PORT: sport }, stdio: 'inherit' });
  signaling.on('exit', (code) => code && console.error(`signaling server exited (${code})`));
}

server.listen(port, host, () => {
  console.log(`Anode is running at http://${host}:${port}/ (rooms' signaling at ws://${host}:${port}/signal, relay at ws://${host}:${port}/relay)`);
});

function stop() {
  signaling?.kill();
  server.close();
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
