/**
 * The Variables panel: what is in the memory of the kernel that runs this notebook, as its executor publishes it
 * after every run (in a room, the executor may be another person's browser). Filter by name; functions and
 * classes on demand.
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import type { PublishedVariables, VariableRow } from '../../sync';
import type { NotebookController } from '../controller';
import { usePeers, useRole } from '../presence';
import { VariableExplorer } from './VariableExplorer';
import './variables.css';

/** Types the explorer shows as a table or a tree (others open too, as their bounded text, but are not offered). */
const EXPLORABLE = new Set(['list', 'tuple', 'dict', 'set', 'frozenset', 'DataFrame', 'Series', 'ndarray']);

function bytes(n: number | null): string {
  if (n === null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

export function VariablesPanel(props: { nb: NotebookController }): JSX.Element {
  const session = props.nb.session;
  const role = useRole(session);
  const peers = usePeers(session);
  const [filter, setFilter] = createSignal('');
  const [functions, setFunctions] = createSignal(false);
  const [opened, setOpened] = createSignal<string | null>(null);
  const executor = createMemo(() => {
    const id = role().executor;
    return id === null ? null : (peers().find((p) => p.client === id) ?? null);
  });
  const published = (): PublishedVariables | null => executor()?.variables ?? null;
  const rows = createMemo((): VariableRow[] => {
    const f = filter().trim().toLowerCase();
    return (published()?.variables ?? []).filter((v) => (functions() || v.kind === 'data') && (!f || v.name.toLowerCase().includes(f)));
  });
  const where = (): string => {
    const e = executor();
    if (!e) return 'No kernel runs this notebook right now.';
    return e.me ? 'Python in this browser' : `Python in ${e.user.name}’s browser`;
  };
  return (
    <section class="variables-panel" aria-label="Variables">
      <p class="files-hint" data-testid="variables-source">
        {where()}
        <Show when={published()}>{(p) => ` · updated ${new Date(p().at).toLocaleTimeString()}`}</Show>
      </p>
      <div class="variables-tools">
        <input type="search" aria-label="Filter variables" placeholder="Filter by name" value={filter()} onInput={(e) => setFilter(e.currentTarget.value)} />
        <label>
          <input type="checkbox" checked={functions()} onChange={(e) => setFunctions(e.currentTarget.checked)} /> Functions
        </label>
      </div>
      <Show
        when={rows().length}
        fallback={<p class="files-hint">{published()?.variables.length ? 'No variable matches.' : 'No variables yet: they appear after a cell runs.'}</p>}
      >
        <table class="variables-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Type</th>
              <th>Shape</th>
              <th>Size</th>
            </tr>
          </thead>
          <tbody>
            <For each={rows()}>
              {(v) => (
                <>
                  <tr class="variable-row" data-name={v.name}>
                    <td class="variable-name">
                      <Show when={v.kind === 'data' && EXPLORABLE.has(v.type)} fallback={v.name}>
                        <button type="button" class="variable-open" title={`Open ${v.name}`} aria-label={`Open ${v.name}`} onClick={() => setOpened(v.name)}>
                          {v.name}
                        </button>
                      </Show>
                    </td>
                    <td>{v.type}</td>
                    <td>{v.shape ?? ''}</td>
                    <td>{bytes(v.size)}</td>
                  </tr>
                  <tr class="variable-preview-row">
                    <td colSpan={4} class="variable-preview" title={v.preview}>
                      {v.preview}
                    </td>
                  </tr>
                </>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <Show when={(published()?.total ?? 0) > (published()?.variables.length ?? 0)}>
        <p class="files-hint">{`${published()!.total - published()!.variables.length} more variables are not listed.`}</p>
      </Show>
      <Show when={opened()} keyed>
        {(name) => (
          <VariableExplorer name={name} inspect={(n, r) => session.inspectVariable(n, r)} published={published} onClose={() => setOpened(null)} />
        )}
      </Show>
    </section>
  );
}
