/**
 * src/sync in real Chromium over real WebRTC: pages in separate browser contexts (separate storage, so
 * BroadcastChannel cannot carry the sync and WebRTC must), y-webrtc's own signaling server on 127.0.0.1.
 * These drive the sync layer directly through a harness page (tests/e2e/collab-harness.mjs); the same flows
 * through the app's UI belong in the UI's collab specs.
 */
import { test, expect, type Browser, type BrowserContext, type Page, newContext } from './fixtures';
import { joinRoom, startCollabHarness, type CollabHarness, type HarnessWindow } from './collab-harness.mjs';

type W = Window & HarnessWindow;

let harness: CollabHarness;
const SECRET = 'e2e-secret-0123456789abcdef';

test.beforeAll(async () => {
  harness = await startCollabHarness();
});
test.afterAll(async () => {
  await harness?.close();
});

let roomSeq = 0;
function roomName(): string {
  return `e2e${Date.now().toString(36)}${roomSeq++}`;
}

const contexts: BrowserContext[] = [];
test.afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

/** A page in its own browser context (its own storage: no BroadcastChannel with the others). */
async function tab(browser: Browser): Promise<Page> {
  // Media permission: without it Chromium gathers no loopback ICE candidates on a network-less machine.
  const context = await newContext(browser, { permissions: ['camera', 'microphone'] });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(harness.pageUrl);
  return page;
}

function connected(page: Page, peers = 1): Promise<unknown> {
  return page.waitForFunction((n) => (window as unknown as W).s.room.status().webrtcPeers >= n, peers, { timeout: 20_000 });
}

function cellText(page: Page): Promise<string> {
  return page.evaluate(() => {
    const { s, anode } = window as unknown as W;
    const id = anode.model.cellOrder(s.doc)[0];
    return id ? anode.model.snapshotCell(s.doc, id)!.source : '<no cell>';
  });
}

function typeInto(page: Page, text: string): Promise<void> {
  return page.evaluate((t) => {
    const { s, anode } = window as unknown as W;
    const id = anode.model.cellOrder(s.doc)[0]!;
    const src = anode.model.getCell(s.doc, id)!.get('source') as import('yjs').Text;
    src.insert(src.length, t);
  }, text);
}

test('edits sync both ways between two browsers over WebRTC, not BroadcastChannel', async ({ browser }) => {
  const room = roomName();
  const a = await tab(browser);
  const b = await tab(browser);
  await joinRoom(a, { room, secret: SECRET, signalingUrl: harness.signalingUrl, create: true, name: 'Ada' });
  await joinRoom(b, { room, secret: SECRET, signalingUrl: harness.signalingUrl, name: 'Bob' });
  await connected(b);
  const status = await b.evaluate(() => (window as unknown as W).s.room.status());
  expect(status).toMatchObject({ signaling: 'connected', transport: 'webrtc', bcPeers: 0 });

  await typeInto(a, 'x = 1');
  await expect.poll(() => cellText(b)).toBe('x = 1');
  await typeInto(b, '\nprint(x)');
  await expect.poll(() => cellText(a)).toBe('x = 1\nprint(x)');
});

test('each peer sees who is here, their colour, and which cell they are on', async ({ browser }) => {
  const room = roomName();
  const a = await tab(browser);
  const b = await tab(browser);
  await joinRoom(a, { room, secret: SECRET, signalingUrl: harness.signalingUrl, create: true, name: 'Ada' });
  await joinRoom(b, { room, secret: SECRET, signalingUrl: harness.signalingUrl, name: 'Bob' });
  await connected(a);
  await b.evaluate(() => {
    const { s, anode } = window as unknown as W;
    s.presence.setCell(anode.model.cellOrder(s.doc)[0] ?? null);
  });
  await expect
    .poll(() =>
      a.evaluate(() => {
        const { s } = window as unknown as W;
        return [...s.presence.peers().values()].map((p) => `${p.user.name}:${p.cell ? 'on-cell' : '-'}:${p.user.colorLight}`).sort();
      }),
    )
    .toEqual(['Ada:-:#3366cc33', 'Bob:on-cell:#3366cc33']);
});

