/**
 * A small line diff for modify_cell: the user sees what the AI wants to change before approving it, and the
 * model gets the same diff back as confirmation. Longest common subsequence over lines; cells are small, and
 * past `MAX_CELLS` comparisons it degrades to "all removed, all added" rather than stalling the UI.
 */

/** One line of a diff: kept (' '), removed ('-') or added ('+'). */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

const MAX_CELLS = 4_000_000;

function lines(text: string): string[] {
  return text === '' ? [] : text.split('\n');
}

/** The line edits that turn `before` into `after`, in order. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = lines(before);
  const b = lines(after);
  // Common prefix and suffix are the usual case (an edit in the middle of a cell): strip them first.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  const out: DiffLine[] = a.slice(0, start).map((text) => ({ op: ' ', text }));
  if (midA.length * midB.length > MAX_CELLS) {
    for (const text of midA) out.push({ op: '-', text });
    for (const text of midB) out.push({ op: '+', text });
  } else {
    const n = midA.length;
    const m = midB.length;
    // lcs[i][j]: length of the LCS of midA[i:] and midB[j:], in one flat array.
    const lcs = new Uint32Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i * (m + 1) + j] =
          midA[i] === midB[j] ? lcs[(i + 1) * (m + 1) + j + 1]! + 1 : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n && j < m) {
      if (midA[i] === midB[j]) {
        out.push({ op: ' ', text: midA[i]! });
        i++;
        j++;
      } else if (lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!) out.push({ op: '-', text: midA[i++]! });
      else out.push({ op: '+', text: midB[j++]! });
    }
    while (i < n) out.push({ op: '-', text: midA[i++]! });
    while (j < m) out.push({ op: '+', text: midB[j++]! });
  }
  for (const text of a.slice(endA)) out.push({ op: ' ', text });
  return out;
}

/**
 * A unified-style text of a diff: changed lines with `context` unchanged lines around them, `…` between
 * distant hunks. Empty when nothing changed.
 */
export function formatDiff(diff: DiffLine[], context = 2): string {
  const keep = new Array<boolean>(diff.length).fill(false);
  diff.forEach((d, i) => {
    if (d.op === ' ') return;
    for (let k = Math.max(0, i - context); k <= Math.min(diff.length - 1, i + context); k++) keep[k] = true;
  });
  const out: string[] = [];
  let skipped = false;
  diff.forEach((d, i) => {
    if (!keep[i]) {
      skipped = true;
      return;
    }
    if (skipped && out.length) out.push('…');
    skipped = false;
    out.push(`${d.op}${d.text}`);
  });
  return out.join('\n');
}

/** Counts of added and removed lines ("+3 −1" in a card's title). */
export function diffStats(diff: DiffLine[]): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const d of diff) {
    if (d.op === '+') added++;
    else if (d.op === '-') removed++;
  }
  return { added, removed };
}
