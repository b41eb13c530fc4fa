/**
 * "Result: _sql" in a SQL cell's toolbar: the Python variable the query's result is bound to. It edits the cell's
 * metadata (so it syncs and goes into .ipynb files); a name Python could not assign is refused with a notice.
 */
import type { JSX } from 'solid-js';
import { LOCAL, setSqlResultName, sqlResultName } from '../model';
import type { NotebookController } from './controller';

export function SqlResultField(props: { nb: NotebookController; id: string; metadata: Record<string, unknown> }): JSX.Element {
  const name = () => sqlResultName(props.metadata);
  const commit = (input: HTMLInputElement): void => {
    const next = input.value.trim() || name();
    if (next === name()) {
      input.value = name();
      return;
    }
    if (!setSqlResultName(props.nb.doc, props.id, next, LOCAL)) {
      props.nb.setNotice(`“${next}” is not a Python variable name: the result stays in ${name()}.`);
      input.value = name();
    }
  };
  return (
    <label class="sql-result" title="The Python variable that receives the query's result">
      Result:
      <input
        aria-label="Result variable"
        value={name()}
        size={Math.max(6, name().length)}
        spellcheck={false}
        onChange={(e) => commit(e.currentTarget)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') e.currentTarget.blur();
          if (e.key === 'Escape') {
            e.currentTarget.value = name();
            e.currentTarget.blur();
          }
        }}
      />
    </label>
  );
}
