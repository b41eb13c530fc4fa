#!/usr/bin/env node
/**
 * Rooms by size, same run: edit-to-visible between real Chromium pages (one browser context each) through the sync
 * harness (tests/e2e/collab-harness.mjs: the real src/sync and src/model, no UI), over the WebRTC mesh at 2, 8
 * and 20 peers, and through the blind relay (@y/websocket-server on 127.0.0.1, src/sync/relay.ts: sealed, signed
 * updates) without WebRTC at 2, 8, 20 and 40 peers.
 *
 * One edit: peer 0 inserts a character into a cell's Y.Text; each other peer records when its document has it.
 * Per room size: p50/p95 over every (edit, receiver) pair, and p50/p95 of the slowest receiver per edit (when the
 * whole room sees it). Timed with each page's performance.timeOrigin + now(): one machine clock, pages agree to
 * about a millisecond. All pages share this 2-core machine's CPU: larger rooms measure the machine as much as the
 * protocol (the simulation, tests/unit/sync-scale-sim.test.ts, separates the two).
 *
 * Usage: node tests/bench/rooms.mjs [--edits 40] [--sizes 2,8,20] [--relay-sizes 2,8,20,40]
 * Prints a table and one JSON line (`ROOMS_BENCH {...}`). Chromium: CHROMIUM_PATH (default /usr/bin/chromium).
 */
import { chromium } from 'playwright-core';
import { joinRoom, startCollabHarness } from '../e2e/collab-harness.mjs';
import { LAUNCH, option, quantile } from './lib/app.mjs';

const EDITS = Number(option('edits', 40));
const SIZES = option('sizes', '2,8,20').split(',').map(Number);
const RELAY_SIZES = option('relay-sizes', '2,8,20,40').split(',').map(Number);
const SECRET = 'bench-secret-0123456789abcd';

const harness = await startCollabHarness();
const browser = await chromium.launch(LAUNCH);

let seq = 0;
/** `n` pages in one fresh room, over the mesh or (relay) only through the relay; resolves once all are joined. */
async function room(n, relay) {
  const name = `rooms${Date.now().toString(36)}${seq++}`;
  const contexts = await Promise.all(Array.from({ length: n }, () => browser.newContext({ permissions: ['camera', 'microphone'] })));
  const pages = await Promise.all(contexts.map(async (c) => {
    const p = await c.newPage();
    await p.goto(harness.pageUrl);
    return p;
  }));
  const opts = { room: name, secret: SECRET, signalingUrl: harness.signalingUrl, ...(relay ? { relay: harness.relayUrl, webrtc: false } : {}) };
  await joinRoom(pages[0], { ...opts, create: true, name: 'P0' });
  await Promise.all(pages.slice(1).map((p, i) => joinRoom(p, { ...opts, name: `P${i + 1}` })));
  if (!relay) {
    for (const p of pages) await p.waitForFunction((k) => window.s.room.status().webrtcPeers >= k, n - 1, { timeout: 180_000, polling: 500 });
  }
  for (const p of pages) await p.waitForFunction(() => window.anode.model.cellOrder(window.s.doc).length > 0, null, { timeout: 120_000, polling: 200 });
  return { pages, close: () => Promise.all(contexts.map((c) => c.close())) };
}

async function measure(n, relay) {
  const { pages, close } = await room(n, relay);
  const [sender, ...receivers] = pages;
  // Each page keeps its first cell's source at hand; receivers note when each length arrives.
  await Promise.all(
    pages.map((p) =>
      p.evaluate(() => {
        const { s, anode } = window;
        const src = anode.model.getCell(s.doc, anode.model.cellOrder(s.doc)[0]).get('source');
        window.src0 = src;
        window.seen = [];
        src.observe(() => window.seen.push([src.length, performance.timeOrigin + performance.now()]));
      }),
    ),
  );
  const all = [];
  const slowest = [];
  for (let i = 0; i < EDITS; i++) {
    const [len, sent] = await sender.evaluate(() => {
      window.src0.insert(window.src0.length, 'x');
      return [window.src0.length, performance.timeOrigin + performance.now()];
    });
    const got = await Promise.all(
      receivers.map(async (p) => {
        const h = await p.waitForFunction((len) => window.seen.find((e) => e[0] >= len)?.[1], len, { timeout: 60_000, polling: 'raf' });
        return (await h.jsonValue()) - sent;
      }),
    );
    all.push(...got);
    slowest.push(Math.max(...got));
  }
  await close();
  const row = { peers: n, via: relay ? 'relay' : 'mesh', p50: quantile(all, 0.5), p95: quantile(all, 0.95), roomP50: quantile(slowest, 0.5), roomP95: quantile(slowest, 0.95) };
  console.log(
    `${row.via.padEnd(5)} ${String(n).padStart(3)} peers: edit-to-visible p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms; whole room p50 ${row.roomP50.toFixed(1)} ms, p95 ${row.roomP95.toFixed(1)} ms`,
  );
  return row;
}

const rows = [];
try {
  for (const n of SIZES) rows.push(await measure(n, false));
  for (const n of RELAY_SIZES) rows.push(await measure(n, true));
} finally {
  await browser.close();
  await harness.close();
}
console.log(`ROOMS_BENCH ${JSON.stringify({ edits: EDITS, rows })}`);
