/**
 * Which checkpoints to keep. Every checkpoint of the last hour; then the last one of each hour for a day; then
 * the last one of each day. Always kept: named versions, imports, restores, the newest checkpoint, and the one
 * before any checkpoint that records deleted cells (what "bring my cells back" needs). Past `capBytes`, the
 * oldest of the rest go first.
 */
import { deletedCount } from '../model';
import type { Checkpoint } from './history-store';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A notebook's history may use this much of the device's storage. */
export const DEFAULT_CAP_BYTES = 50 * 1024 * 1024;

const ALWAYS: ReadonlySet<Checkpoint['kind']> = new Set(['named', 'import', 'restore']);

/** The ids of `list` (oldest first) that the retention rule drops at time `now`. */
export function checkpointsToDrop(list: readonly Checkpoint[], now: number, capBytes = DEFAULT_CAP_BYTES): string[] {
  const pinned = new Set<string>();
  list.forEach((cp, i) => {
    if (ALWAYS.has(cp.kind) || i === list.length - 1) pinned.add(cp.id);
    const next = list[i + 1];
    if (next && deletedCount(next.summary) > 0) pinned.add(cp.id);
  });
  const drop = new Set<string>();
  const lastOfBucket = new Map<string, string>();
  for (const cp of list) {
    const age = now - cp.at;
    if (age < HOUR) continue;
    const bucket = age < DAY ? `h${Math.floor(cp.at / HOUR)}` : `d${Math.floor(cp.at / DAY)}`;
    const prev = lastOfBucket.get(bucket);
    if (prev !== undefined && !pinned.has(prev)) drop.add(prev);
    lastOfBucket.set(bucket, cp.id);
  }
  let total = list.reduce((n, cp) => n + (drop.has(cp.id) ? 0 : cp.size), 0);
  for (const cp of list) {
    if (total <= capBytes) break;
    if (drop.has(cp.id) || ALWAYS.has(cp.kind) || cp === list[list.length - 1]) continue;
    drop.add(cp.id);
    total -= cp.size;
  }
  return list.filter((cp) => drop.has(cp.id)).map((cp) => cp.id);
}
