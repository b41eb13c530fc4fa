/**
 * A small line diff for modify_cell: the user sees what the AI wants to change before approving it, and the
 * model gets the same diff back as confirmation. Myers' algorithm over lines after stripping the common prefix
 * and suffix; past `MAX_EDITS` changed lines it degrades to "all removed, all added" rather than stall the UI.
 */

/** One line of a diff: kept (' '), removed ('-') or added ('+'). */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

/** Past this many changed lines the diff gives up on finding the minimal edit (memory grows with its square). */
const MAX_EDITS = 2_000;

/**
 * Myers' O((N+M)·D) diff: a minimal edit script, fast when the change is small relative to the text, which is
 * what an AI edit of a cell usually is. Returns null when the edit is larger than MAX_EDITS.
 */
function myers(a: string[], b: string[]): DiffLine[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDITS);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d]: the furthest-reaching x per diagonal k before step d, for k in [-d-1, d+1] (index k + d + 1).
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  if (found < 0) return null;
  const rev: DiffLine[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const prev = trace[d]!;
    const at = (k: number): number => prev[k + d + 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    // Undo the snake (equal lines), then the one edit that led onto this diagonal.
    while (x > prevX + (down ? 0 : 1) && y > prevY + (down ? 1 : 0)) rev.push({ op: ' ', text: a[--x]! }), y--;
    if (down) rev.push({ op: '+', text: b[--y]! });
    else rev.push({ op: '-', text: a[--x]! });
  }
  while (x > 0 && y > 0) rev.push({ op: ' ', text: a[--x]! }), y--;
  return rev.reverse();
}

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
  const middle = myers(midA, midB);
  if (middle) out.push(...middle);
  else {
    for (const text of midA) out.push({ op: '-', text });
    for (const text of midB) out.push({ op: '+', text });
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
