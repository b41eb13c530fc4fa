/**
 * A notebook with its files as one .zip: the .ipynb at the top, the files beside it at their paths (as the
 * notebook's folder would look on disk, so Jupyter opens the unzipped folder as is). Importing such a .zip makes a
 * new notebook with those files.
 */
import type * as Y from 'yjs';
import {
  IMPORT,
  MAX_FILE_BYTES,
  MAX_NOTEBOOK_BYTES,
  checkIpynbSize,
  checkPath,
  exportIpynb,
  importNotebook,
  listFiles,
  parseIpynb,
  putFiles,
  readMeta,
  type FileEntry,
} from '../../model';
import { getBlob, putBlob, sha256Hex } from '../../sync';
import { storeNewNotebook } from '../notebooks';
import { fileNameFor } from './files';
import type { ImportOutcome } from './importer';
import { readZip, writeZip, type ZipEntry } from './zip';

/** The notebook and its files as a zip archive. Throws when a file is not on this device (still arriving). */
export async function notebookBundle(doc: Y.Doc): Promise<Blob> {
  const meta = readMeta(doc);
  const ipynbName = fileNameFor(meta?.title ?? 'Untitled', '.ipynb');
  const entries: ZipEntry[] = [{ name: ipynbName, bytes: new TextEncoder().encode(exportIpynb(doc)) }];
  for (const e of listFiles(doc).values()) {
    if (e.dir) {
      entries.push({ name: `${e.path}/`, bytes: new Uint8Array(0), mtime: e.mtime });
      continue;
    }
    const blob = meta ? await getBlob(meta.id, e.hash!) : null;
    if (!blob) throw new Error(`${e.path} is not on this device yet (it is still arriving from the room): try again once it is there.`);
    entries.push({ name: e.path, bytes: new Uint8Array(await blob.arrayBuffer()), mtime: e.mtime });
  }
  return writeZip(entries);
}

export function looksLikeBundle(file: File): boolean {
  return /\.zip$/i.test(file.name) || file.type === 'application/zip';
}

/** Imports a notebook .zip (one .ipynb at its top, files beside it) as a new notebook with those files. */
export async function importBundle(file: File): Promise<ImportOutcome> {
  if (file.size > MAX_NOTEBOOK_BYTES + 100 * 1024 * 1024) {
    return { ok: false, error: `“${file.name}” is ${Math.round(file.size / 1024 / 1024)} MB: a notebook’s files can total at most ${MAX_NOTEBOOK_BYTES / 1024 / 1024} MB.` };
  }
  let entries: ZipEntry[];
  try {
    entries = await readZip(new Uint8Array(await file.arrayBuffer()));
  } catch (e) {
    return { ok: false, error: `“${file.name}” could not be read: ${e instanceof Error ? e.message : String(e)}` };
  }
  // Archives made by zipping a folder put everything under that folder's name: look inside it.
  const roots = new Set(entries.map((e) => e.name.split('/')[0]));
  const prefix = roots.size === 1 && entries.every((e) => e.name.includes('/')) ? `${[...roots][0]}/` : '';
  const inside = entries
    .filter((e) => !e.name.startsWith('__MACOSX/'))
    .map((e) => ({ ...e, name: e.name.slice(prefix.length) }));
  const notebooks = inside.filter((e) => !e.name.includes('/') && /\.ipynb$/i.test(e.name));
  if (notebooks.length !== 1) {
    return {
      ok: false,
      error: notebooks.length
        ? `“${file.name}” holds ${notebooks.length} notebooks at its top: a notebook archive holds one (export each notebook on its own).`
        : `“${file.name}” has no .ipynb at its top: it is not a notebook archive. To use its contents as data, open a notebook and drop the .zip on it.`,
    };
  }
  const nb = notebooks[0]!;
  const tooBig = checkIpynbSize(nb.bytes.length);
  if (tooBig) return { ok: false, error: tooBig };
  const parsed = parseIpynb(new TextDecoder().decode(nb.bytes));
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const doc = importNotebook(parsed.notebook, { fileName: nb.name });
  try {
    const id = readMeta(doc)!.id;
    const warnings = [...parsed.notebook.warnings];
    const files: Array<Omit<FileEntry, 'dir'>> = [];
    let total = 0;
    for (const e of inside) {
      if (e === nb) continue;
      const problem = checkPath(e.name);
      if (problem) {
        warnings.push(`Skipped a file with a name that cannot be used: ${problem}`);
        continue;
      }
      if (e.bytes.length > MAX_FILE_BYTES || total + e.bytes.length > MAX_NOTEBOOK_BYTES) {
        warnings.push(`Skipped ${e.name}: over the size limit for a notebook’s files.`);
        continue;
      }
      const bytes = e.bytes as Uint8Array<ArrayBuffer>;
      const hash = await sha256Hex(bytes);
      await putBlob(id, hash, new Blob([bytes]));
      total += bytes.length;
      files.push({ path: e.name, hash, size: bytes.length, mtime: Date.now() });
    }
    putFiles(doc, files, IMPORT);
    await storeNewNotebook(doc);
    return { ok: true, id, title: readMeta(doc)?.title ?? 'Untitled', warnings };
  } finally {
    doc.destroy();
  }
}
