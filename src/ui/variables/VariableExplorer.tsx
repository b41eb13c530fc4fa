/**
 * One variable of the executor's kernel, opened from the Variables panel: a DataFrame, a list of records or scalars,
 * or a 2-D array in the table view, paged by the kernel (each page is one bounded call, src/kernel/inspect.ts); a
 * dict or nested list as a tree opened level by level; anything else as its bounded text. After each run (the
 * executor publishes new variables) the page shown is asked again, and the view says when the variable changed or
 * is gone. In a room the executor may be another person's browser: the session asks it over the room.
 */
import { Match, Show, Switch, createEffect, createMemo, createSignal, on, onCleanup, type JSX } from 'solid-js';
import { INSPECT_PAGE, type InspectRequest, type InspectResult } from '../../kernel';
import type { PublishedVariables } from '../../sync';
import { TableView } from '../table/TableView';
import { TreeView } from './TreeView';

export interface VariableExplorerProps {
  name: string;
  inspect(name: string, request: InspectRequest): Promise<InspectResult>;
  /** The executor's published variables: a new value means a run finished (or the kernel changed). */
  published: () => PublishedVariables | null;
  onClose(): void;
}

type Shown = Exclude<InspectResult, { view: 'error' }>;

export function VariableExplorer(props: VariableExplorerProps): JSX.Element {
  const [shown, setShown] = createSignal<Shown | null>(null);
  const [error, setError] = createSignal<string | null>(null);
  const [notice, setNotice] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  let closed = false;
  let asked = 0;
  onCleanup(() => (closed = true));

  const load = async (offset: number, afterRun: boolean): Promise<void> => {
    const ticket = ++asked;
    setLoading(true);
    const r = await props.inspect(props.name, { path: [], offset, limit: INSPECT_PAGE, view: 'auto' });
    if (closed || ticket !== asked) return;
    setLoading(false);
    if (r.view === 'error') {
      if (r.missing && shown()) setNotice(`${props.name} no longer exists in the kernel (deleted, or Python restarted). Showing what it was.`);
      else if (!shown()) setError(r.error);
      else setNotice(r.error);
      return;
    }
    const before = shown();
    if (afterRun && before && before.token !== r.token) setNotice(`${props.name} changed in the last run: showing its new value.`);
    else if (afterRun) setNotice(null);
    // A page past the new end (the list got shorter): start again from its first page.
    if (r.view === 'table' && r.rows.length === 0 && r.total > 0 && offset > 0) return load(0, afterRun);
    setError(null);
    setShown(r);
  };

  const fetchChildren = (path: number[], offset: number): Promise<InspectResult> =>
    props.inspect(props.name, { path, offset, limit: INSPECT_PAGE, view: 'tree' });

  void load(0, false);
  // Presence arrives again with every heartbeat: only a new look at the variables (a run ended, a new kernel) counts.
  const lookedAt = createMemo(() => {
    const p = props.published();
    return p ? `${p.sessionId}:${p.at}` : null;
  });
  createEffect(on(lookedAt, () => void load(shown()?.offset ?? 0, true), { defer: true }));

  return (
    <section class="variable-explorer" role="dialog" aria-modal="false" aria-label={`Variable ${props.name}`} onKeyDown={(e) => e.key === 'Escape' && props.onClose()}>
      <header class="variable-explorer-head">
        <h2>
          <span class="variable-name">{props.name}</span>
          <Show when={shown()}>{(s) => <span class="variable-explorer-type">{`${s().type}${s().total ? ` · ${s().total.toLocaleString('en-US')} ${s().view === 'table' ? 'rows' : 'items'}` : ''}`}</span>}</Show>
        </h2>
        <button class="icon-btn" aria-label="Close variable" onClick={() => props.onClose()}>
          ×
        </button>
      </header>
      <Show when={notice()}>
        <p class="variable-explorer-notice" role="status">
          {notice()}
        </p>
      </Show>
      <Show when={error()}>
        <p class="variable-explorer-error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={!shown() && !error()}>
        <p class="files-hint">Asking the kernel…</p>
      </Show>
      <Show when={shown()} keyed>
        {(s) => (
          <Switch>
            <Match when={s.view === 'table' && s}>
              {(t) => (
                <TableView
                  label={`Rows of ${props.name}`}
                  columns={t().columns}
                  rows={t().rows}
                  note={t().moreColumns ? `${t().moreColumns} more columns are not shown.` : undefined}
                  remote={{ total: t().total, offset: t().offset, pageSize: INSPECT_PAGE, loading: loading(), goTo: (offset) => void load(offset, false) }}
                />
              )}
            </Match>
            <Match when={s.view === 'tree' && s}>{(t) => <TreeView root={t()} fetch={fetchChildren} />}</Match>
            <Match when={s.view === 'value' && s}>{(v) => <pre class="variable-explorer-value">{v().text}</pre>}</Match>
          </Switch>
        )}
      </Show>
    </section>
  );
}
