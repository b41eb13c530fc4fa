import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { LOCAL, cellOrder, createNotebookDoc, liveRuns, requestRun, runsMap, type Actor } from '../../src/model';
import { hostMayFetch } from '../../src/kernel/host-fetch';
import { Presence } from '../../src/sync/awareness';
import { ExecutionConsent, loadRoomConsent, trackLocalRuns } from '../../src/sync/consent';
import { memoryStore } from './sync-net';

describe('what the page fetches for the sandboxed kernel', () => {
  const scope = { indexURL: 'https://app.example/anode/pyodide/', packageBaseURL: 'https://cdn.example/pyodide/v1/full/' };

  it('serves Pyodide’s core, vendored packages and the package base’s wheels and lock', () => {
    for (const f of ['pyodide.mjs', 'pyodide.asm.mjs', 'pyodide.asm.wasm', 'python_stdlib.zip', 'pyodide-lock.json']) {
      expect(hostMayFetch(`${scope.indexURL}${f}`, scope)).toBe(true);
    }
    expect(hostMayFetch(`${scope.indexURL}packages/numpy-2.4.6-cp313-cp313-pyemscripten_2026_0_wasm32.whl`, scope)).toBe(true);
    expect(hostMayFetch(`${scope.packageBaseURL}pandas-3.0.2-cp313-cp313-pyemscripten_2026_0_wasm32.whl`, scope)).toBe(true);
    expect(hostMayFetch(`${scope.packageBaseURL}pyodide-lock.json`, scope)).toBe(true);
  });

  it('serves nothing else of the app: no page, script, setting, or path trick', () => {
    for (const url of [
      'https://app.example/anode/index.html',
      'https://app.example/anode/sw.js',
      'https://app.example/anode/assets/index-abc.js',
      `${scope.indexURL}../index.html`,
      `${scope.indexURL}%2e%2e/index.html`,
      `${scope.indexURL}pyodide.asm.wasm?x=1`,
      `${scope.indexURL}pyodide.asm.wasm#x`,
      `${scope.indexURL}packages/../../sw.js`,
      `${scope.indexURL}packages/sub/evil.whl`,
      `${scope.packageBaseURL}sub/pkg.whl`,
      `${scope.packageBaseURL}notes.txt`,
      'https://user:pw@cdn.example/pyodide/v1/full/a.whl',
      'https://cdn.example.evil/pyodide/v1/full/a.whl',
      'not a url',
    ]) {
      expect(hostMayFetch(url, scope), url).toBe(false);
    }
  });

  it('a package base at the app’s own root still serves only package files', () => {
    const root = { indexURL: 'https://app.example/pyodide/', packageBaseURL: 'https://app.example/' };
    expect(hostMayFetch('https://app.example/index.html', root)).toBe(false);
    expect(hostMayFetch('https://app.example/manifest.webmanifest', root)).toBe(false);
    expect(hostMayFetch('https://app.example/extra.whl', root)).toBe(true);
  });
});

const ADA: Actor = { client: 1, name: 'Ada' };

/** Two replicas of one notebook, synced both ways, like two peers in a room. */
function room(): { ada: Y.Doc; bob: Y.Doc; cellId: string } {
  const ada = createNotebookDoc({ cells: [{ type: 'code', source: 'print(1)' }] });
  const bob = new Y.Doc();
  Y.applyUpdate(bob, Y.encodeStateAsUpdate(ada));
  ada.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(bob, u, 'remote'));
  bob.on('update', (u: Uint8Array, origin: unknown) => origin !== 'remote' && Y.applyUpdate(ada, u, 'remote'));
  return { ada, bob, cellId: cellOrder(ada)[0]! };
}

