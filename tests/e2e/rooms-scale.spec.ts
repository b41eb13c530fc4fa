/**
 * Rooms at classroom scale, in real Chromium pages (one browser context each: nothing meets over
 * BroadcastChannel) through the sync harness (tests/e2e/collab-harness.mjs: the real src/sync and src/model, no
 * UI, no Python), y-webrtc's signaling server and the blind relay (@y/websocket-server) on 127.0.0.1.
 *
 * - 20 peers in one WebRTC mesh (190 connections): everyone types at once, every document converges, one executor.
 * - A lecture of 40 through the relay, without WebRTC: one editor, 39 viewers who see every edit live, and a
 *   tampered viewer whose writes reach no one.
 *
 * 20 and 40 are what this 2-core machine hosts in one spec within a few minutes (a harness page is ~30 MB); the
 * simulation (tests/unit/sync-scale-sim.test.ts) goes past it.
 */
import { test, expect, type Browser, type BrowserContext, type Page } from './fixtures';
import { joinRoom, startCollabHarness, type CollabHarness, type HarnessWindow } from './collab-harness.mjs';
import { encodeCapability, newEditCapability, viewCapability } from '../../src/sync/edit-auth';

type W = Window & HarnessWindow;

const SECRET = 'scale-secret-0123456789abcd';
let harness: CollabHarness;
const contexts: BrowserContext[] = [];

test.beforeAll(async () => {
  harness = await startCollabHarness();
});
test.afterAll(async () => {
  await harness.close();
});
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

async function pages(browser: Browser, n: number): Promise<Page[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      // Media permission: without it Chromium gathers no loopback ICE candidates on a network-less machine.
      const context = await browser.newContext({ permissions: ['camera', 'microphone'] });
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(harness.pageUrl);
      return page;
    }),
  );
}

/** Every page's first cell source. */
function sources(all: Page[]): Promise<string[]> {
  return Promise.all(
    all.map((p) =>
      p.evaluate(() => {
        const w = window as unknown as W;
        const id = w.anode.model.cellOrder(w.s.doc)[0];
        const cell = id ? w.anode.model.cellsMap(w.s.doc).get(id) : undefined;
        return cell ? (w.anode.model.cellSource(cell)?.toString() ?? '') : '';
      }),
    ),
  );
}

test('20 peers in one mesh: all type at once, every document converges, one executor', async ({ browser }) => {
  test.setTimeout(300_000);
  const room = `mesh${Date.now().toString(36)}`;
  const all = await pages(browser, 20);
  await joinRoom(all[0]!, { room, secret: SECRET, signalingUrl: harness.signalingUrl, create: true, name: 'P0' });
  await Promise.all(all.slice(1).map((p, i) => joinRoom(p, { room, secret: SECRET, signalingUrl: harness.signalingUrl, name: `P${i + 1}` })));
  await expect
    .poll(() => Promise.all(all.map((p) => p.evaluate(() => (window as unknown as W).s.room.status().webrtcPeers))), { timeout: 180_000, intervals: [1000] })
    .toEqual(all.map(() => 19));

  // Everyone appends a line of their own to the same cell at once.
  await Promise.all(
    all.map((p, i) =>
      p.evaluate((line) => {
        const w = window as unknown as W;
        const text = w.anode.model.cellSource(w.anode.model.cellsMap(w.s.doc).get(w.anode.model.cellOrder(w.s.doc)[0]!)!)!;
        text.insert(text.length, line);
      }, `line from P${i}\n`),
    ),
  );
  await expect.poll(async () => new Set(await sources(all)).size, { timeout: 60_000, intervals: [500] }).toBe(1);
  const [text] = await sources(all);
  for (let i = 0; i < 20; i++) expect(text).toContain(`line from P${i}\n`);

  // One executor, and every peer agrees which.
  await expect
    .poll(() => Promise.all(all.map((p) => p.evaluate(() => (window as unknown as W).s.election.role().acting))), { timeout: 60_000, intervals: [500] })
    .toEqual(expect.arrayContaining([true]));
  const acting = await Promise.all(all.map((p) => p.evaluate(() => (window as unknown as W).s.election.role().acting)));
  expect(acting.filter(Boolean)).toHaveLength(1);
  const recorded = await Promise.all(all.map((p) => p.evaluate(() => { const w = window as unknown as W; return w.anode.sync.recordedExecutor(w.s.doc); })));
  expect(new Set(recorded).size).toBe(1);
});

test('a lecture of 40 through the relay without WebRTC: 39 viewers see every edit, a tampered viewer reaches no one', async ({ browser }) => {
  test.setTimeout(300_000);
  const room = `lecture${Date.now().toString(36)}`;
  const editCap = await newEditCapability();
  const edit = encodeCapability(editCap);
  const view = encodeCapability(viewCapability(editCap));
  const all = await pages(browser, 40);
  const [teacher, ...students] = all as [Page, ...Page[]];
  const common = { room, secret: SECRET, signalingUrl: harness.signalingUrl, relay: harness.relayUrl, webrtc: false };
  await joinRoom(teacher, { ...common, cap: edit, create: true, name: 'Teacher', cells: ['# lecture\n'] });
  await Promise.all(students.map((p, i) => joinRoom(p, { ...common, cap: view, name: `S${i + 1}` })));
  await expect.poll(async () => new Set(await sources(all)).size, { timeout: 120_000, intervals: [1000] }).toBe(1);
  expect((await sources(all))[0]).toBe('# lecture\n');

  // Live: three edits, each seen by all 39.
  for (const line of ['x = 1\n', 'y = 2\n', 'print(x + y)\n']) {
    await teacher.evaluate((line) => {
      const w = window as unknown as W;
      const text = w.anode.model.cellSource(w.anode.model.cellsMap(w.s.doc).get(w.anode.model.cellOrder(w.s.doc)[0]!)!)!;
      text.insert(text.length, line);
    }, line);
    await expect
      .poll(async () => (await sources(students)).filter((s) => s.endsWith(line)).length, { timeout: 60_000, intervals: [250] })
      .toBe(39);
  }

  // A tampered student writes into its own document: the relay carries it, no one applies it.
  await students[0]!.evaluate(() => {
    const w = window as unknown as W;
    const text = w.anode.model.cellSource(w.anode.model.cellsMap(w.s.doc).get(w.anode.model.cellOrder(w.s.doc)[0]!)!)!;
    text.insert(0, 'HACKED ');
  });
  await teacher.evaluate(() => {
    const w = window as unknown as W;
    const text = w.anode.model.cellSource(w.anode.model.cellsMap(w.s.doc).get(w.anode.model.cellOrder(w.s.doc)[0]!)!)!;
    text.insert(text.length, '# end\n');
  });
  await expect
    .poll(async () => (await sources(students.slice(1))).filter((s) => s.endsWith('# end\n')).length, { timeout: 60_000, intervals: [250] })
    .toBe(38);
  const seen = await sources([teacher, ...students.slice(1)]);
  expect(seen.filter((s) => s.includes('HACKED'))).toEqual([]);
  // Presence: the teacher sees the students (as viewers), through the relay.
  await expect
    .poll(() => teacher.evaluate(() => (window as unknown as W).s.presence.awareness.getStates().size), { timeout: 60_000, intervals: [500] })
    .toBe(40);
  expect(await teacher.evaluate(() => (window as unknown as W).s.room.status().relay?.peers)).toBe(39);
});
