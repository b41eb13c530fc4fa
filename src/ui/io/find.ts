/** Notebook-wide find: every place a text occurs in the cells' sources, with a line of context around it. */
import type * as Y from 'yjs';
import { cellOrder, cellSource, cellType, getCell, type CellType } from '../../model';

/** One occurrence: the cell (and its 0-based position), the line (1-based) and a snippet with the match marked. */
export interface FindMatch {
  cellId: string;
  cellIndex: number;
  cellType: CellType | null;
  line: number;
  before: string;
  match: string;
  after: string;
}

const CONTEXT = 40;

/** How many matches are listed at most; the total says when there were more. */
export const MAX_MATCHES = 200;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Case-insensitive occurrences of `query` in every cell's source, in notebook order, at most `MAX_MATCHES` of
 * them listed; `total` counts them all.
 */
export function findInNotebook(doc: Y.Doc, query: string): { matches: FindMatch[]; total: number } {
  const matches: FindMatch[] = [];
  let total = 0;
  if (!query) return { matches, total };
  const re = new RegExp(escapeRegExp(query), 'giu');
  cellOrder(doc).forEach((cellId, cellIndex) => {
    const cell = getCell(doc, cellId);
    if (!cell) return;
    const source = cellSource(cell)?.toString() ?? '';
    const type = cellType(cell);
    for (const m of source.matchAll(re)) {
      total++;
      if (matches.length < MAX_MATCHES) matches.push(snippet(source, m.index, m[0].length, cellId, cellIndex, type));
    }
  });
  return { matches, total };
}

function snippet(source: string, at: number, length: number, cellId: string, cellIndex: number, type: CellType | null): FindMatch {
  const lineStart = source.lastIndexOf('\n', at - 1) + 1;
  const nl = source.indexOf('\n', at + length);
  const lineEnd = nl === -1 ? source.length : nl;
  const from = Math.max(lineStart, at - CONTEXT);
  const to = Math.min(lineEnd, at + length + CONTEXT);
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < at; i = source.indexOf('\n', i + 1)) line++;
  return {
    cellId,
    cellIndex,
    cellType: type,
    line,
    before: (from > lineStart ? '…' : '') + source.slice(from, at).trimStart(),
    match: source.slice(at, at + length),
    after: source.slice(at + length, to).trimEnd() + (to < lineEnd ? '…' : ''),
  };
}
