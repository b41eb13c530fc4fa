/** The notebook's checkpoints as a Solid signal, newest first, re-read whenever the history changes. */
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { Checkpoint, NotebookHistory } from '../../sync';

export function useCheckpoints(history: NotebookHistory | null): Accessor<readonly Checkpoint[]> {
  const read = (): Checkpoint[] => (history ? [...history.list()].reverse() : []);
  const [list, setList] = createSignal<readonly Checkpoint[]>(read());
  if (history) onCleanup(history.onChange(() => setList(read())));
  return list;
}
