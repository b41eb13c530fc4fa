/**
 * Anode-only cell types in .ipynb files. An `ai` or `sql` cell is written as a code cell whose first line is the
 * cell magic Jupyter users know (`%%ai`, as jupyter-ai spells it; `%%sql`, as jupysql does), marked with
 * `metadata.anode.cell_type`. Jupyter shows the prompt or query with its outputs; Anode reads the mark and
 * restores the type. A file without the mark is taken at face value: a Jupyter `%%sql` cell stays code.
 */
import type { CellType } from '../schema';
import { isObject, type JsonObject } from './json';
import { ANODE_METADATA_KEY } from './types';

type AnodeOnly = 'ai' | 'sql';
const MAGIC: Record<AnodeOnly, string> = { ai: '%%ai', sql: '%%sql' };

function isAnodeOnly(t: unknown): t is AnodeOnly {
  return t === 'ai' || t === 'sql';
}

/** The nbformat cell type an Anode cell is written as. */
export function nbformatType(type: CellType): 'code' | 'markdown' | 'raw' {
  return type === 'markdown' || type === 'raw' ? type : 'code';
}

/**
 * Metadata without our type mark (dropping the `anode` namespace when nothing else is in it). Only an `ai` or
 * `sql` mark is ours to remove; any other value there is someone's data and stays.
 */
function withoutMark(metadata: JsonObject): JsonObject {
  const ns = metadata[ANODE_METADATA_KEY];
  if (!isObject(ns) || !isAnodeOnly(ns['cell_type'])) return metadata;
  const rest = Object.fromEntries(Object.entries(ns).filter(([k]) => k !== 'cell_type'));
  const entries = Object.entries(metadata).filter(([k]) => k !== ANODE_METADATA_KEY);
  if (Object.keys(rest).length) entries.push([ANODE_METADATA_KEY, rest]);
  return Object.fromEntries(entries);
}

/** Source and metadata as written to the file for a cell of `type`. */
export function encodeAnodeCell(type: CellType, source: string, metadata: JsonObject): { source: string; metadata: JsonObject } {
  const clean = withoutMark(metadata);
  if (!isAnodeOnly(type)) return { source, metadata: clean };
  const ns = isObject(clean[ANODE_METADATA_KEY]) ? clean[ANODE_METADATA_KEY] : {};
  return {
    source: source === '' ? MAGIC[type] : `${MAGIC[type]}\n${source}`,
    metadata: Object.fromEntries([
      ...Object.entries(clean).filter(([k]) => k !== ANODE_METADATA_KEY),
      [ANODE_METADATA_KEY, Object.fromEntries([...Object.entries(ns), ['cell_type', type]])],
    ]),
  };
}

/** The Anode cell a file's cell stands for: `encodeAnodeCell` undone. */
export function decodeAnodeCell(
  nbType: 'code' | 'markdown' | 'raw',
  source: string,
  metadata: JsonObject,
): { type: CellType; source: string; metadata: JsonObject } {
  const ns = metadata[ANODE_METADATA_KEY];
  const mark = isObject(ns) ? ns['cell_type'] : undefined;
  if (!isAnodeOnly(mark)) return { type: nbType, source, metadata };
  // We never write the mark on a markdown cell; if one has it, the text is prose, so it stays markdown. The mark
  // goes either way, so that exporting the cell again cannot turn it into something else.
  if (nbType === 'markdown') return { type: nbType, source, metadata: withoutMark(metadata) };
  const magic = MAGIC[mark];
  // Only the magic line is taken off (with any arguments a Jupyter user added to it); a user who deleted that
  // line in Jupyter keeps all of their text.
  const line = new RegExp(`^${magic}(?:[ \\t][^\\n]*)?(?:\\r?\\n|$)`).exec(source);
  const body = line ? source.slice(line[0].length) : source;
  return { type: mark, source: body, metadata: withoutMark(metadata) };
}
