/** How checkpoints read in the History panel. */
import type { Checkpoint } from '../../sync';

const KIND_LABEL: Record<Checkpoint['kind'], string> = {
  opened: 'First opened on this device',
  import: 'Imported',
  edit: 'Edited',
  'run-all': 'Before Run all',
  ai: 'Before an AI turn',
  restore: 'Restored',
  named: 'Saved version',
};

export function checkpointTitle(cp: Checkpoint): string {
  return cp.name ?? KIND_LABEL[cp.kind];
}

/** "14:03:12" today, "3 Mar 14:03" before. */
export function checkpointTime(at: number, now = Date.now()): string {
  const d = new Date(at);
  const today = new Date(now).toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : d.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}