test('the executor closes its tab: another peer takes over within 5 s and the running run is interrupted', async ({ browser }) => {
  const room = roomName();
  const a = await tab(browser);
  const b = await tab(browser);
  const c = await tab(browser);
  await joinRoom(a, { room, secret: SECRET, signalingUrl: harness.signalingUrl, create: true, name: 'Ada' });
  await joinRoom(b, { room, secret: SECRET, signalingUrl: harness.signalingUrl, name: 'Bob' });
  await joinRoom(c, { room, secret: SECRET, signalingUrl: harness.signalingUrl, name: 'Cy' });
  await connected(a, 2);
  await connected(b, 2);
  await connected(c, 2);
  const roles = async () =>
    Promise.all([a, b, c].map((p) => p.evaluate(() => (window as unknown as W).s.election.role().acting)));
  await expect.poll(roles).toEqual([true, false, false]);

  // Bob asks for a run; Ada's (simulated) executor loop claims it and is still running it when she leaves.
  const runId = await b.evaluate(() => {
    const { s, anode } = window as unknown as W;
    return anode.model.requestRun(s.doc, anode.model.cellOrder(s.doc)[0]!, { client: s.doc.clientID, name: 'Bob' }, anode.model.LOCAL);
  });
  await a.waitForFunction((id) => {
    const { s, anode } = window as unknown as W;
    return anode.model.readRun(s.doc, id!)?.state === 'queued';
  }, runId);
  await a.evaluate((id) => {
    const { s, anode } = window as unknown as W;
    anode.model.claimRun(s.doc, id!, { client: s.doc.clientID, name: 'Ada' }, anode.model.EXECUTOR);
  }, runId);
  await b.waitForFunction((id) => (window as unknown as W).anode.model.readRun((window as unknown as W).s.doc, id!)?.state === 'running', runId);

  const closedAt = await a.evaluate(() => performance.timeOrigin + performance.now());
  await a.close({ runBeforeUnload: true });

  // Exactly one of the two remaining peers takes over (every peer computed the same answer).
  const actingAfter = () => Promise.all([b, c].map((p) => p.evaluate(() => (window as unknown as W).s.election.role().acting)));
  await expect.poll(async () => (await actingAfter()).filter(Boolean).length, { timeout: 5_000 }).toBe(1);
  const newExecutor = (await actingAfter())[0] ? b : c;
  const takeoverAt = await newExecutor.evaluate(() => (window as unknown as W).s.events.find((e) => e.type === 'elected')?.at ?? 0);
  expect(takeoverAt - closedAt).toBeLessThan(5_000);
  for (const p of [b, c]) {
    await expect
      .poll(() =>
        p.evaluate((id) => {
          const { s, anode } = window as unknown as W;
          const cell = anode.model.getCell(s.doc, anode.model.cellOrder(s.doc)[0]!)!;
          return [anode.model.readRun(s.doc, id!), anode.model.readLastRun(cell)?.state, anode.model.currentHandover(s.doc)?.from?.name];
        }, runId),
      )
      .toEqual([null, 'interrupted', 'Ada']);
  }
});

test('a wrong room secret cannot read the notebook', async ({ browser }) => {
  const room = roomName();
  const a = await tab(browser);
  const b = await tab(browser);
  const m = await tab(browser);
  await joinRoom(a, { room, secret: SECRET, signalingUrl: harness.signalingUrl, create: true, name: 'Ada' });
  await typeInto(a, 'secret = 42');
  await joinRoom(m, { room, secret: 'not-the-secret-0123456789', signalingUrl: harness.signalingUrl, name: 'Mallory' });
  await joinRoom(b, { room, secret: SECRET, signalingUrl: harness.signalingUrl, name: 'Bob' });
  // Bob (right secret) gets the notebook: the room works and Mallory was in it all along.
  await expect.poll(() => cellText(b), { timeout: 20_000 }).toBe('secret = 42');
  await m.waitForTimeout(1_000);
  expect(await cellText(m)).toBe('<no cell>');
  expect(await m.evaluate(() => (window as unknown as W).s.room.status().webrtcPeers)).toBe(0);
  expect(await m.evaluate(() => (window as unknown as W).s.presence.peers().size)).toBe(1);
});

