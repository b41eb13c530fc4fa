#!/usr/bin/env node
/**
 * Rooms at classroom scale, simulated (issue #17): mesh (y-webrtc's flooding mesh, as Anode runs today) vs relay
 * (a star through a blind relay), at N = 2, 8, 20, 40, 120 peers, each with a real Y.Doc and Awareness, over the
 * simulated network of tests/unit/sync-scale-net.ts (seeded one-way latency per message: 15 ms + an exponential tail
 * of mean 25 ms, capped at 400 ms, per link or per relay leg). Workload (tests/unit/sync-scale-workload.ts): random
 * peers type one character every 100 ms into a 6-cell notebook.
 *
 * Printed per topology and N, for a clean network and for a rough one (every link down 5% of the time: drops with
 * 1–3 s to come back, plus one partition 40/60 of 3 s that heals):
 * - doc messages and bytes per edit (bytes: y-protocols messages; relay legs + 28 bytes of AES-GCM), reconnect
 *   exchanges counted separately (messages per edit);
 * - edit-to-converged: simulated ms from a keystroke until every peer holds it, p50 / p95 over the edits;
 * - presence: messages per presence change, and what Anode's heartbeat (every peer, every 500 ms) costs room-wide.
 *
 * `--election`: also runs the election at 120 peers (12 offering to execute) through a partition, over the mesh and
 * over the relay (tests/unit/sync-scale-sim.test.ts under vitest, 1.5–2 min each on a 2-core machine), and prints
 * its log lines.
 *
 * Usage: node tests/bench/room-sim.mjs [--edits 100] [--election]. Prints tables and one `ROOM_SIM_BENCH {...}` line.
 * TypeScript sources are loaded through Vite's SSR module loader. Times are simulated, so they do not depend on the
 * machine or its load; bytes vary by a few percent between runs (the notebook's cell ids are random).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const EDITS = Number(args[args.indexOf('--edits') + 1] || 100) || 100;
const ELECTION = args.includes('--election');
const SIZES = [2, 8, 20, 40, 120];

const vite = await createServer({ configFile: false, root, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false } });
const { runWorkload, quantile } = await vite.ssrLoadModule('/tests/unit/sync-scale-workload.ts');

const ROUGH = { linkDown: 0.05, partition: { at: 2000, ms: 3000, share: 0.4 } };
const results = [];
for (const [label, extra] of [
  ['clean', {}],
  ['5% link downtime + one 3 s partition', ROUGH],
]) {
  console.log(`\n${label} (${EDITS} edits, one every 100 ms)`);
  console.log('topology    N   doc msgs/edit  reconnect msgs/edit  bytes/edit   converged p50 / p95 ms   presence msgs/change  heartbeat msgs/s');
  for (const n of SIZES) {
    for (const topology of ['mesh', 'relay']) {
      const started = Date.now();
      const r = runWorkload({ topology, n, seed: 1000 + n, edits: EDITS, ...extra });
      if (!r.converged) throw new Error(`${topology} N=${n} ${label}: the room did not converge`);
      const row = {
        label,
        topology,
        n,
        docPerEdit: r.tally.doc / r.edits,
        reconnectPerEdit: r.tally.handshake / r.edits,
        bytesPerEdit: (r.tally.docBytes + r.tally.handshakeBytes) / r.edits,
        p50: quantile(r.convergeMs, 0.5),
        p95: quantile(r.convergeMs, 0.95),
        presencePerChange: r.awarenessPerChange,
        heartbeatPerSec: r.awarenessPerChange * n * 2,
        drops: r.drops,
        wallMs: Date.now() - started,
      };
      results.push(row);
      console.log(
        `${topology.padEnd(8)} ${String(n).padStart(4)}  ${row.docPerEdit.toFixed(0).padStart(13)}  ${row.reconnectPerEdit.toFixed(1).padStart(19)}  ${fmtBytes(row.bytesPerEdit).padStart(10)}   ${`${row.p50.toFixed(0)} / ${row.p95.toFixed(0)}`.padStart(22)}   ${String(row.presencePerChange).padStart(20)}  ${String(row.heartbeatPerSec).padStart(16)}`,
      );
    }
  }
}
await vite.close();

const election = [];
if (ELECTION) {
  for (const topology of ['mesh', 'relay']) {
    console.log(`\nelection, 120 peers over the ${topology} (12 offer to execute), split 45/75 with the executor on the small side, then healed:`);
    const started = Date.now();
    const out = spawnSync(process.execPath, [`${root}/node_modules/vitest/vitest.mjs`, 'run', 'tests/unit/sync-scale-sim.test.ts', '-t', 'one executor'], {
      cwd: root,
      env: { ...process.env, SIM_PEERS: '120', SIM_ELECTORS: '12', SIM_TOPOLOGY: topology },
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const lines = out.stdout.split('\n').filter((l) => /^\d+ (joined|partition|split|healed|P\d+ takes over)/.test(l));
    for (const l of lines) console.log(`  ${l}`);
    const ok = out.status === 0;
    console.log(`  ${ok ? 'passed' : 'FAILED'} (${((Date.now() - started) / 1000).toFixed(0)} s wall)`);
    if (!ok) process.exitCode = 1;
    election.push({ topology, ok, lines });
  }
}

console.log(`ROOM_SIM_BENCH ${JSON.stringify({ edits: EDITS, results, election })}`);

function fmtBytes(b) {
  return b < 10_000 ? `${b.toFixed(0)} B` : `${(b / 1024).toFixed(0)} KB`;
}
