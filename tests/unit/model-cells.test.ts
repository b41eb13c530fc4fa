import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  LOCAL,
  appendOutputs,
  applyCarriageReturns,
  capStreamText,
  cellOrder,
  cellsMap,
  createNotebookDoc,
  deleteCell,
  getCell,
  insertCell,
  moveCell,
  setCellType,
  setSource,
  snapshotCell,
  MAX_STREAM_LINES,
  type Output,
} from '../../src/model';
import { rng } from './helpers/random';


function peersOf(n: number, base: Y.Doc): Y.Doc[] {
  return Array.from({ length: n }, () => {
    const d = new Y.Doc();
    Y.applyUpdate(d, Y.encodeStateAsUpdate(base));
    return d;
  });
}

function sources(doc: Y.Doc): string[] {
  return cellOrder(doc).map((id) => snapshotCell(doc, id)!.source);
}

describe('cells', () => {
  it('a new notebook has one empty code cell', () => {
    const doc = createNotebookDoc();
    const order = cellOrder(doc);
    expect(order).toHaveLength(1);
    expect(snapshotCell(doc, order[0]!)).toMatchObject({ type: 'code', source: '', outputs: [] });
  });

  it('inserts, moves and deletes keep the order the user asked for', () => {
    const doc = createNotebookDoc({ cells: [{ source: 'a' }, { source: 'b' }, { source: 'c' }] });
    const [a, , c] = cellOrder(doc);
    insertCell(doc, 1, { source: 'x' }, LOCAL);
    expect(sources(doc)).toEqual(['a', 'x', 'b', 'c']);
    moveCell(doc, c!, 0, LOCAL);
    expect(sources(doc)).toEqual(['c', 'a', 'x', 'b']);
    moveCell(doc, a!, 3, LOCAL);
    expect(sources(doc)).toEqual(['c', 'x', 'b', 'a']);
    deleteCell(doc, a!, LOCAL);
    expect(sources(doc)).toEqual(['c', 'x', 'b']);
  });

  it('changing a code cell to markdown drops its outputs', () => {
    const doc = createNotebookDoc();
    const id = cellOrder(doc)[0]!;
    appendOutputs(doc, id, [{ output_type: 'stream', name: 'stdout', text: 'hi\n' }], LOCAL);
    setCellType(doc, id, 'markdown', LOCAL);
    expect(snapshotCell(doc, id)).toMatchObject({ type: 'markdown', outputs: [] });
  });

  it('a cell written wrongly by a peer is read with a problem, not a crash', () => {
    const doc = createNotebookDoc();
    const bad = new Y.Map<unknown>();
    bad.set('type', 'hologram');
    bad.set('order', 42);
    bad.set('source', 7);
    cellsMap(doc).set('evil', bad);
    expect(cellOrder(doc)).toContain('evil');
    const snap = snapshotCell(doc, 'evil')!;
    expect(snap.problem).toMatch(/unknown cell type/);
    expect(snap.problem).toMatch(/source is not text/);
    // Inserting next to a corrupt key still works.
    insertCell(doc, 0, { source: 'ok' }, LOCAL);
    expect(sources(doc)).toContain('ok');
  });
});

describe('concurrent edits converge with no cell duplicated or lost', () => {
  const OPS = ['insert', 'move', 'delete', 'edit', 'retype'] as const;

  function randomOp(doc: Y.Doc, r: () => number, tag: string, created: Set<string>, deleted: Set<string>): void {
    const order = cellOrder(doc);
    const op = OPS[Math.floor(r() * OPS.length)]!;
    const pick = (): string | undefined => order[Math.floor(r() * order.length)];
    if (op === 'insert' || order.length === 0) {
      const id = insertCell(doc, Math.floor(r() * (order.length + 1)), { source: tag }, LOCAL);
      created.add(id);
    } else if (op === 'move') {
      moveCell(doc, pick()!, Math.floor(r() * order.length), LOCAL);
    } else if (op === 'delete') {
      const id = pick()!;
      deleted.add(id);
      deleteCell(doc, id, LOCAL);
    } else if (op === 'edit') {
      const id = pick()!;
      const text = getCell(doc, id)!.get('source') as Y.Text;
      text.insert(Math.floor(r() * (text.length + 1)), tag);
    } else {
      setCellType(doc, pick()!, r() < 0.5 ? 'markdown' : 'code', LOCAL);
    }
  }

  for (let seed = 1; seed <= 60; seed++) {
    it(`seed ${seed}`, () => {
      const r = rng(seed);
      const base = createNotebookDoc({ cells: [{ source: '0' }, { source: '1' }, { source: '2' }] });
      const initial = new Set(cellOrder(base));
      const peers = peersOf(2 + (seed % 2), base);
      const created = new Set<string>();
      const deleted = new Set<string>();
      for (let round = 0; round < 4; round++) {
        // Each peer edits offline...
        peers.forEach((p, i) => {
          for (let k = 0; k < 1 + Math.floor(r() * 5); k++) randomOp(p, r, `p${i}r${round}`, created, deleted);
        });
        // ...then updates are exchanged in a random order.
        const updates = peers.map((p) => Y.encodeStateAsUpdate(p));
        for (const p of peers) {
          const shuffled = [...updates].sort(() => r() - 0.5);
          for (const u of shuffled) Y.applyUpdate(p, u);
        }
      }
      const orders = peers.map((p) => cellOrder(p));
      for (const o of orders) {
        expect(o).toEqual(orders[0]);
        expect(new Set(o).size).toBe(o.length);
      }
      const expected = new Set([...initial, ...created].filter((id) => !deleted.has(id)));
      expect(new Set(orders[0])).toEqual(expected);
      const texts = peers.map((p) => sources(p));
      for (const t of texts) expect(t).toEqual(texts[0]);
    });
  }
});

