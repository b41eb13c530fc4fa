/** The table of contents of a notebook: the headings of its markdown cells, in order. */
import type * as Y from 'yjs';
import { cellOrder, cellSource, cellType, getCell } from '../../model';

/** One heading: which cell it is in, its level (1–6) and its text without markup. */
export interface Heading {
  cellId: string;
  /** 0-based position of the cell in the notebook. */
  cellIndex: number;
  level: number;
  text: string;
}

/** `**bold** [link](x) `code`` → `bold link code`: what a reader sees of a heading. */
export function plainHeading(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/(\*\*|__|\*|_|~~|`)(.+?)\1/g, '$2')
    .replace(/\s+#+\s*$/, '')
    .replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1')
    .trim();
}

/** The ATX (`# Title`) and setext (`Title` over `===`) headings of one markdown text, outside code fences. */
export function markdownHeadings(source: string): Array<{ level: number; text: string }> {
  const out: Array<{ level: number; text: string }> = [];
  let fence: string | null = null;
  const lines = source.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (fence === null) fence = f[1]![0]!.repeat(f[1]!.length);
      else if (f[1]!.startsWith(fence)) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const atx = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$/.exec(line);
    if (atx) {
      const text = plainHeading(atx[2] ?? '');
      if (text) out.push({ level: atx[1]!.length, text });
      continue;
    }
    const next = lines[i + 1];
    if (next !== undefined && line.trim() && /^ {0,3}(=+|-+)[ \t]*$/.test(next) && !/^ {0,3}([-*+]|\d+[.)])\s/.test(line)) {
      out.push({ level: next.trim().startsWith('=') ? 1 : 2, text: plainHeading(line) });
      i++;
    }
  }
  return out;
}

/** Every heading of every markdown cell, in notebook order. */
export function notebookHeadings(doc: Y.Doc): Heading[] {
  const out: Heading[] = [];
  cellOrder(doc).forEach((cellId, cellIndex) => {
    const cell = getCell(doc, cellId);
    if (!cell || cellType(cell) !== 'markdown') return;
    const source = cellSource(cell)?.toString() ?? '';
    for (const h of markdownHeadings(source)) out.push({ cellId, cellIndex, ...h });
  });
  return out;
}

export function sameHeadings(a: readonly Heading[], b: readonly Heading[]): boolean {
  return (
    a.length === b.length &&
    a.every((h, i) => {
      const o = b[i]!;
      return h.cellId === o.cellId && h.cellIndex === o.cellIndex && h.level === o.level && h.text === o.text;
    })
  );
}
