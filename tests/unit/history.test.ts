import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { IDBFactory } from 'fake-indexeddb';
import {
  HISTORY,
  LOCAL,
  appendCells,
  cellOrder,
  compareVersions,
  createNotebookDoc,
  deleteCell,
  describeSummary,
  registerAuthor,
  restoreCell,
  restoreNotebook,
  setSource,
  snapshotCell,
  versionFromState,
  versionOf,
} from '../../src/model';
import { importNotebook, parseIpynb } from '../../src/model/ipynb';
import { HOUR, DAY, NotebookHistory, checkpointsToDrop, type Checkpoint } from '../../src/sync';

function sources(doc: Y.Doc): string[] {
  return cellOrder(doc).map((id) => snapshotCell(doc, id)!.source);
}

function synced(): [Y.Doc, Y.Doc] {
  const a = createNotebookDoc({ cells: [{ source: 'a = 1' }, { source: 'b = 2' }, { source: 'c = 3' }] });
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'b' && Y.applyUpdate(b, u, 'a'));
  b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'a' && Y.applyUpdate(a, u, 'b'));
  return [a, b];
}

describe('versions of a notebook', () => {
  it('a stored state reads back as the cells it had, in order', () => {
    const doc = createNotebookDoc({ cells: [{ source: 'x' }, { type: 'markdown', source: '# y' }] });
    const v = versionFromState(Y.encodeStateAsUpdate(doc));
    expect(v.cells.map((c) => [c.type, c.source])).toEqual([
      ['code', 'x'],
      ['markdown', '# y'],
    ]);
  });

  it('restoring after a peer deleted every cell brings them back, ids and order, on both peers', () => {
    const [a, b] = synced();
    const before = versionOf(a);
    const ids = cellOrder(a);
    for (const id of cellOrder(b)) deleteCell(b, id, LOCAL);
    expect(sources(a)).toEqual([]);
    restoreNotebook(a, before, HISTORY);
    expect(sources(a)).toEqual(['a = 1', 'b = 2', 'c = 3']);
    expect(cellOrder(a)).toEqual(ids);
    expect(sources(b)).toEqual(['a = 1', 'b = 2', 'c = 3']);
  });

  it('a whole restore removes cells added since and rewrites edited ones', () => {
    const doc = createNotebookDoc({ cells: [{ source: 'one' }, { source: 'two' }] });
    const v = versionOf(doc);
    const [first] = cellOrder(doc);
    setSource(doc, first!, 'ONE', LOCAL);
    appendCells(doc, [{ source: 'three' }], LOCAL);
    expect(compareVersions(v, versionOf(doc)).map((c) => c.status)).toEqual(['changed', 'same', 'added']);
    restoreNotebook(doc, v, HISTORY);
    expect(sources(doc)).toEqual(['one', 'two']);
  });

  it('restoring one cell puts it back after the cell it followed and leaves the others as they are', () => {
    const doc = createNotebookDoc({ cells: [{ source: 'one' }, { source: 'two' }, { source: 'three' }] });
    const v = versionOf(doc);
    const [, second, third] = cellOrder(doc);
    deleteCell(doc, second!, LOCAL);
    setSource(doc, third!, 'THREE', LOCAL);
    restoreCell(doc, v, second!, HISTORY);
    expect(sources(doc)).toEqual(['one', 'two', 'THREE']);
    restoreCell(doc, v, third!, HISTORY);
    expect(sources(doc)).toEqual(['one', 'two', 'three']);
  });

  it('a restore is undone by an undo manager that tracks the history origin, leaving later typing alone', () => {
    const doc = createNotebookDoc({ cells: [{ source: 'old' }] });
    const v = versionOf(doc);
    const [id] = cellOrder(doc);
    setSource(doc, id!, 'new', LOCAL);
    const undo = new Y.UndoManager(doc.getMap('cells'), { trackedOrigins: new Set([HISTORY]) });
    restoreNotebook(doc, v, HISTORY);
    expect(sources(doc)).toEqual(['old']);
    undo.undo();
    expect(sources(doc)).toEqual(['new']);
  });
});

function cp(id: string, at: number, extra: Partial<Checkpoint> = {}): Checkpoint {
  return { id, at, kind: 'edit', summary: [], cellCount: 1, size: 1000, ...extra };
}