/** Ada and Bob in a new room, connected over WebRTC, both seeing Ada's first cell read `base`. */
async function pairWithBase(browser: Browser): Promise<{ room: string; a: Page; b: Page }> {
  const room = roomName();
  const a = await tab(browser);
  const b = await tab(browser);
  await joinRoom(a, { room, secret: SECRET, signalingUrl: harness.signalingUrl, create: true, name: 'Ada' });
  await joinRoom(b, { room, secret: SECRET, signalingUrl: harness.signalingUrl, name: 'Bob' });
  await connected(b);
  await typeInto(a, 'base');
  await expect.poll(() => cellText(b)).toBe('base');
  return { room, a, b };
}

test('a peer that goes offline keeps editing; when it comes back both sides merge with nothing lost', async ({ browser }) => {
  const { room, a, b } = await pairWithBase(browser);

  // Bob drops off the network (leaves the room), and both edit meanwhile.
  await b.evaluate(() => (window as unknown as W).s.room.destroy());
  // Ada sees Bob leave at once (and he is not re-announced when his tab keeps its own presence).
  await expect.poll(() => a.evaluate(() => (window as unknown as W).s.presence.peers().size), { timeout: 3_000 }).toBe(1);
  await a.waitForTimeout(500);
  expect(await a.evaluate(() => (window as unknown as W).s.presence.peers().size)).toBe(1);
  expect(await b.evaluate(() => (window as unknown as W).s.presence.local().user.name)).toBe('Bob');
  await typeInto(a, ' +ada');
  await b.evaluate(() => {
    const { s, anode } = window as unknown as W;
    anode.model.insertCell(s.doc, undefined, { source: 'offline cell' }, anode.model.LOCAL);
    const src = anode.model.getCell(s.doc, anode.model.cellOrder(s.doc)[0]!)!.get('source') as import('yjs').Text;
    src.insert(0, 'bob: ');
  });
  await b.waitForTimeout(300);
  expect(await cellText(a)).toBe('base +ada');

  // Back online: rejoin the room.
  await b.evaluate(
    async ({ room, secret, signalingUrl }) => {
      const w = window as unknown as W & { anode: { sync: typeof import('../../src/sync/room') } };
      w.s.room = await w.anode.sync.openRoom(w.s.doc, { room, secret }, { signaling: [signalingUrl], awareness: w.s.presence.awareness, peerOpts: { config: { iceServers: [] } } });
    },
    { room, secret: SECRET, signalingUrl: harness.signalingUrl },
  );
  const all = (p: Page) =>
    p.evaluate(() => {
      const { s, anode } = window as unknown as W;
      return anode.model.cellOrder(s.doc).map((id) => anode.model.snapshotCell(s.doc, id)!.source);
    });
  await expect.poll(() => all(a), { timeout: 20_000 }).toEqual(['bob: base +ada', 'offline cell']);
  await expect.poll(() => all(b)).toEqual(['bob: base +ada', 'offline cell']);
});

/** Every cell's text, in order. */
function allCells(p: Page): Promise<string[]> {
  return p.evaluate(() => {
    const { s, anode } = window as unknown as W;
    return anode.model.cellOrder(s.doc).map((id) => anode.model.snapshotCell(s.doc, id)!.source);
  });
}

/**
 * A network cut as the browser sees it: no new connection can be made (`setOffline`; the signaling socket is left
 * as the browser leaves it), and this page's WebRTC connections are torn down (as ICE does once the cut outlives
 * its timeout).
 */
async function cut(page: Page, context: BrowserContext): Promise<void> {
  await context.setOffline(true);
  await page.evaluate(() => {
    const { room } = (window as unknown as W).s;
    type Conn = { ws: WebSocket | null; peer?: { destroy(): void } };
    (room.provider.room?.webrtcConns as Map<string, Conn> | undefined)?.forEach((c) => c.peer?.destroy());
  });
}

