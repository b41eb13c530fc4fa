/**
 * A container variable (dict, nested list, set) as a tree: each level lists at most a page of children, a node's
 * children are asked for only when it is opened, and "Show more" fetches the next page. Keys and previews are the
 * kernel's bounded reprs, shown as text.
 */
import { For, Show, createSignal, type JSX } from 'solid-js';
import type { InspectChild, InspectResult } from '../../kernel';

/** Asks the kernel for children of the value at `path`, from `offset`. */
export type FetchChildren = (path: number[], offset: number) => Promise<InspectResult>;

interface Level {
  children: InspectChild[];
  total: number;
  error: string | null;
}

function fromResult(r: InspectResult): Level {
  if (r.view === 'tree') return { children: r.children, total: r.total, error: null };
  if (r.view === 'error') return { children: [], total: 0, error: r.error };
  return { children: [], total: 0, error: 'This value has no children to list.' };
}

/** One level of the tree: its children, each openable when it is a container. */
function Children(props: { path: number[]; first: Level; fetch: FetchChildren }): JSX.Element {
  const [level, setLevel] = createSignal<Level>(props.first);
  const [loading, setLoading] = createSignal(false);
  const more = async (): Promise<void> => {
    setLoading(true);
    const next = fromResult(await props.fetch(props.path, level().children.length));
    setLoading(false);
    setLevel((l) => ({ children: [...l.children, ...next.children], total: next.error ? l.total : next.total, error: next.error }));
  };
  return (
    <ul class="tree-level" role="group">
      <For each={level().children}>{(c, i) => <Node child={c} path={[...props.path, i()]} fetch={props.fetch} />}</For>
      <Show when={level().error}>
        <li class="tree-error">{level().error}</li>
      </Show>
      <Show when={level().children.length < level().total && !level().error}>
        <li>
          <button type="button" class="tree-more" disabled={loading()} onClick={() => void more()}>
            {`Show more (${(level().total - level().children.length).toLocaleString('en-US')} more)`}
          </button>
        </li>
      </Show>
    </ul>
  );
}

function Node(props: { child: InspectChild; path: number[]; fetch: FetchChildren }): JSX.Element {
  const [open, setOpen] = createSignal<Level | null>(null);
  const [loading, setLoading] = createSignal(false);
  const toggle = async (): Promise<void> => {
    if (open()) return void setOpen(null);
    setLoading(true);
    const first = fromResult(await props.fetch(props.path, 0));
    setLoading(false);
    setOpen(first);
  };
  return (
    <li class="tree-node" role="treeitem" aria-expanded={props.child.expandable ? open() !== null : undefined}>
      <div class="tree-row">
        <Show when={props.child.expandable} fallback={<span class="tree-toggle" />}>
          <button type="button" class="tree-toggle" aria-label={`${open() ? 'Close' : 'Open'} ${props.child.key}`} disabled={loading()} onClick={() => void toggle()}>
            {open() ? '▾' : '▸'}
          </button>
        </Show>
        <span class="tree-key">{props.child.key}</span>
        <span class="tree-type">{props.child.type}</span>
        <Show when={props.child.size}>
          <span class="tree-size">{props.child.size}</span>
        </Show>
        <span class="tree-preview">{props.child.preview}</span>
      </div>
      <Show when={open()}>{(lvl) => <Children path={props.path} first={lvl()} fetch={props.fetch} />}</Show>
    </li>
  );
}

/** The tree of a variable whose first page of children is `root`. */
export function TreeView(props: { root: InspectResult & { view: 'tree' }; fetch: FetchChildren }): JSX.Element {
  return (
    <div class="tree-view" role="tree" aria-label={`Contents of ${props.root.name}`}>
      <Children path={[]} first={fromResult(props.root)} fetch={props.fetch} />
    </div>
  );
}