describe('consent to run other people’s code', () => {
  it('counts as mine only the runs this replica created, with the source they were created with', () => {
    const { ada, bob, cellId } = room();
    const mine = trackLocalRuns(ada);
    requestRun(ada, cellId, ADA, LOCAL);
    const own = liveRuns(ada)[0]!;
    expect(mine.isMine(own)).toBe(true);
    // Bob writes a run that claims to be Ada's: still Bob's.
    runsMap(ada).delete(own.id);
    requestRun(bob, cellId, ADA, LOCAL);
    const forged = liveRuns(ada)[0]!;
    expect(forged.requestedBy).toEqual(ADA);
    expect(mine.isMine(forged)).toBe(false);
    // Bob rewrites the source of a run Ada queued: no longer hers.
    runsMap(ada).clear();
    requestRun(ada, cellId, ADA, LOCAL);
    const queued = liveRuns(ada).find((r) => mine.isMine(r))!;
    runsMap(bob).get(queued.id)!.set('source', 'import os; os.system("evil")');
    expect(mine.isMine(liveRuns(ada).find((r) => r.id === queued.id)!)).toBe(false);
    mine.destroy();
  });

  it('asks once for a peer’s run, remembers the answer per room, and runs my own without asking', async () => {
    const { ada, bob, cellId } = room();
    const store = memoryStore();
    const presence = new Presence(ada, { store });
    const mine = trackLocalRuns(ada);
    const consent = new ExecutionConsent('room-1', presence, mine, store);
    requestRun(ada, cellId, ADA, LOCAL);
    expect(consent.mayRun(liveRuns(ada)[0]!)).toBe(true);
    expect(consent.pending()).toBeNull();

    runsMap(ada).clear();
    requestRun(bob, cellId, { client: 2, name: 'Bob' }, LOCAL);
    const theirs = liveRuns(ada)[0]!;
    const answer = consent.mayRun(theirs);
    expect(answer).toBeInstanceOf(Promise);
    expect(consent.mayRun(theirs)).toBe(answer); // one question, however often the loop asks
    expect(consent.pending()).toEqual({ asker: 'Bob' });
    consent.decide('allow');
    await expect(answer).resolves.toBe(true);
    expect(consent.mayRun(theirs)).toBe(true);
    expect(loadRoomConsent('room-1', store)).toBe('allow');
    expect(loadRoomConsent('room-2', store)).toBeNull();
    // Another session in the same room on this device is not asked again.
    expect(new ExecutionConsent('room-1', presence, trackLocalRuns(ada), store).mayRun(theirs)).toBe(true);
    presence.destroy();
  });

  it('a refusal withdraws this peer from running the room’s code, without changing the device setting', async () => {
    const { ada, bob, cellId } = room();
    const store = memoryStore();
    const presence = new Presence(ada, { store });
    expect(presence.local().offersExecution).toBe(true);
    const consent = new ExecutionConsent('room-1', presence, trackLocalRuns(ada), store);
    requestRun(bob, cellId, { client: 2, name: 'Bob' }, LOCAL);
    const answer = consent.mayRun(liveRuns(ada)[0]!);
    consent.decide('deny');
    await expect(answer).resolves.toBe(false);
    expect(presence.local().offersExecution).toBe(false);
    expect(presence.deviceOffersExecution()).toBe(true);
    // "Run code for others" switched on again in Settings: this room's next foreign run still withdraws it.
    presence.setOffersExecution(true);
    expect(consent.mayRun(liveRuns(ada)[0]!)).toBe(false);
    expect(presence.local().offersExecution).toBe(false);
    // Remembered: a new session in this room starts withdrawn; "Ask me again" offers again.
    const presence2 = new Presence(new Y.Doc(), { store });
    const again = new ExecutionConsent('room-1', presence2, trackLocalRuns(ada), store);
    expect(presence2.local().offersExecution).toBe(false);
    again.decide(null);
    expect(presence2.local().offersExecution).toBe(true);
    expect(loadRoomConsent('room-1', store)).toBeNull();
    presence.destroy();
    presence2.destroy();
  });
});
