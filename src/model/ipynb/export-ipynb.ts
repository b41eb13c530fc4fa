/** Writing a notebook document as an nbformat 4.5 .ipynb file, byte-compatible with how Jupyter writes one. */
import type * as Y from 'yjs';
import { cellOrder, snapshotCell, type CellSnapshot } from '../cells';
import { metaMap, readMeta } from '../doc';
import { newId } from '../id';
import { readThreads, type CommentThread } from '../comments';
import { kernelLanguage, readKernel } from '../kernel';
import { withComments } from './comments';
import { encodeAnodeCell, nbformatType } from './anode-cells';
import { isNbformatCellId } from './cell-id';
import { stringifyJson } from './exact-json';
import { isObject, sortKeys, type JsonObject } from './json';
import { splitLines } from './lines';
import { cleanCellMetadata, cleanNotebookMetadata, withPythonDefaults } from './metadata';
import { isJsonMime } from './parse-output';
import { IPYNB_METADATA_KEY } from './types';
import { WIDGET_STATE_MIME, widgetStateDocument } from '../widgets';

/** nbformat splits these MIME types into lines on disk, besides text/*. */
const SPLIT_MIMES = new Set(['application/javascript', 'image/svg+xml']);

/** A MIME bundle in its on-disk shape; a value of the wrong shape (a peer's bug) is written as its JSON text. */
function bundleOut(data: unknown): JsonObject {
  if (!isObject(data)) return {};
  const entries: Array<[string, unknown]> = [];
  for (const [mime, value] of Object.entries(data)) {
    if (value === undefined) continue;
    if (isJsonMime(mime)) entries.push([mime, value]);
    else if (typeof value === 'string') {
      entries.push([mime, mime.startsWith('text/') || SPLIT_MIMES.has(mime) ? splitLines(value) : value]);
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) entries.push([mime, value]);
    else entries.push([mime, JSON.stringify(value)]);
  }
  return Object.fromEntries(entries);
}

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
const metadataOut = (v: unknown): JsonObject => (isObject(v) ? v : {});

/** An output in nbformat shape (`transient` and other live-only fields dropped); null for a malformed one. */
function outputOut(raw: unknown): JsonObject | null {
  if (!isObject(raw)) return null;
  switch (raw['output_type']) {
    case 'stream':
      return {
        output_type: 'stream',
        name: typeof raw['name'] === 'string' ? raw['name'] : 'stdout',
        text: splitLines(typeof raw['text'] === 'string' ? raw['text'] : ''),
      };
    case 'display_data':
      return { output_type: 'display_data', data: bundleOut(raw['data']), metadata: metadataOut(raw['metadata']) };
    case 'execute_result':
      return {
        output_type: 'execute_result',
        execution_count: count(raw['execution_count']),
        data: bundleOut(raw['data']),
        metadata: metadataOut(raw['metadata']),
      };
    case 'error': {
      const tb = raw['traceback'];
      return {
        output_type: 'error',
        ename: String(raw['ename'] ?? ''),
        evalue: String(raw['evalue'] ?? ''),
        traceback: Array.isArray(tb) ? tb.map(String) : [],
      };
    }
    default:
      return null;
  }
}

/** The cell's id if nbformat accepts it and it is unused, else a close valid one, else a fresh one. */
function idOut(id: string, used: Set<string>): string {
  let out = isNbformatCellId(id) ? id : id.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, 64);
  while (out === '' || used.has(out)) out = newId();
  used.add(out);
  return out;
}

function cellOut(cell: CellSnapshot, used: Set<string>, threads: readonly CommentThread[]): JsonObject {
  const nbType = nbformatType(cell.type);
  const encoded = encodeAnodeCell(cell.type, cell.source, cell.metadata);
  const metadata = withComments(encoded.metadata, threads);
  const attachments =
    nbType !== 'code' && cell.attachments
      ? Object.fromEntries(Object.entries(cell.attachments).map(([name, b]) => [name, bundleOut(b)]))
      : null;
  const base = {
    id: idOut(cell.id, used),
    cell_type: nbType,
    metadata: cleanCellMetadata(metadata, nbType).metadata,
    source: splitLines(encoded.source),
  };
  if (nbType === 'code') {
    return {
      ...base,
      execution_count: count(cell.executionCount),
      outputs: cell.outputs.flatMap((o) => outputOut(o) ?? []),
    };
  }
  return attachments ? { ...base, attachments } : base;
}

/**
 * Notebook metadata: what the file came with, the document's title, and Python kernel defaults; a notebook
 * running on another language's Jupyter kernel (R, Julia…) names that kernel, so Jupyter opens it with it.
 */
function notebookMetadata(doc: Y.Doc): JsonObject {
  const stored = metaMap(doc).get(IPYNB_METADATA_KEY);
  // A copy: the stored object is the document's own value.
  const kept: JsonObject = { ...(isObject(stored) ? cleanNotebookMetadata(stored).metadata : {}) };
  const where = readKernel(doc)?.where;
  const spec = kept['kernelspec'];
  if (where?.language && kernelLanguage(where) !== 'python' && !(isObject(spec) && spec['name'] === where.kernel)) {
    kept['kernelspec'] = { name: where.kernel, display_name: where.kernel, language: where.language };
    kept['language_info'] = { name: where.language, ...(where.mode ? { codemirror_mode: where.mode } : {}) };
  }
  // Widget models as Jupyter saves them, so that JupyterLab shows the views (and an import here brings them back).
  // Only once a kernel made some here: until then the file's own saved state is written back byte for byte.
  const widgets = widgetStateDocument(doc);
  const saved = isObject(kept['widgets']) ? kept['widgets'] : {};
  return {
    ...withPythonDefaults(kept),
    ...(widgets ? { widgets: { ...saved, [WIDGET_STATE_MIME]: widgets as unknown as JsonObject } } : {}),
    title: readMeta(doc)?.title ?? 'Untitled',
  };
}

/**
 * The notebook as an nbformat 4.5 .ipynb file that opens in JupyterLab and validates against the 4.5 schema:
 * keys sorted, indent 1, text split into line lists, as Jupyter writes them. Cells in document order; ai and sql
 * cells become code cells starting with `%%ai` / `%%sql` and marked in `metadata.anode.cell_type`; attachments
 * are written in the cell's `attachments` field; comment threads in `metadata.anode.comments`; outputs lose `transient`. Whatever a peer wrote that
 * nbformat cannot hold is repaired or left out rather than written invalid: an output of unknown shape, a
 * metadata field nbformat constrains holding a wrong type, a cell id nbformat rejects (replaced).
 * `parseIpynb` + `importNotebook` of the result gives back the same cells.
 */
export function exportIpynb(doc: Y.Doc): string {
  const used = new Set<string>();
  const threads = readThreads(doc);
  const cells = cellOrder(doc).flatMap((id) => {
    const snap = snapshotCell(doc, id);
    return snap ? [cellOut(snap, used, threads.filter((t) => t.cellId === id))] : [];
  });
  const nb = { cells, metadata: notebookMetadata(doc), nbformat: 4, nbformat_minor: 5 };
  return stringifyJson(sortKeys(nb), 1) + '\n';
}
