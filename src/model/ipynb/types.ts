/**
 * The shapes shared by the .ipynb reader, importer and exporters, and the names of the few places where nbformat
 * data lives inside an Anode document.
 */
import type { CellSnapshot } from '../cells';

/** Files larger than this are refused before parsing: a browser tab would stall or run out of memory. */
export const MAX_IPYNB_BYTES = 100 * 1024 * 1024;

/**
 * `meta` field holding the notebook-level nbformat metadata (kernelspec, language_info, colab, jupytext, ...),
 * as one plain JSON value, so an imported notebook exports with the metadata it came with. The title is not in
 * it: `meta.title` is the one place the title lives.
 */
export const IPYNB_METADATA_KEY = 'ipynbMetadata';

/**
 * nbformat's field for a markdown or raw cell's attachments ({ name: mimebundle }). Anode keeps them in the cell's
 * field of the same name (see ../attachments.ts); a cell metadata key of this name is what older Anode builds used,
 * so the reader leaves one out of a file's metadata rather than take it for attachments.
 */
export const ATTACHMENTS_KEY = 'attachments';

/** Cell metadata namespace for Anode's own marks in .ipynb files (`metadata.anode.cell_type` for ai/sql cells). */
export const ANODE_METADATA_KEY = 'anode';

/**
 * One cell as read from a file, already in Anode's terms (ai/sql restored, attachments in `attachments`): the same
 * shape as a cell read from the document. Its id is unique within the notebook and a valid nbformat 4.5 id;
 * line arrays are joined; only code, ai and sql cells have outputs.
 */
export type ParsedCell = Omit<CellSnapshot, 'problem'>;

/** A validated notebook, ready for `importNotebook`. Produced only by `parseIpynb`. */
export interface ParsedNotebook {
  /** The format of the file that was read (e.g. 4 and 5, or 3 and 0). */
  nbformat: number;
  nbformatMinor: number;
  /** Notebook-level metadata with `title` taken out (see `title`), and fields invalid for nbformat 4.5 dropped. */
  metadata: Record<string, unknown>;
  /** The title the file itself carries (`metadata.title`, v3's `metadata.name`), if any. */
  title: string | null;
  /**
   * A name the file suggests when it has no title: Colab's notebook name, which is the name Colab saved it under,
   * so the name of the file being imported, when known, is the better title.
   */
  suggestedTitle: string | null;
  cells: ParsedCell[];
  /** What was repaired rather than refused (regenerated ids, dropped invalid metadata...), for the user to see. */
  warnings: string[];
}

/** The result of reading a file: a notebook, or one clear message saying what is wrong with it. */
export type ParseResult = { ok: true; notebook: ParsedNotebook } | { ok: false; error: string };
