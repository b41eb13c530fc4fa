/** Creating a new notebook document from a parsed .ipynb file. */
import * as Y from 'yjs';
import { appendCells, type NewCell } from '../cells';
import { metaMap, seedMeta } from '../doc';
import { newId } from '../id';
import { IMPORT } from '../origin';
import { addThread } from '../comments';
import { takeComments } from './comments';
import { withPythonDefaults } from './metadata';
import { IPYNB_METADATA_KEY, type ParsedNotebook } from './types';
import { isObject } from './json';
import { WIDGET_STATE_MIME, importWidgetState } from '../widgets';

export interface ImportOptions {
  /** The new notebook's id (default: a fresh one). */
  id?: string;
  /** Overrides every other source of the title. */
  title?: string;
  /** The file's name (`analysis.ipynb`, or a path or URL ending in it): the title when the file has none. */
  fileName?: string;
}

/** `analysis.ipynb` → `analysis`; a path or URL keeps its last segment only. */
function titleFromFileName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  let stem = base.replace(/[?#].*$/, '').replace(/\.ipynb$/i, '');
  try {
    stem = decodeURIComponent(stem);
  } catch {
    // Not percent-encoded after all: the name as it is.
  }
  return stem.trim();
}

/**
 * A title that says something: a notebook never renamed exports as "Untitled", and when such a file comes back
 * under a name the user gave it (`pasted.ipynb`), that name is the better title.
 */
function meaningful(title: string | null): string {
  const t = title?.trim() ?? '';
  return t.toLowerCase() === 'untitled' ? '' : t;
}

/**
 * A NEW notebook document holding `parsed`: meta seeded once and every cell appended in one transaction with the
 * IMPORT origin, so nothing half-imported is ever observable and no existing document is touched. The title is
 * `opts.title`, else the file's own title (unless it is the default "Untitled"), else the file name without `.ipynb`, else Colab's name for it, else
 * "Untitled". Notebook metadata goes to `meta.ipynbMetadata`, with a Python kernelspec and language_info if it had
 * none. A file with no cells gives a notebook with no cells: exporting it gives back what was imported.
 * Values are copied: later changes to `parsed` do not reach the document.
 */
export function importNotebook(parsed: ParsedNotebook, opts: ImportOptions = {}): Y.Doc {
  const fromFile = opts.fileName ? titleFromFileName(opts.fileName) : '';
  const title = opts.title?.trim() || meaningful(parsed.title) || fromFile || parsed.suggestedTitle?.trim() || 'Untitled';
  // Threads the file carried in cell metadata become the notebook's comments (see ./comments.ts).
  const split = parsed.cells.map((c) => takeComments(c.metadata, '', c.source.length));
  const cells: NewCell[] = parsed.cells.map((c, i) => ({
    id: c.id,
    type: c.type,
    source: c.source,
    metadata: structuredClone(split[i]!.metadata),
    outputs: structuredClone(c.outputs),
    executionCount: c.executionCount,
    ...(c.attachments ? { attachments: structuredClone(c.attachments) } : {}),
  }));
  const doc = new Y.Doc();
  doc.transact(() => {
    seedMeta(doc, opts.id ?? newId(), title, IMPORT);
    metaMap(doc).set(IPYNB_METADATA_KEY, structuredClone(withPythonDefaults(parsed.metadata)));
    // Saved widget state becomes the document's widget models too (shown as saved, until the cells run again);
    // the file's own copy stays in its metadata, which export writes back until a kernel makes widgets here.
    const widgets = parsed.metadata['widgets'];
    if (isObject(widgets)) importWidgetState(doc, widgets[WIDGET_STATE_MIME], IMPORT);
    const ids = appendCells(doc, cells, IMPORT);
    split.forEach((s, i) => s.threads.forEach((t) => addThread(doc, { ...t, cellId: ids[i]! }, IMPORT)));
  }, IMPORT);
  return doc;
}
