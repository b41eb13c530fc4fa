/**
 * The write-ahead journal (localStorage) behind IndexedDB: a page that edits leaves its recent updates there, a
 * page that opens the notebook next replays them; the executor's output is not journaled, and a quiet document
 * clears its journal.
 */
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import * as Y from 'yjs';
import { EXECUTOR, LOCAL, appendOutputs, cellOrder, createNotebookDoc, insertCell, snapshotCell } from '../../src/model';
import { dropJournals, journalUpdates, replayJournals } from '../../src/sync/journal';

/** localStorage as a browser has it, in memory. */
class MemoryStorage implements Storage {
  private readonly map = new Map<string, string>();
  get length(): number {
    return this.map.size;
  }
  clear(): void {
    this.map.clear();
  }
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  key(index: number): string | null {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
  setItem(key: string, value: string): void {
    this.map.set(key, String(value));
  }
  keys(): string[] {
    return [...this.map.keys()];
  }
}

let ls: MemoryStorage;
beforeEach(() => {
  ls = new MemoryStorage();
  vi.stubGlobal('localStorage', ls);
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** A second page's copy of the notebook as IndexedDB had it before the edits. */
function reopen(base: Uint8Array): Y.Doc {
  const doc = new Y.Doc();
  Y.applyUpdate(doc, base);
  return doc;
}

test('edits made just before a tab closes come back on the next open; executor output does not', () => {
  const doc = createNotebookDoc({ id: 'nb1', cells: [{ source: 'x = 1' }] });
  const stored = Y.encodeStateAsUpdate(doc);
  const stop = journalUpdates('nb1', doc, [EXECUTOR]); // as the local store binds it
  const id = cellOrder(doc)[0]!;
  insertCell(doc, undefined, { source: 'second cell' }, LOCAL);
  ((doc.getMap('cells').get(id) as Y.Map<unknown>).get('source') as Y.Text).insert(5, '0');
  const edits = ls.keys().length;
  expect(edits).toBe(2); // one key per update
  appendOutputs(doc, id, [{ output_type: 'stream', name: 'stdout', text: 'x'.repeat(1000) }], EXECUTOR);
  stop();

  const next = reopen(stored);
  replayJournals('nb1', next, null);
  expect(cellOrder(next).map((c) => snapshotCell(next, c)!.source)).toEqual(['x = 10', 'second cell']);
  expect(snapshotCell(next, id)!.outputs).toEqual([]);
});

test('skipped origins are not journaled, and a quiet document clears its journal', () => {
  const doc = createNotebookDoc({ id: 'nb2', cells: [{ source: '' }] });
  const provider = {};
  journalUpdates('nb2', doc, [provider, EXECUTOR]);
  doc.transact(() => doc.getMap('meta').set('title', 'from IndexedDB'), provider);
  expect(ls.keys()).toEqual([]);
  insertCell(doc, undefined, { source: 'a' }, LOCAL);
  vi.advanceTimersByTime(2000);
  insertCell(doc, undefined, { source: 'b' }, LOCAL);
  expect(ls.keys()).toHaveLength(2);
  vi.advanceTimersByTime(2999);
  expect(ls.keys()).toHaveLength(2); // each edit restarts the wait
  vi.advanceTimersByTime(1);
  expect(ls.keys()).toEqual([]);
});

test('a journal in the earlier one-array format is replayed too; deleting the notebook drops its journals', () => {
  const doc = createNotebookDoc({ id: 'nb3', cells: [{ source: '' }] });
  const stored = Y.encodeStateAsUpdate(doc);
  const updates: string[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(Buffer.from(u).toString('base64')));
  insertCell(doc, undefined, { source: 'old format' }, LOCAL);
  ls.setItem('anode:journal:nb3:42', JSON.stringify(updates));
  ls.setItem('anode:journal:other:1', 'AAA=');

  const next = reopen(stored);
  replayJournals('nb3', next, null);
  expect(cellOrder(next).map((c) => snapshotCell(next, c)!.source)).toContain('old format');
  dropJournals('nb3');
  expect(ls.keys()).toEqual(['anode:journal:other:1']);
});
