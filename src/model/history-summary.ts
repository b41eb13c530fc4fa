/**
 * What changed between two checkpoints, by whom: cells added, deleted and edited per person. Kept as plain JSON
 * beside each checkpoint, so the history list reads without decoding any document state.
 */

export type ChangeKind = 'added' | 'deleted' | 'edited';

export interface PersonChanges {
  who: string;
  color: string;
  added: string[];
  deleted: string[];
  edited: string[];
}

export type ChangeSummary = PersonChanges[];

/** Records that `who` did `kind` to cell `cellId` (once per cell and kind). */
export function addChange(summary: ChangeSummary, who: string, color: string, kind: ChangeKind, cellId: string): void {
  let person = summary.find((p) => p.who === who);
  if (!person) {
    person = { who, color, added: [], deleted: [], edited: [] };
    summary.push(person);
  }
  if (!person[kind].includes(cellId)) person[kind].push(cellId);
}

/** `a` then `b` as one summary (two checkpoints coalesced into one). */
export function mergeSummaries(a: ChangeSummary, b: ChangeSummary): ChangeSummary {
  const out: ChangeSummary = [];
  for (const p of [...a, ...b]) {
    for (const kind of ['added', 'deleted', 'edited'] as const) for (const id of p[kind]) addChange(out, p.who, p.color, kind, id);
    if (!out.some((q) => q.who === p.who)) out.push({ ...p, added: [], deleted: [], edited: [] });
  }
  // A cell added in the first part and edited in the second was simply added.
  for (const p of out) p.edited = p.edited.filter((id) => !p.added.includes(id));
  return out;
}

/** How many cells anyone deleted. */
export function deletedCount(summary: ChangeSummary): number {
  return summary.reduce((n, p) => n + p.deleted.length, 0);
}

const cells = (n: number): string => `${n} cell${n === 1 ? '' : 's'}`;

/** "Bob deleted 3 cells; Ada edited 1 cell and added 2 cells". Empty when nothing changed. */
export function describeSummary(summary: ChangeSummary): string {
  return summary
    .map((p) => {
      const parts: string[] = [];
      if (p.added.length) parts.push(`added ${cells(p.added.length)}`);
      if (p.deleted.length) parts.push(`deleted ${cells(p.deleted.length)}`);
      if (p.edited.length) parts.push(`edited ${cells(p.edited.length)}`);
      return parts.length ? `${p.who} ${parts.join(', ')}` : '';
    })
    .filter(Boolean)
    .join('; ');
}
