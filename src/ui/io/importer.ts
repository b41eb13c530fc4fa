/**
 * Importing a .ipynb as a NEW notebook on this device: size check before reading, parse, build, store. A file
 * that is refused creates nothing; an existing notebook is never touched.
 */
import { checkIpynbSize, importNotebook, parseIpynb, readMeta } from '../../model';
import { storeNewNotebook } from '../notebooks';
import { readFileText } from './files';

/** What became of an import: the new notebook (with what was repaired on the way), or why nothing was created. */
export type ImportOutcome =
  | { ok: true; id: string; title: string; warnings: string[] }
  | { ok: false; error: string };

/** Imports the text of a notebook file named `fileName` (its name gives the title). */
export async function importIpynbText(text: string, fileName: string): Promise<ImportOutcome> {
  const parsed = parseIpynb(text);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const doc = importNotebook(parsed.notebook, { fileName });
  try {
    const id = await storeNewNotebook(doc);
    const title = readMeta(doc)?.title ?? 'Untitled';
    return { ok: true, id, title, warnings: parsed.notebook.warnings };
  } finally {
    doc.destroy();
  }
}

/** Imports a picked or dropped file; its size is checked before a byte of it is read. */
export async function importIpynbFile(file: File): Promise<ImportOutcome> {
  const tooBig = checkIpynbSize(file.size);
  if (tooBig) return { ok: false, error: tooBig };
  let text: string;
  try {
    text = await readFileText(file);
  } catch (e) {
    return { ok: false, error: `“${file.name}” could not be read (${e instanceof Error ? e.message : String(e)}).` };
  }
  return importIpynbText(text, file.name);
}

/**
 * Whether a dropped or picked file could be a notebook by its name or type: .ipynb, or JSON (notebooks get saved
 * as .json too). The content decides in the end; this only turns away images, archives and the like.
 */
export function looksLikeIpynb(file: File): boolean {
  return /\.(ipynb|json)$/i.test(file.name) || /^application\/(x-ipynb\+)?json$/.test(file.type);
}
