/** The notebook's checkpoints as a Solid signal, newest first, and whether edits wait for the next one. */
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { Checkpoint, NotebookHistory } from '../../sync';

export function useCheckpoints(history: NotebookHistory | null): { list: Accessor<readonly Checkpoint[]>; pending: Accessor<boolean> } {
  const read = (): Checkpoint[] => (history ? [...history.list()].reverse() : []);
  const [list, setList] = createSignal<readonly Checkpoint[]>(read());
  const [pending, setPending] = createSignal(history?.hasPending() ?? false);
  if (history) {
    onCleanup(
      history.onChange(() => {
        setList(read());
        setPending(history.hasPending());
      }),
    );
  }
  return { list, pending };
}
