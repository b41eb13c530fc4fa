/**
 * Solid signals derived from Yjs types: observe → signal. The document stays the only copy of the notebook;
 * these only tell Solid when to re-read it.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type * as Y from 'yjs';

/** A signal of `read()` recomputed whenever `type` (or anything inside it) changes. */
export function fromY<T>(
  // Y.AbstractType is invariant in its event type; `any` here accepts Y.Map, Y.Array and Y.Text alike.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type: Y.AbstractType<any>,
  read: () => T,
  deep = true,
  equals?: (a: T, b: T) => boolean,
): Accessor<T> {
  const [value, setValue] = createSignal<T>(read(), equals ? { equals } : undefined);
  const update = (): void => {
    setValue(() => read());
  };
  if (deep) type.observeDeep(update);
  else type.observe(update);
  onCleanup(() => (deep ? type.unobserveDeep(update) : type.unobserve(update)));
  return value;
}

export function sameArray<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