/** Words typed one at a time, as a user does, at the end of the first cell. */
async function typeWords(page: Page, words: string[]): Promise<void> {
  for (const w of words) {
    await typeInto(page, ` ${w}`);
    await page.waitForTimeout(150);
  }
}

for (const sides of ['one side', 'both sides'] as const) {
  test(`a 10 s network cut with ${sides}' connections closed heals: every word typed on either side reaches both`, async ({ browser }) => {
    test.setTimeout(120_000);
    const { a, b } = await pairWithBase(browser);
    await cut(a, a.context());
    if (sides === 'both sides') await cut(b, b.context());
    await expect.poll(() => a.evaluate(() => (window as unknown as W).s.room.status().webrtcPeers)).toBe(0);
    const adaWords = Array.from({ length: 10 }, (_, i) => `ada${i}`);
    const bobWords = Array.from({ length: 11 }, (_, i) => `bob${i}`);
    await Promise.all([typeWords(a, adaWords), typeWords(b, bobWords)]);
    await b.evaluate(() => {
      const { s, anode } = window as unknown as W;
      anode.model.insertCell(s.doc, undefined, { source: 'written by bob while apart' }, anode.model.LOCAL);
    });
    await a.waitForTimeout(10_000 - 11 * 150);
    await a.context().setOffline(false);
    if (sides === 'both sides') await b.context().setOffline(false);

    // Both converge on one text holding every word, with nobody reloading (measured here: about 13 s after the
    // network is back when only one side dropped its connections, the other's half-open one timing out first).
    await expect.poll(async () => JSON.stringify(await allCells(a)) === JSON.stringify(await allCells(b)), { timeout: 30_000 }).toBe(true);
    const [first, second] = await allCells(a);
    for (const w of [...adaWords, ...bobWords]) expect(first, `the word ${w}`).toContain(w);
    expect(second).toBe('written by bob while apart');
    await expect.poll(() => a.evaluate(() => (window as unknown as W).s.room.status().webrtcPeers)).toBe(1);
  });
}

/**
 * A real partition: this page can reach nobody (offline, its WebRTC connections and its signaling socket closed),
 * while the others still reach each other and the signaling server (the failover witness).
 */
async function isolate(page: Page): Promise<void> {
  await cut(page, page.context());
  await page.evaluate(() => {
    type Signaling = { ws: WebSocket | null };
    ((window as unknown as W).s.room.provider.signalingConns as Signaling[]).forEach((c) => c.ws?.close());
  });
}

/** The runs each page's executor loop has executed, as [run id, peer name]. */
function executed(page: Page): Promise<Array<[string, string]>> {
  return page.evaluate(() => (window as unknown as W).s.executed);
}

function requestRunOf(page: Page, index: number, name: string): Promise<string> {
  return page.evaluate(
    ({ index, name }) => {
      const { s, anode } = window as unknown as W;
      return anode.model.requestRun(s.doc, anode.model.cellOrder(s.doc)[index]!, { client: s.doc.clientID, name }, anode.model.LOCAL)!;
    },
    { index, name },
  );
}

/** Each cell's last run state and printed text, in order. */
function cellRuns(page: Page): Promise<Array<[string | null, string]>> {
  return page.evaluate(() => {
    const { s, anode } = window as unknown as W;
    return anode.model.cellOrder(s.doc).map((id) => {
      const cell = anode.model.getCell(s.doc, id)!;
      const text = (cell.get('outputs') as import('yjs').Array<unknown>)
        .toJSON()
        .map((o) => JSON.stringify(o))
        .join('|');
      return [anode.model.readLastRun(cell)?.state ?? null, text] as [string | null, string];
    });
  });
}