describe('outputs', () => {
  it('merges consecutive chunks of one stream and keeps stderr apart', () => {
    const doc = createNotebookDoc();
    const id = cellOrder(doc)[0]!;
    const chunks: Output[] = [
      { output_type: 'stream', name: 'stdout', text: 'a\n' },
      { output_type: 'stream', name: 'stdout', text: 'b\n' },
      { output_type: 'stream', name: 'stderr', text: 'oops\n' },
      { output_type: 'stream', name: 'stdout', text: 'c\n' },
    ];
    for (const c of chunks) appendOutputs(doc, id, [c], LOCAL);
    expect(snapshotCell(doc, id)!.outputs).toEqual([
      { output_type: 'stream', name: 'stdout', text: 'a\nb\n' },
      { output_type: 'stream', name: 'stderr', text: 'oops\n' },
      { output_type: 'stream', name: 'stdout', text: 'c\n' },
    ]);
  });

  it('carriage returns overwrite the line, across chunks (tqdm-style)', () => {
    expect(applyCarriageReturns('10%\r20%\r30%')).toBe('30%');
    expect(applyCarriageReturns('abc\rX')).toBe('Xbc');
    expect(applyCarriageReturns('line\r\nnext')).toBe('line\nnext');
    const doc = createNotebookDoc();
    const id = cellOrder(doc)[0]!;
    for (let i = 0; i <= 100; i += 10) appendOutputs(doc, id, [{ output_type: 'stream', name: 'stdout', text: `\r${i}%` }], LOCAL);
    appendOutputs(doc, id, [{ output_type: 'stream', name: 'stdout', text: '\ndone\n' }], LOCAL);
    expect(snapshotCell(doc, id)!.outputs[0]).toMatchObject({ text: '100%\ndone\n' });
  });

  it('a huge stream is capped with a visible count of hidden lines', () => {
    const text = Array.from({ length: MAX_STREAM_LINES * 3 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const capped = capStreamText(text);
    const m = /^\[output truncated, (\d+) lines hidden\]\n/.exec(capped);
    expect(m).not.toBeNull();
    expect(capped).toContain(`line ${MAX_STREAM_LINES * 3 - 1}`);
    expect(capped.split('\n').length).toBeLessThanOrEqual(MAX_STREAM_LINES + 2);
    // Appending more keeps counting instead of resetting.
    const again = capStreamText(capped + 'more\n'.repeat(10));
    expect(Number(/(\d+) lines hidden/.exec(again)![1])).toBeGreaterThan(Number(m![1]));
  });

  it('the document stays bounded after many runs of a printing cell', () => {
    const doc = createNotebookDoc();
    const id = cellOrder(doc)[0]!;
    const sizes: number[] = [];
    for (let run = 0; run < 30; run++) {
      const outs = getCell(doc, id)!.get('outputs') as Y.Array<unknown>;
      doc.transact(() => outs.delete(0, outs.length), LOCAL);
      for (let i = 0; i < 50; i++) appendOutputs(doc, id, [{ output_type: 'stream', name: 'stdout', text: `run ${run} line ${i}\n` }], LOCAL);
      sizes.push(Y.encodeStateAsUpdate(doc).length);
    }
    // Deleted outputs leave only tombstones: growth after the first runs is small and does not scale with output.
    expect(sizes[29]! - sizes[9]!).toBeLessThan(sizes[0]!);
  });

  it('setSource replaces the text', () => {
    const doc = createNotebookDoc();
    const id = cellOrder(doc)[0]!;
    setSource(doc, id, 'x = 1', LOCAL);
    setSource(doc, id, 'y = 2', LOCAL);
    expect(snapshotCell(doc, id)!.source).toBe('y = 2');
  });
});

describe('the kernel record', () => {
  it('writes a status only when it changes: the same status and reason again make no update to sync', async () => {
    const { startSession, setKernelStatus, readKernel } = await import('../../src/model');
    const doc = createNotebookDoc();
    startSession(doc, 's1', { client: 1, name: 'Ada' }, LOCAL);
    setKernelStatus(doc, 's1', 'dead', LOCAL, 'Python could not start: offline');
    let updates = 0;
    doc.on('update', () => updates++);
    // The room acknowledges every update and the acknowledgement re-reports the status: a write here would loop.
    setKernelStatus(doc, 's1', 'dead', LOCAL, 'Python could not start: offline');
    setKernelStatus(doc, 's1', 'dead', LOCAL, 'Python could not start: offline');
    expect(updates).toBe(0);
    setKernelStatus(doc, 's1', 'starting', LOCAL, 'Back online: Python started again.');
    expect(updates).toBe(1);
    expect(readKernel(doc)).toMatchObject({ status: 'starting', reason: 'Back online: Python started again.' });
    setKernelStatus(doc, 's1', 'idle', LOCAL);
    expect(readKernel(doc)?.reason).toBeUndefined();
  });
});
