import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  EXECUTOR,
  LOCAL,
  cellOrder,
  claimRun,
  createNotebookDoc,
  getCell,
  insertCell,
  liveRuns,
  readHandover,
  readKernel,
  readLastRun,
  readRun,
  requestRun,
  startSession,
  takeOverSession,
  interruptOrphanedRuns,
  type Actor,
} from '../../src/model';
import { Presence } from '../../src/sync/awareness';
import { startExecutorElection, type ExecutorElection, type Takeover } from '../../src/sync/handover';
import { FakeGate, memoryStore, SimNet, type SimPeer } from './sync-net';

const ada: Actor = { client: 1, name: 'Ada' };
const bob: Actor = { client: 2, name: 'Bob' };

function sync(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('model handover', () => {
  it('interrupts the old executor\'s running run, keeps queued runs queued, and starts a new session', () => {
    const a = createNotebookDoc({ cells: [{ source: 'x = 1' }, { source: 'print(x)' }] });
    const b = new Y.Doc();
    sync(a, b);
    const [c1, c2] = cellOrder(a);
    startSession(a, 's-ada', ada, EXECUTOR);
    const r1 = requestRun(a, c1!, ada, LOCAL)!;
    const r2 = requestRun(b, c2!, bob, LOCAL)!;
    sync(a, b);
    expect(claimRun(a, r1, ada, EXECUTOR)).toBe(true);
    sync(a, b);

    // Ada's tab closes; Bob takes over on his copy.
    const note = takeOverSession(b, 's-bob', bob, EXECUTOR);
    expect(note).toMatchObject({ sessionId: 's-bob', from: ada, to: bob, interrupted: [r1] });
    sync(a, b);

    for (const doc of [a, b]) {
      expect(readRun(doc, r1)).toBeNull();
      expect(readLastRun(getCell(doc, c1!)!)?.state).toBe('interrupted');
      const outs = getCell(doc, c1!)!.get('outputs') as Y.Array<{ output_type: string; ename?: string; evalue?: string }>;
      expect(outs.toArray().at(-1)).toMatchObject({ output_type: 'error', ename: 'ExecutorLost' });
      expect(outs.toArray().at(-1)!.evalue).toContain("Ada's browser");
      expect(liveRuns(doc).map((r) => [r.id, r.state])).toEqual([[r2, 'queued']]);
      expect(readKernel(doc)).toMatchObject({ sessionId: 's-bob', executor: bob, status: 'starting' });
      expect(readHandover(doc)).toMatchObject({ sessionId: 's-bob', from: ada, to: bob });
    }
    // The interrupted run is gone for good: the new executor cannot claim (re-run) it.
    expect(claimRun(b, r1, bob, EXECUTOR)).toBe(false);
  });

  it('leaves the new executor\'s own running run alone', () => {
    const doc = createNotebookDoc({ cells: [{ source: '1' }] });
    const r = requestRun(doc, cellOrder(doc)[0]!, bob, LOCAL)!;
    claimRun(doc, r, bob, EXECUTOR);
    expect(interruptOrphanedRuns(doc, bob.client, EXECUTOR)).toEqual([]);
    expect(readRun(doc, r)?.state).toBe('running');
  });

  it('interrupts a running run whose executor field a peer garbled', () => {
    const doc = createNotebookDoc({ cells: [{ source: '1' }] });
    const r = requestRun(doc, cellOrder(doc)[0]!, bob, LOCAL)!;
    claimRun(doc, r, ada, EXECUTOR);
    (doc.getMap('runs').get(r) as Y.Map<unknown>).set('executor', 'nobody');
    expect(interruptOrphanedRuns(doc, bob.client, EXECUTOR)).toEqual([r]);
  });

  it('records a first session with no previous executor', () => {
    const doc = createNotebookDoc();
    expect(takeOverSession(doc, 's1', ada, EXECUTOR)).toMatchObject({ from: null, to: ada, interrupted: [] });
    expect(readHandover(doc)?.from).toBeNull();
  });

  it('ignores a handover note a peer garbled', () => {
    const doc = createNotebookDoc();
    doc.getMap('kernel').set('handover', { sessionId: 5 });
    expect(readHandover(doc)).toBeNull();
    doc.getMap('kernel').set('handover', 'x');
    expect(readHandover(doc)).toBeNull();
  });
});

/** One simulated browser tab: a peer on the network with its presence and election. */
interface Tab {
  peer: SimPeer;
  presence: Presence;
  election: ExecutorElection;
  takeovers: Takeover[];
  stops: number;
  /** The tab's room, as the election sees it (absent for the tab that created the notebook alone). */
  gate?: FakeGate;
}


describe('executor election across peers', () => {
  let net: SimNet;
  afterEach(() => net?.destroy());

  /**
   * A tab. Without `doc` it is a peer joining through a link: its room starts unsettled (see `settle`), as a
   * NotebookRoom does until it has heard from the others.
   */
  function tab(name: string, client: number, joinedAt: number, opts: { doc?: Y.Doc; offers?: boolean; joining?: boolean; reclaimAfterMs?: number } = {}): Tab {
    const peer = net.peer(name, client, opts.doc);
    const store = memoryStore({ 'anode.user': JSON.stringify({ name, color: '#123456' }) });
    if (opts.offers === false) store.setItem('anode.offersExecution', 'false');
    const presence = new Presence(peer.doc, { awareness: peer.awareness, store, now: () => joinedAt });
    const gate = (opts.joining ?? !opts.doc) ? new FakeGate() : undefined;
    const t = { peer, presence, takeovers: [] as Takeover[], stops: 0, ...(gate ? { gate } : {}) };
    const election = startExecutorElection({
      doc: peer.doc,
      presence,
      ...(gate ? { room: gate } : {}),
      ...(opts.reclaimAfterMs !== undefined ? { reclaimAfterMs: opts.reclaimAfterMs } : {}),
      onElected: (takeover) => {
        t.takeovers.push(takeover);
        return () => void t.stops++;
      },
    });
    return Object.assign(t, { election });
  }

  /** Every joining tab's room has had its first exchange. */
  function settle(...tabs: Tab[]): void {
    for (const t of tabs) t.gate?.set({ settled: true });
  }

  function acting(tabs: Tab[]): string[] {
    return tabs.filter((t) => t.election.role().acting).map((t) => t.peer.name);
  }

  it('elects exactly one executor in a room of three, the same on every peer', () => {
    net = new SimNet();
    const seed = createNotebookDoc();
    const a = tab('Ada', 30, 100, { doc: seed });
    const b = tab('Bob', 10, 200);
    const c = tab('Cy', 20, 300);
    // Ada alone with her notebook executes at once.
    expect(acting([a, b, c])).toEqual(['Ada']);
    for (const t of [a, b, c]) net.connect(t.peer);
    net.flush();
    settle(b, c);
    expect(acting([a, b, c])).toEqual(['Ada']);
    for (const t of [a, b, c]) expect(t.election.role()).toMatchObject({ executor: 30, recorded: 30 });
    expect(b.election.role().executorPeer?.user.name).toBe('Ada');
    expect(b.takeovers).toEqual([]);
    expect(c.takeovers).toEqual([]);
  });

  it('fails over to the next senior peer when the executor closes its tab, interrupting its running run once', () => {
    net = new SimNet();
    const a = tab('Ada', 30, 100, { doc: createNotebookDoc({ cells: [{ source: 'while True: pass' }, { source: 'print(1)' }] }) });
    const b = tab('Bob', 10, 200);
    const c = tab('Cy', 20, 300);
    for (const t of [a, b, c]) net.connect(t.peer);
    net.flush();
    settle(b, c);
    const [c1, c2] = cellOrder(a.peer.doc);
    const r1 = requestRun(b.peer.doc, c1!, { client: 10, name: 'Bob' }, LOCAL)!;
    const r2 = requestRun(c.peer.doc, c2!, { client: 20, name: 'Cy' }, LOCAL)!;
    net.flush();
    // Ada's executor loop claims the first run.
    expect(claimRun(a.peer.doc, r1, a.takeovers[0]!.me, EXECUTOR)).toBe(true);
    net.flush();

    // Clean close: presence withdrawn at once, then the tab is gone.
    a.presence.destroy();
    net.disconnect(a.peer, true);
    net.flush();

    expect(acting([b, c])).toEqual(['Bob']);
    expect(b.takeovers).toHaveLength(1);
    expect(b.takeovers[0]!.note).toMatchObject({ from: { client: 30, name: 'Ada' }, to: { client: 10, name: 'Bob' }, interrupted: [r1] });
    for (const t of [b, c]) {
      const doc = t.peer.doc;
      expect(readLastRun(getCell(doc, c1!)!)?.state).toBe('interrupted');
      expect(liveRuns(doc).map((r) => [r.id, r.state])).toEqual([[r2, 'queued']]);
      expect(readKernel(doc)?.executor).toEqual({ client: 10, name: 'Bob' });
      expect(t.election.role()).toMatchObject({ executor: 10, recorded: 10 });
    }
    expect(Y.encodeStateAsUpdate(b.peer.doc)).toEqual(Y.encodeStateAsUpdate(c.peer.doc));
    expect(c.takeovers).toEqual([]);
  });

  it('fails over after the awareness timeout when the executor crashes', () => {
    net = new SimNet();
    const a = tab('Ada', 30, 100, { doc: createNotebookDoc() });
    const b = tab('Bob', 10, 200);
    for (const t of [a, b]) net.connect(t.peer);
    net.flush();
    settle(b);
    net.disconnect(a.peer, false);
    net.flush();
    // Until the timeout Bob still sees Ada: no takeover, no double executor.
    expect(acting([b])).toEqual([]);
    net.expire(a.peer);
    expect(acting([b])).toEqual(['Bob']);
  });

  it('keeps the role where it is while another peer joins and leaves over and over', async () => {
    net = new SimNet();
    const a = tab('Ada', 50, 500, { doc: createNotebookDoc() });
    const b = tab('Bob', 60, 600);
    net.connect(a.peer);
    net.connect(b.peer);
    net.flush();
    settle(b);
    // A peer that claims to be the most senior, with a ready kernel, flaps 20 times.
    const flapper = tab('Old', 1, 1);
    flapper.presence.setKernel('ready');
    for (let i = 0; i < 20; i++) {
      // Back on the network its room settles afresh (as NotebookRoom does) before it decides anything.
      flapper.gate!.set({ isolated: false, settled: false });
      net.connect(flapper.peer);
      net.flush();
      settle(flapper);
      expect(acting([a, b, flapper]), JSON.stringify({ i, role: flapper.election.role(), states: [...flapper.peer.awareness.getStates().keys()] })).toEqual(['Ada']);
      // Its room notices the lost network (as NotebookRoom does) before awareness times the others out.
      flapper.gate!.set({ isolated: true });
      net.disconnect(flapper.peer, i % 2 === 0);
      net.expire(flapper.peer);
      net.flush();
      await Promise.resolve(); // Presence forgets timed-out clocks in a microtask.
      expect(acting([flapper])).toEqual([]);
      expect(flapper.election.role().hold).toBe('isolated');
    }
    expect(a.takeovers).toHaveLength(1);
    expect(b.takeovers).toHaveLength(0);
    expect(readKernel(b.peer.doc)?.sessionId).toBe(a.takeovers[0]!.sessionId);
  });

  it('while cut off from the network, takes over from an executor that said goodbye, but not from one that timed out', () => {
    net = new SimNet();
    const a = tab('Ada', 30, 100, { doc: createNotebookDoc() });
    const b = tab('Bob', 10, 200);
    const c = tab('Cy', 20, 300);
    for (const t of [a, b, c]) net.connect(t.peer);
    net.flush();
    settle(b, c);
    // Signaling is gone for Bob and Cy (WebRTC still carries the room).
    b.gate!.set({ isolated: true });
    c.gate!.set({ isolated: true });
    // Ada closes her tab: her goodbye arrives, so nobody can still be running her queue.
    a.presence.destroy();
    net.disconnect(a.peer, true);
    net.flush();
    expect(acting([b, c])).toEqual(['Bob']);

    // Now Bob vanishes without a goodbye while Cy is cut off: Cy cannot tell Bob's crash from her own outage.
    net.disconnect(b.peer, false);
    net.expire(b.peer);
    net.flush();
    expect(acting([c])).toEqual([]);
    expect(c.election.role()).toMatchObject({ elected: true, hold: 'isolated' });
    // Back on the network (and settled again): Bob is really gone, Cy takes over.
    c.gate!.set({ isolated: false });
    expect(acting([c])).toEqual(['Cy']);
  });

  it('hands over when the executor opts out, and stops its loop', () => {
    net = new SimNet();
    const a = tab('Ada', 30, 100, { doc: createNotebookDoc() });
    const b = tab('Bob', 10, 200);
    net.connect(a.peer);
    net.connect(b.peer);
    net.flush();
    settle(b);
    a.presence.setOffersExecution(false);
    net.flush();
    expect(a.stops).toBe(1);
    expect(acting([a, b])).toEqual(['Bob']);
    // Opting back in does not take the role back.
    a.presence.setOffersExecution(true);
    net.flush();
    expect(acting([a, b])).toEqual(['Bob']);
    expect(a.takeovers).toHaveLength(1);
  });

  it('leaves runs queued when nobody offers to execute, and says nobody executes', () => {
    net = new SimNet();
    const a = tab('Ada', 30, 100, { doc: createNotebookDoc(), offers: false });
    expect(a.election.role()).toMatchObject({ executor: null, acting: false });
    const r = requestRun(a.peer.doc, cellOrder(a.peer.doc)[0]!, { client: 30, name: 'Ada' }, LOCAL);
    expect(liveRuns(a.peer.doc).map((x) => [x.id, x.state])).toEqual([[r, 'queued']]);
    expect(a.takeovers).toEqual([]);
  });

  it('lets a joining peer take over nothing before its room has settled', () => {
    net = new SimNet();
    const a = tab('Ada', 30, 100, { doc: createNotebookDoc() });
    const seeded = new Y.Doc();
    Y.applyUpdate(seeded, Y.encodeStateAsUpdate(a.peer.doc));
    // Bob opens the link with a copy from a previous visit; his room has not heard from Ada yet.
    const b = tab('Bob', 10, 50, { doc: seeded, joining: true });
    expect(b.election.role()).toMatchObject({ elected: true, waiting: true, acting: false, hold: 'settling' });
    expect(b.takeovers).toEqual([]);
    net.connect(a.peer);
    net.connect(b.peer);
    net.flush();
    settle(b);
    // Ada is recorded and present: Bob, though "more senior" by his clock, does not steal the role.
    expect(acting([a, b])).toEqual(['Ada']);
    expect(b.election.role()).toMatchObject({ executor: 30, waiting: false });
  });

  it('does not take over a notebook that has not loaded yet', () => {
    net = new SimNet();
    const b = tab('Bob', 10, 100); // empty doc: no meta
    settle(b);
    expect(b.election.role()).toMatchObject({ elected: true, acting: false, waiting: true, hold: 'loading' });
    const a = tab('Ada', 30, 200, { doc: createNotebookDoc() });
    a.presence.setOffersExecution(false);
    net.connect(b.peer);
    net.connect(a.peer);
    net.flush();
    // The metadata arrived: Bob (the only willing peer) takes over.
    expect(acting([a, b])).toEqual(['Bob']);
  });

  it('resolves concurrent takeovers (a partition) to one executor once peers meet', () => {
    net = new SimNet();
    const seed = createNotebookDoc();
    const copy = new Y.Doc();
    Y.applyUpdate(copy, Y.encodeStateAsUpdate(seed));
    const a = tab('Ada', 30, 100, { doc: seed });
    const b = tab('Bob', 10, 200, { doc: copy });
    // Both started alone and each took over its copy.
    expect(acting([a, b])).toEqual(['Ada', 'Bob']);
    net.connect(a.peer);
    net.connect(b.peer);
    net.flush();
    const acts = acting([a, b]);
    expect(acts).toHaveLength(1);
    const winner = acts[0] === 'Ada' ? a : b;
    const loser = winner === a ? b : a;
    expect(loser.stops).toBe(1);
    expect(readKernel(a.peer.doc)?.sessionId).toBe(readKernel(b.peer.doc)?.sessionId);
    expect(a.election.role().executor).toBe(b.election.role().executor);
  });

  it('a peer that writes itself into the document as the executor moves nothing: the executor puts its session back', async () => {
    net = new SimNet();
    const a = tab('Ada', 30, 100, { doc: createNotebookDoc({ cells: [{ source: 'print(1)' }] }), reclaimAfterMs: 20 });
    const e = tab('Eve', 40, 200);
    for (const t of [a, e]) net.connect(t.peer);
    net.flush();
    settle(e);
    const session = readKernel(a.peer.doc)!.sessionId;
    // A document write alone: Eve's client records itself as the session's executor.
    startSession(e.peer.doc, 'forged', { client: 40, name: 'Eve' }, LOCAL);
    net.flush();
    for (const t of [a, e]) expect(t.election.role().executor).toBe(30);
    expect(acting([a, e])).toEqual(['Ada']);
    expect(e.takeovers).toEqual([]);
    // Until Ada's record is back she claims nothing (a run must never execute in two places).
    expect(a.election.mayExecute()).toBe(false);
    await new Promise((r) => setTimeout(r, 80));
    net.flush();
    for (const t of [a, e]) expect(readKernel(t.peer.doc)).toMatchObject({ sessionId: session, executor: { client: 30, name: 'Ada' } });
    expect(a.election.mayExecute()).toBe(true);
    expect(a.takeovers).toHaveLength(1);
    expect(a.stops).toBe(0);
  });

  it('keeps the session when the same client restarts its election (view rebuilt)', () => {
    net = new SimNet();
    const a = tab('Ada', 30, 100, { doc: createNotebookDoc() });
    const first = a.takeovers[0]!;
    a.election.destroy();
    expect(a.stops).toBe(1);
    const again = startExecutorElection({ doc: a.peer.doc, presence: a.presence, onElected: (t) => void a.takeovers.push(t) });
    expect(a.takeovers[1]).toMatchObject({ sessionId: first.sessionId, note: null });
    again.destroy();
  });

  it('sharing a notebook (a new election gated on the new room) keeps executing without waiting', () => {
    net = new SimNet();
    const a = tab('Ada', 30, 100, { doc: createNotebookDoc() });
    const first = a.takeovers[0]!;
    a.election.destroy();
    const gate = new FakeGate(); // the room just opened: not settled
    const again = startExecutorElection({ doc: a.peer.doc, presence: a.presence, room: gate, onElected: (t) => void a.takeovers.push(t) });
    expect(again.role()).toMatchObject({ acting: true, hold: null });
    expect(a.takeovers[1]).toMatchObject({ sessionId: first.sessionId, note: null });
    again.destroy();
  });

  it('never throws when a hostile peer publishes malformed presence', () => {
    net = new SimNet();
    const a = tab('Ada', 30, 100, { doc: createNotebookDoc() });
    const evil = net.peer('Evil', 5);
    net.connect(a.peer);
    net.connect(evil);
    const junk: unknown[] = [{ user: 7, joinedAt: -1, offersExecution: 'sure' }, [1, 2], 'x', { v: 1, user: { name: 'E', color: '#000000' }, joinedAt: 0, offersExecution: true, kernel: { ready: true } }];
    for (const j of junk) {
      expect(() => {
        evil.awareness.setLocalState(j as Record<string, unknown>);
        net.flush();
      }).not.toThrow();
    }
    // The last one is well-formed enough to be a peer, but Ada is recorded and keeps the role.
    expect(acting([a])).toEqual(['Ada']);
    expect(a.election.role().executor).toBe(30);
  });
});

describe('insertCell is unaffected by handover bookkeeping', () => {
  it('the kernel map keeps unknown keys out of cells', () => {
    const doc = createNotebookDoc();
    takeOverSession(doc, 's', ada, EXECUTOR);
    insertCell(doc, 0, { source: 'a' }, LOCAL);
    expect(cellOrder(doc)).toHaveLength(2);
  });
});
