/** Creating a notebook document: meta plus its first cells, written once by the creating peer. */
import * as Y from 'yjs';
import { seedMeta } from './doc';
import { appendCells, type NewCell } from './cells';
import { newId } from './id';
import { IMPORT } from './origin';

/** A fresh document for a new notebook: "Untitled" with one empty code cell unless `cells` says otherwise. */
export function createNotebookDoc(opts: { id?: string; title?: string; cells?: NewCell[] } = {}): Y.Doc {
  const doc = new Y.Doc();
  const id = opts.id ?? newId();
  doc.transact(() => {
    seedMeta(doc, id, opts.title ?? 'Untitled', IMPORT);
    appendCells(doc, opts.cells ?? [{ type: 'code', source: '' }], IMPORT);
  }, IMPORT);
  return doc;
}
