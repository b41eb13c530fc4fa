/**
 * The notebook's files as data: which paths are accepted (from users and from peers), rename and delete of files
 * and folders, free names on a clash, the panel's tree, and zip archives written and read back.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  LOCAL,
  MAX_FILE_BYTES,
  checkPath,
  cleanName,
  filesBytes,
  filesMap,
  freeName,
  listFiles,
  makeFolder,
  putFiles,
  removeFiles,
  renameFile,
} from '../../src/model';
import { fileRows, readerSnippet } from '../../src/ui/sidebar/tree';
import { crc32, readZip, writeZip } from '../../src/ui/io/zip';

const H = (c: string): string => c.repeat(64);

function docWith(paths: string[]): Y.Doc {
  const doc = new Y.Doc();
  putFiles(doc, paths.map((path, i) => ({ path, hash: H('abcdef'[i % 6]!), size: 10 + i, mtime: 1 })), LOCAL);
  return doc;
}

describe('paths', () => {
  it('accepts relative paths and refuses escapes, control characters and reserved characters', () => {
    for (const ok of ['data.csv', 'a/b/c.txt', 'résumé 2024.pdf', '.hidden']) expect(checkPath(ok)).toBeNull();
    for (const bad of ['', '/etc/passwd', '../x', 'a/../b', 'a//b', 'a/./b', 'x\u0000y', 'tab\there', 'a\\b', 'c:d', ' lead', 'x'.repeat(256)]) {
      expect(checkPath(bad), bad).not.toBeNull();
    }
  });

  it('cleans uploaded names instead of refusing them', () => {
    expect(cleanName('../../evil.sh')).toBe('evil.sh');
    expect(cleanName('C:\\Users\\me\\data.csv')).toBe('data.csv');
    expect(cleanName('bad:name?.txt')).toBe('bad_name_.txt');
    expect(cleanName('\u0007\u0008')).toBe('_');
    expect(cleanName('..')).toBe('file');
    expect(checkPath(cleanName('a\nb'))).toBeNull();
  });

  it('ignores manifest entries a peer wrote with a bad path, hash or size', () => {
    const doc = new Y.Doc();
    const m = filesMap(doc);
    m.set('../escape', { hash: H('a'), size: 1, mtime: 0 });
    m.set('nohash.txt', { size: 1, mtime: 0 });
    m.set('huge.bin', { hash: H('b'), size: MAX_FILE_BYTES + 1, mtime: 0 });
    m.set('fine.txt', { hash: H('c'), size: 3, mtime: 0 });
    expect([...listFiles(doc).keys()]).toEqual(['fine.txt']);
  });
});

describe('operations', () => {
  it('renames a folder with everything under it, and refuses a taken name or a move into itself', () => {
    const doc = docWith(['data/a.csv', 'data/sub/b.csv', 'other.txt']);
    expect(renameFile(doc, 'data', 'data/sub/x', LOCAL)).toMatch(/into itself/);
    expect(renameFile(doc, 'data', 'other.txt', LOCAL)).toMatch(/already exists/);
    expect(renameFile(doc, 'data', 'raw', LOCAL)).toBeNull();
    expect([...listFiles(doc).keys()].sort()).toEqual(['other.txt', 'raw/a.csv', 'raw/sub/b.csv']);
  });

  it('deletes a folder with its contents; an explicit empty folder goes when a file lands in it', () => {
    const doc = docWith(['data/a.csv', 'data/b.csv', 'keep.txt']);
    makeFolder(doc, 'empty', LOCAL);
    expect(listFiles(doc).get('empty')?.dir).toBe(true);
    putFiles(doc, [{ path: 'empty/now.txt', hash: H('f'), size: 1, mtime: 1 }], LOCAL);
    expect(listFiles(doc).has('empty')).toBe(false);
    removeFiles(doc, ['data'], LOCAL);
    expect([...listFiles(doc).keys()].sort()).toEqual(['empty/now.txt', 'keep.txt']);
  });

  it('finds a free name on a clash, and counts identical contents once', () => {
    const doc = docWith(['data.csv', 'data (1).csv', 'README']);
    const all = listFiles(doc);
    expect(freeName(all, 'data.csv')).toBe('data (2).csv');
    expect(freeName(all, 'README')).toBe('README (1)');
    expect(freeName(all, 'new.csv')).toBe('new.csv');
    putFiles(doc, [{ path: 'copy.csv', hash: H('a'), size: 10, mtime: 1 }], LOCAL);
    expect(filesBytes(listFiles(doc).values())).toBe(10 + 11 + 12);
  });

  it('lists folders first, then files, by name, with collapsed folders hiding their contents', () => {
    const all = listFiles(docWith(['z.txt', 'b/2.csv', 'b/10.csv', 'a.txt']));
    expect(fileRows(all, new Set()).map((r) => r.path)).toEqual(['b', 'a.txt', 'z.txt']);
    expect(fileRows(all, new Set(['b'])).map((r) => `${r.depth}:${r.path}`)).toEqual(['0:b', '1:b/2.csv', '1:b/10.csv', '0:a.txt', '0:z.txt']);
    expect(readerSnippet('b/2.csv')).toContain('pd.read_csv("b/2.csv")');
    expect(readerSnippet('image.png')).toBeNull();
  });
});

describe('zip', () => {
  it('writes an archive that reads back byte for byte, with UTF-8 names and folders', async () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256);
    const zip = writeZip([
      { name: 'nb.ipynb', bytes: new TextEncoder().encode('{}') },
      { name: 'données/été.bin', bytes },
      { name: 'empty/', bytes: new Uint8Array(0) },
      { name: 'zero.txt', bytes: new Uint8Array(0) },
    ]);
    const back = await readZip(new Uint8Array(await zip.arrayBuffer()));
    expect(back.map((e) => e.name)).toEqual(['nb.ipynb', 'données/été.bin', 'zero.txt']);
    expect(back[1]!.bytes).toEqual(bytes);
    expect(back[2]!.bytes.length).toBe(0);
  });

  it('reads deflated entries (what zip tools write) and rejects damage with a message', async () => {
    const text = new TextEncoder().encode('a,b\n'.repeat(5000));
    const deflated = new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer());
    // A stored archive, then patched into a deflated one: method 8, compressed size, the deflated bytes.
    const name = new TextEncoder().encode('big.csv');
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(8, 8, true);
    lv.setUint32(14, crc32(text), true);
    lv.setUint32(18, deflated.length, true);
    lv.setUint32(22, text.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(10, 8, true);
    cv.setUint32(16, crc32(text), true);
    cv.setUint32(20, deflated.length, true);
    cv.setUint32(24, text.length, true);
    cv.setUint16(28, name.length, true);
    central.set(name, 46);
    const end = new Uint8Array(22);
    const ev = new DataView(end.buffer);
    ev.setUint32(0, 0x06054b50, true);
    ev.setUint16(10, 1, true);
    ev.setUint32(12, central.length, true);
    ev.setUint32(16, local.length + deflated.length, true);
    const archive = new Uint8Array(await new Blob([local, deflated, central, end]).arrayBuffer());
    const [entry] = await readZip(archive);
    expect(new TextDecoder().decode(entry!.bytes)).toBe('a,b\n'.repeat(5000));

    await expect(readZip(new TextEncoder().encode('not a zip at all'))).rejects.toThrow(/not a zip/);
    const damaged = archive.slice();
    damaged[30 + name.length + 5]! ^= 0xff;
    await expect(readZip(damaged)).rejects.toThrow(/damaged|could not|invalid|incorrect/i);
  });
});