test('a partition with real WebRTC: the majority side takes over, the isolated executor runs nothing more, and after the heal every run ran exactly once', async ({ browser }) => {
  test.setTimeout(180_000);
  const room = roomName();
  const [a, b, c] = await Promise.all([tab(browser), tab(browser), tab(browser)]);
  const join = (page: Page, name: string, create = false) =>
    joinRoom(page, { room, secret: SECRET, signalingUrl: harness.signalingUrl, create, name, failover: true, cells: ['hold', 'one', 'two', 'three'] });
  await join(a, 'Ada', true);
  await join(b, 'Bob');
  await join(c, 'Cy');
  for (const p of [a, b, c]) await connected(p, 2);
  const acting = () => Promise.all([a, b, c].map((p) => p.evaluate(() => (window as unknown as W).s.election.role().acting)));
  await expect.poll(acting, { timeout: 20_000 }).toEqual([true, false, false]);
  // All three are members of Ada's session before the split (she adds them one at a time, each change acknowledged;
  // on a loaded machine that takes seconds): only a member's takeover inherits the queue. Split earlier, Bob and Cy
  // would rightly take over as orphans and cancel "one" (src/sync/failover.ts).
  const membersSettled = () =>
    Promise.all(
      [a, b, c].map((p) =>
        p.evaluate(() => {
          const w = window as unknown as W;
          const t = w.anode.model.readTenure(w.s.doc);
          return t.members.length === 3 && t.previous === null;
        }),
      ),
    );
  await expect.poll(membersSettled, { timeout: 30_000 }).toEqual([true, true, true]);

  // Ada's browser executes: Bob's "hold" cell runs there, and his "one" waits in the queue behind it.
  const hold = await requestRunOf(b, 0, 'Bob');
  await expect.poll(() => executed(a)).toEqual([[hold, 'Ada']]);
  const one = await requestRunOf(b, 1, 'Bob');
  await a.waitForFunction((id) => (window as unknown as W).anode.model.readRun((window as unknown as W).s.doc, id)?.state === 'queued', one);

  // The split: Ada alone on one side, Bob and Cy (a majority, with the witness) on the other.
  await isolate(a);
  // Ada's held run ends while she is cut off, and she asks for one more: a minority executor must start neither
  // (Bob and Cy's side may already have taken "one" over; starting it here too would run it twice).
  await a.evaluate(() => {
    (window as unknown as W).s.release = true;
  });
  const two = await requestRunOf(a, 2, 'Ada');
  // Meanwhile the majority takes over and runs the queued "one", and a "three" Cy asks for now.
  await expect.poll(async () => (await acting()).slice(1).filter(Boolean).length, { timeout: 30_000 }).toBe(1);
  const three = await requestRunOf(c, 3, 'Cy');
  const majority = async () => [...(await executed(b)), ...(await executed(c))];
  await expect.poll(async () => (await majority()).map(([id]) => id), { timeout: 30_000 }).toEqual([one, three]);
  await a.waitForTimeout(3_000);
  expect(await executed(a), 'the isolated executor started nothing after the split').toEqual([[hold, 'Ada']]);

  // The heal: Ada's network comes back. Her "two" runs once, at the majority's executor.
  await a.context().setOffline(false);
  await expect.poll(async () => (await majority()).map(([id]) => id), { timeout: 60_000 }).toEqual([one, three, two]);
  await expect.poll(async () => JSON.stringify(await cellRuns(a)) === JSON.stringify(await cellRuns(b)), { timeout: 30_000 }).toBe(true);
  expect(JSON.stringify(await cellRuns(c))).toBe(JSON.stringify(await cellRuns(b)));
  await a.waitForTimeout(3_000);
  const all = [...(await executed(a)), ...(await majority())].map(([id]) => id).sort();
  expect(all, 'every run executed exactly once across the three browsers').toEqual([hold, one, two, three].sort());
  // Exactly one executor after the heal, and the cells say how their runs ended.
  expect((await acting()).filter(Boolean)).toHaveLength(1);
  // "hold" both finished at Ada's and was declared lost by the majority while apart: either record may win the
  // merge, and every browser shows the same one.
  const runs = await cellRuns(b);
  expect(runs.map(([state]) => state).slice(1)).toEqual(['done', 'done', 'done']);
  expect(['interrupted', 'done']).toContain(runs[0]![0]);
});
