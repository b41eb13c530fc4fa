/**
 * The one import flow every entry point (file picker, drop, URL) goes through: show that it is working, import,
 * open the new notebook, and leave a notice for the user — why nothing was imported, or what was repaired. The
 * notice lives here, not in a component, because a successful import changes the view it was started from.
 */
import { createSignal, type Accessor } from 'solid-js';
import { navigate, notebookHash } from '../router';
import { importIpynbFile, importIpynbText, looksLikeIpynb, type ImportOutcome } from './importer';
import { fetchNotebook } from './url';
import { importBundle, looksLikeBundle } from './bundle';

/** What the user is told after an import: why it failed, or which repairs the new notebook needed. */
export type ImportNotice =
  | { kind: 'error'; source: string; message: string }
  | { kind: 'warnings'; title: string; warnings: string[] };

const [notice, setNotice] = createSignal<ImportNotice | null>(null);
const [busy, setBusy] = createSignal<string | null>(null);

/** The notice to show, if any. */
export const importNotice: Accessor<ImportNotice | null> = notice;
/** What is being imported right now ("analysis.ipynb"), or null. */
export const importBusy: Accessor<string | null> = busy;

export function dismissImportNotice(): void {
  setNotice(null);
}

async function run(source: string, task: () => Promise<ImportOutcome>): Promise<boolean> {
  if (busy()) return false;
  setNotice(null);
  setBusy(source);
  let outcome: ImportOutcome;
  try {
    outcome = await task();
  } catch (e) {
    outcome = { ok: false, error: `Something went wrong while importing: ${e instanceof Error ? e.message : String(e)}` };
  } finally {
    setBusy(null);
  }
  if (!outcome.ok) {
    setNotice({ kind: 'error', source, message: outcome.error });
    return false;
  }
  if (outcome.warnings.length) setNotice({ kind: 'warnings', title: outcome.title, warnings: outcome.warnings });
  navigate(notebookHash(outcome.id));
  return true;
}

/** Imports a picked or dropped file as a new notebook and opens it. Files that are not notebooks are refused. */
export function importFile(file: File): Promise<boolean> {
  if (looksLikeBundle(file)) return run(file.name, () => importBundle(file));
  if (!looksLikeIpynb(file)) {
    setNotice({
      kind: 'error',
      source: file.name,
      message: `“${file.name}” is not a Jupyter notebook: Anode imports .ipynb files (Jupyter's notebook format), and .zip archives of a notebook with its files.`,
    });
    return Promise.resolve(false);
  }
  return run(file.name, () => importIpynbFile(file));
}

/** Imports the first of several dropped files; more than one is refused rather than half-done. */
export function importFiles(files: readonly File[]): Promise<boolean> {
  const [first] = files;
  if (!first) return Promise.resolve(false);
  if (files.length > 1) {
    setNotice({ kind: 'error', source: `${files.length} files`, message: 'Drop one notebook at a time: each import makes one new notebook.' });
    return Promise.resolve(false);
  }
  return importFile(first);
}

/** Fetches the notebook at `url`, imports it as a new notebook and opens it. */
export function importUrl(url: string): Promise<boolean> {
  return run(url.trim(), async () => {
    const fetched = await fetchNotebook(url);
    return fetched.ok ? importIpynbText(fetched.text, fetched.fileName) : fetched;
  });
}
