/**
 * The kernel's side of the notebook's files (workers/files.ts) in real Pyodide under Node: files the page writes
 * are where Python looks (its working folder), and the look after a run reports exactly what Python wrote,
 * changed, deleted or made, reading only changed files and naming (not reading) files over the size limit.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadPyodide, type PyodideInterface } from 'pyodide';
import { enterFolder, fileChanges, writeFiles } from '../../workers/files';

let p: PyodideInterface;
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

beforeAll(async () => {
  p = await loadPyodide({ indexURL: join(__dirname, '../../node_modules/pyodide/') });
  enterFolder(p);
}, 60_000);

describe('the kernel folder', () => {
  it('puts the notebook’s files in Python’s working folder and reports only what Python changed', () => {
    writeFiles(p, [
      { path: 'data.csv', bytes: enc('a,b\n1,2\n'), mtime: 1_700_000_000_000 },
      { path: 'raw/x.txt', bytes: enc('x'), mtime: 1_700_000_000_000 },
    ], [], ['empty']);
    expect(p.runPython('import os; os.getcwd()')).toBe('/drive');
    expect(p.runPython('open("data.csv").read()')).toBe('a,b\n1,2\n');
    expect(p.runPython('os.path.isdir("empty")')).toBe(true);
    // The upload's modification time, as Jupyter keeps it.
    expect(p.runPython('int(os.path.getmtime("data.csv"))')).toBe(1_700_000_000);
    // Nothing changed yet: nothing to report.
    expect(fileChanges(p, 1000)).toEqual({ written: [], removed: [], folders: ['empty'], tooLarge: [] });

    p.runPython(`
open("out.txt", "w").write("result")
open("data.csv", "a").write("3,4\\n")
os.remove("raw/x.txt")
os.makedirs("plots/2024")
open("big.bin", "wb").write(b"0" * 5000)
`);
    const c = fileChanges(p, 1000);
    expect(c.written.map((w) => [w.path, text(w.bytes)]).sort()).toEqual([
      ['data.csv', 'a,b\n1,2\n3,4\n'],
      ['out.txt', 'result'],
    ]);
    expect(c.removed).toEqual(['raw/x.txt']);
    expect(c.folders.sort()).toEqual(['empty', 'plots/2024', 'raw']);
    expect(c.tooLarge).toEqual([{ path: 'big.bin', size: 5000 }]);
    // Reported once.
    expect(fileChanges(p, 1000).written).toEqual([]);
  });

  it('deletes files and whole folders the notebook no longer has, and replaces a folder by a file of its name', () => {
    writeFiles(p, [{ path: 'tree/a/b.txt', bytes: enc('b'), mtime: 0 }], [], []);
    writeFiles(p, [], ['tree', 'out.txt'], []);
    expect(p.runPython('import os; (os.path.exists("tree"), os.path.exists("out.txt"))').toJs()).toEqual([false, false]);
    writeFiles(p, [{ path: 'plots', bytes: enc('now a file'), mtime: 0 }], [], []);
    expect(p.runPython('open("plots").read()')).toBe('now a file');
  });
});