describe('retention', () => {
  const now = 100 * DAY;
  it('keeps everything from the last hour', () => {
    const list = [cp('a', now - 50 * 60_000), cp('b', now - 40 * 60_000), cp('c', now - 1000)];
    expect(checkpointsToDrop(list, now)).toEqual([]);
  });
  it('keeps one per hour for a day and one per day after that', () => {
    const h = Math.floor(now / HOUR) * HOUR;
    const list = [cp('d1', h - 3 * DAY + 1), cp('d2', h - 3 * DAY + 2), cp('h1', h - 5 * HOUR + 1), cp('h2', h - 5 * HOUR + 2), cp('new', now)];
    expect(checkpointsToDrop(list, now)).toEqual(['d1', 'h1']);
  });
  it('never drops named versions, nor the version before cells were deleted', () => {
    const h = Math.floor(now / HOUR) * HOUR;
    const del = [{ who: 'Bob', color: '#000000', added: [], deleted: ['x'], edited: [] }];
    const list = [
      cp('named', h - 5 * HOUR + 1, { kind: 'named', name: 'v1' }),
      cp('before', h - 5 * HOUR + 2),
      cp('deleted', h - 5 * HOUR + 3, { summary: del }),
      cp('new', now),
    ];
    expect(checkpointsToDrop(list, now)).toEqual([]);
  });
  it('drops the oldest first past the size cap', () => {
    const list = [cp('a', now - 3000), cp('b', now - 2000), cp('c', now - 1000)];
    expect(checkpointsToDrop(list, now, 2000)).toEqual(['a']);
  });
});

describe('NotebookHistory (fake IndexedDB)', () => {
  const ada = { name: 'Ada', color: '#112233' };
  const bob = { name: 'Bob', color: '#445566' };

  it('records who deleted cells and restores the version before in one call', async () => {
    const [a, b] = synced();
    registerAuthor(b, bob, LOCAL);
    const idb = new IDBFactory();
    let t = 1_000_000;
    const history = await NotebookHistory.open('nb1', a, { me: () => ada, nameOf: (c) => (c === b.clientID ? bob : null), idb, pauseMs: 10, now: () => t });
    expect(history.list().map((c) => c.kind)).toEqual(['opened']);
    t += 120_000;
    for (const id of cellOrder(b)) deleteCell(b, id, LOCAL);
    await new Promise((r) => setTimeout(r, 50));
    await history.flushed();
    const list = history.list();
    expect(list).toHaveLength(2);
    expect(describeSummary(list[1]!.summary)).toBe('Bob deleted 3 cells');
    expect(await history.restore(list[0]!.id)).toBe(true);
    expect(sources(b)).toEqual(['a = 1', 'b = 2', 'c = 3']);
    history.undoRestore();
    expect(sources(b)).toEqual([]);
    history.destroy();
  });

  it('an imported notebook starts its history with an "import" checkpoint, which retention always keeps', async () => {
    const file = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [{ cell_type: 'code', id: 'c1', metadata: {}, source: 'x = 1', outputs: [], execution_count: null }],
    });
    const parsed = parseIpynb(file);
    if (!parsed.ok) throw new Error(parsed.error);
    const doc = importNotebook(parsed.notebook, { fileName: 'data.ipynb' });
    const history = await NotebookHistory.open('nb-import', doc, { me: () => ada, nameOf: () => null, idb: new IDBFactory(), pauseMs: 5, now: () => 1_000 });
    const [first] = history.list();
    expect(first?.kind).toBe('import');
    expect((await history.version(first!.id))?.cells.map((c) => c.source)).toEqual(['x = 1']);
    // Years later, with a thousand edits since, the version as imported is still there.
    expect(checkpointsToDrop([first!, ...Array.from({ length: 1000 }, (_, i) => ({ ...first!, id: `e${i}`, kind: 'edit' as const, at: 2_000 + i }))], 10 * 365 * DAY)).not.toContain(first!.id);
    history.destroy();
  });

  it('checkpoints survive a reopen, and typing within a minute is one checkpoint', async () => {
    const doc = createNotebookDoc({ cells: [{ source: '' }] });
    const idb = new IDBFactory();
    let t = 5_000_000;
    const opts = { me: () => ada, nameOf: () => null, idb, pauseMs: 5, now: () => t };
    const h1 = await NotebookHistory.open('nb2', doc, opts);
    const [id] = cellOrder(doc);
    setSource(doc, id!, 'x = 1', LOCAL);
    await h1.checkpoint('edit');
    t += 10_000;
    setSource(doc, id!, 'x = 2', LOCAL);
    await h1.checkpoint('edit');
    await h1.checkpoint('named', 'Before the big change');
    h1.destroy();
    await new Promise((r) => setTimeout(r, 20));
    const h2 = await NotebookHistory.open('nb2', doc, opts);
    expect(h2.list().map((c) => c.name ?? c.kind)).toEqual(['opened', 'edit', 'Before the big change']);
    expect(describeSummary(h2.list()[1]!.summary)).toBe('Ada edited 1 cell');
    const v = await h2.version(h2.list()[1]!.id);
    expect(v?.cells.map((c) => c.source)).toEqual(['x = 2']);
    h2.destroy();
  });
});
