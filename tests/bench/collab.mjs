#!/usr/bin/env node
/**
 * Collaboration figures between real Chromium pages in separate browser contexts over real WebRTC (y-webrtc's
 * signaling server on 127.0.0.1), driving src/sync and src/model through the harness page of
 * tests/e2e/collab-harness.mjs (no app UI: so these are the sync layer's share of what a user sees):
 *
 * - edit latency: a character typed into a cell's Y.Text at A until B's document has it (B's observer), median
 *   and p95 over N edits, timed with both pages' high-resolution clocks (one machine, one clock).
 * - remote run round trip: B queues a run; A, the executor, runs an instant executor (claim, one output,
 *   finish: Python and painting excluded) until B's document has the output. Median over M runs.
 * - failover: the executor's tab closes (cleanly, beforeunload) until another peer has taken over (election +
 *   handover written). Kernel boot comes on top in the app (a cold Pyodide start is ~2.5-3 s here).
 *
 * Usage: node tests/bench/collab.mjs [N=100] [M=50] [F=5]. Prints a table and one JSON line (`COLLAB_BENCH {...}`).
 * Chromium: CHROMIUM_PATH (default /usr/bin/chromium).
 */
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, joinRoom, startCollabHarness } from '../e2e/collab-harness.mjs';

const N = Number(process.argv[2] ?? 100);
const M = Number(process.argv[3] ?? 50);
const F = Number(process.argv[4] ?? 5);
const TARGETS = { editP95: 50, runP50: 100, failover: 5000 };
const SECRET = 'bench-secret-0123456789abcd';

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

const harness = await startCollabHarness();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

async function tab() {
  const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
  const page = await context.newPage();
  await page.goto(harness.pageUrl);
  return { context, page };
}

let seq = 0;
/** Two (or more) pages in one fresh room, all connected to each other over WebRTC. */
async function room(n) {
  const name = `bench${Date.now().toString(36)}${seq++}`;
  const tabs = [];
  for (let i = 0; i < n; i++) {
    const t = await tab();
    await joinRoom(t.page, { room: name, secret: SECRET, signalingUrl: harness.signalingUrl, create: i === 0, name: `P${i}` });
    tabs.push(t);
  }
  for (const t of tabs) await t.page.waitForFunction((k) => window.s.room.status().webrtcPeers >= k, n - 1, { timeout: 30_000 });
  // Wait for the notebook itself to arrive everywhere.
  for (const t of tabs) await t.page.waitForFunction(() => window.anode.model.cellOrder(window.s.doc).length > 0);
  return tabs;
}

// --- edit latency ---------------------------------------------------------------------------------------
const [a, b] = await room(2);
await b.page.evaluate(() => {
  const { s, anode } = window;
  const src = anode.model.getCell(s.doc, anode.model.cellOrder(s.doc)[0]).get('source');
  window.seen = [];
  src.observe(() => window.seen.push([src.length, performance.timeOrigin + performance.now()]));
});
const edits = [];
for (let i = 0; i < N; i++) {
  const sent = await a.page.evaluate(() => {
    const { s, anode } = window;
    const src = anode.model.getCell(s.doc, anode.model.cellOrder(s.doc)[0]).get('source');
    src.insert(src.length, 'x');
    return [src.length, performance.timeOrigin + performance.now()];
  });
  const got = await b.page.waitForFunction((len) => window.seen.find((e) => e[0] >= len)?.[1], sent[0]);
  edits.push((await got.jsonValue()) - sent[1]);
}

// --- remote run round trip ----------------------------------------------------------------------------
await a.page.evaluate(() => {
  const { s, anode } = window;
  const m = anode.model;
  const me = { client: s.doc.clientID, name: 'P0' };
  // An instant executor through src/model, as the real loop writes: claim, one output, finish.
  const pump = () => {
    for (const run of m.liveRuns(s.doc)) {
      if (run.state !== 'queued' || !m.claimRun(s.doc, run.id, me, m.EXECUTOR)) continue;
      m.appendOutputs(s.doc, run.cellId, [{ output_type: 'stream', name: 'stdout', text: 'ok\n' }], m.EXECUTOR);
      m.finishRun(s.doc, run.id, 'done', m.EXECUTOR, 1);
    }
  };
  m.runsMap(s.doc).observeDeep(() => queueMicrotask(pump));
});
const runs = [];
for (let i = 0; i < M; i++) {
  const ms = await b.page.evaluate(
    () =>
      new Promise((resolve) => {
        const { s, anode } = window;
        const m = anode.model;
        const id = m.cellOrder(s.doc)[0];
        const cell = m.getCell(s.doc, id);
        const t0 = performance.now();
        let runId = null;
        const check = () => {
          const last = m.readLastRun(cell);
          if (runId && last && last.runId === runId && last.state === 'done' && cell.get('outputs').length > 0) {
            s.doc.off('afterTransaction', check);
            resolve(performance.now() - t0);
          }
        };
        s.doc.on('afterTransaction', check);
        runId = m.requestRun(s.doc, id, { client: s.doc.clientID, name: 'P1' }, m.LOCAL);
      }),
  );
  runs.push(ms);
}
await a.context.close();
await b.context.close();

// --- failover -------------------------------------------------------------------------------------------
const failovers = [];
for (let i = 0; i < F; i++) {
  const [x, y, z] = await room(3);
  if (process.env.DEBUG_BENCH) for (const t of [x, y, z]) console.log(await t.page.evaluate(() => JSON.stringify({ me: window.s.doc.clientID, events: window.s.events })));
  await x.page.waitForFunction(() => window.s.election.role().acting);
  const closedAt = await x.page.evaluate(() => performance.timeOrigin + performance.now());
  await x.page.close({ runBeforeUnload: true });
  const took = await Promise.race(
    [y, z].map((t) =>
      t.page
        .waitForFunction(() => window.s.events.find((e) => e.type === 'elected')?.at, null, { timeout: 60_000 })
        .then((h) => h.jsonValue()),
    ),
  );
  failovers.push(took - closedAt);
  for (const t of [x, y, z]) await t.context.close();
}

await browser.close();
await harness.close();

const result = {
  editMedianMs: +quantile(edits, 0.5).toFixed(2),
  editP95Ms: +quantile(edits, 0.95).toFixed(2),
  remoteRunMedianMs: +quantile(runs, 0.5).toFixed(2),
  remoteRunP95Ms: +quantile(runs, 0.95).toFixed(2),
  failoverMedianMs: +quantile(failovers, 0.5).toFixed(0),
  failoverMaxMs: +Math.max(...failovers).toFixed(0),
  n: { edits: N, runs: M, failovers: F },
};
const row = (label, value, target) => `${label.padEnd(42)} ${String(value).padStart(9)} ms   target ${target}`;
console.log(row('edit A→B, median', result.editMedianMs, ''));
console.log(row('edit A→B, p95', result.editP95Ms, `< ${TARGETS.editP95} ms`));
console.log(row('remote run round trip (sync only), median', result.remoteRunMedianMs, `< ${TARGETS.runP50} ms (with Python + paint)`));
console.log(row('remote run round trip (sync only), p95', result.remoteRunP95Ms, ''));
console.log(row('failover to a new executor, median', result.failoverMedianMs, `< ${TARGETS.failover} ms (plus kernel boot)`));
console.log(row('failover to a new executor, max', result.failoverMaxMs, ''));
console.log(`COLLAB_BENCH ${JSON.stringify(result)}`);
