import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  LOCAL,
  addThread,
  cellOrder,
  commentsMap,
  createNotebookDoc,
  exportIpynb,
  importNotebook,
  parseIpynb,
  readThreads,
  replyToThread,
  setSource,
  setThreadResolved,
  getCell,
} from '../../src/model';
import { buildContext } from '../../src/ai';

const ada = { name: 'Ada', color: '#b58900' };
const bob = { name: 'Bob', color: '#268bd2' };

function pair(): [Y.Doc, Y.Doc] {
  const a = createNotebookDoc({ cells: [{ source: 'total = price * qty\nprint(total)' }, { source: 'x = 1' }] });
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  a.on('update', (u: Uint8Array, o: unknown) => o !== 'b' && Y.applyUpdate(b, u, 'a'));
  b.on('update', (u: Uint8Array, o: unknown) => o !== 'a' && Y.applyUpdate(a, u, 'b'));
  return [a, b];
}

function reimport(doc: Y.Doc): Y.Doc {
  const parsed = parseIpynb(exportIpynb(doc));
  if (!parsed.ok) throw new Error(parsed.error);
  return importNotebook(parsed.notebook);
}

describe('comments', () => {
  it('a thread reaches the other peer, gets a reply, is resolved, and reopens on a new reply', () => {
    const [a, b] = pair();
    const [cellId] = cellOrder(a);
    const id = addThread(a, { cellId: cellId!, text: 'Is qty ever 0?', author: ada }, LOCAL)!;
    expect(readThreads(b).map((t) => [t.cellId, t.messages[0]!.text, t.messages[0]!.author.name])).toEqual([[cellId, 'Is qty ever 0?', 'Ada']]);
    replyToThread(b, id, 'No, checked upstream.', bob, LOCAL);
    setThreadResolved(b, id, true, bob, LOCAL);
    const [t] = readThreads(a);
    expect(t!.messages.map((m) => m.author.name)).toEqual(['Ada', 'Bob']);
    expect(t!.resolved).toBe(true);
    expect(t!.resolvedBy?.name).toBe('Bob');
    replyToThread(a, id, 'Actually, one more thing', ada, LOCAL);
    expect(readThreads(b)[0]!.resolved).toBe(false);
  });

  it('a range follows the text through edits before and inside it', () => {
    const [a, b] = pair();
    const [cellId] = cellOrder(a);
    // "price * qty"
    addThread(a, { cellId: cellId!, text: 'units?', author: ada, range: { from: 8, to: 19 } }, LOCAL);
    const src = getCell(b, cellId!)!.get('source') as Y.Text;
    src.insert(0, '# cost\n');
    src.insert(7 + 8 + 7, ' 1.2 *');
    const t = readThreads(a)[0]!;
    expect(t.quote).toBe('price * qty');
    expect(src.toString().slice(t.range!.from, t.range!.to)).toBe('price * 1.2 * qty');
  });

  it('threads from peers are validated: junk is ignored, long text is cut', () => {
    const doc = createNotebookDoc();
    const [cellId] = cellOrder(doc);
    doc.transact(() => {
      commentsMap(doc).set('junk', new Y.Map([['cellId', 42]]) as Y.Map<unknown>);
      const t = new Y.Map<unknown>();
      t.set('cellId', cellId);
      t.set('messages', Y.Array.from([{ id: 'm', author: { name: 'Eve', color: 'red;}' }, at: 1, text: 'x'.repeat(50_000) }]));
      t.set('anchor', { start: 'nonsense', end: 5 });
      commentsMap(doc).set('long', t);
    });
    const [t] = readThreads(doc);
    expect(readThreads(doc)).toHaveLength(1);
    expect(t!.messages[0]!.text).toHaveLength(10_000);
    expect(t!.messages[0]!.author.color).toBe('#888888');
    expect(t!.range).toBeUndefined();
  });

  it('round-trips through .ipynb cell metadata, replies, state and range included', () => {
    const doc = createNotebookDoc({ cells: [{ source: 'a = 1\nb = 2' }, { type: 'markdown', source: '# Notes' }] });
    const [c1, c2] = cellOrder(doc);
    const t1 = addThread(doc, { cellId: c1!, text: 'why b?', author: ada, range: { from: 6, to: 11 } }, LOCAL)!;
    replyToThread(doc, t1, 'because', bob, LOCAL);
    const t2 = addThread(doc, { cellId: c2!, text: 'title ok', author: bob }, LOCAL)!;
    setThreadResolved(doc, t2, true, ada, LOCAL);
    const file = JSON.parse(exportIpynb(doc)) as { cells: Array<{ metadata: { anode?: { comments?: unknown[] } } }> };
    expect(file.cells[0]!.metadata.anode?.comments).toHaveLength(1);
    const back = reimport(doc);
    const [n1, n2] = cellOrder(back);
    const threads = readThreads(back).sort((x, y) => (x.cellId === n1 ? 0 : 1) - (y.cellId === n1 ? 0 : 1));
    expect(threads.map((t) => [t.cellId, t.messages.map((m) => `${m.author.name}: ${m.text}`), t.resolved, t.resolvedBy?.name ?? null])).toEqual([
      [n1, ['Ada: why b?', 'Bob: because'], false, null],
      [n2, ['Bob: title ok'], true, 'Ada'],
    ]);
    const src = (getCell(back, n1!)!.get('source') as Y.Text).toString();
    expect(src.slice(threads[0]!.range!.from, threads[0]!.range!.to)).toBe('b = 2');
    // The threads are the notebook's comments, not also left in the cell's metadata.
    expect(JSON.stringify((getCell(back, n1!)!.get('metadata') as Y.Map<unknown>).toJSON())).not.toContain('comments');
    // And a second export writes them once.
    expect(exportIpynb(back).match(/why b\?/g)).toHaveLength(1);
  });

  it('the AI context never includes comments', () => {
    const doc = createNotebookDoc({ cells: [{ source: 'secret_sauce = 42' }, { type: 'ai', source: 'explain' }] });
    const [c1, c2] = cellOrder(doc);
    addThread(doc, { cellId: c1!, text: 'PRIVATE-REMARK-7731', author: ada }, LOCAL);
    setSource(doc, c1!, 'secret_sauce = 43', LOCAL);
    const ctx = buildContext(doc, c2!);
    expect(JSON.stringify(ctx)).toContain('secret_sauce = 43');
    expect(JSON.stringify(ctx)).not.toContain('PRIVATE-REMARK-7731');
  });
});
