/**
 * One cell: prompt ([n], [*], queued), editor or rendered markdown, run info (who asked, who ran it, how long),
 * and outputs. Reads the cell from the document through signals; changes go through the controller.
 */
import * as Y from 'yjs';
import { For, Show, createEffect, createMemo, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import {
  CELL_TYPES,
  cellOutputs,
  cellSource,
  cellType,
  readAttachments,
  readLastRun,
  runsOn,
  type Attachments,
  type CellType,
  type Output,
  type RunRecord,
} from '../model';
import { OutputArea } from './outputs';
import { OutputTools, useOutputsCollapsed } from './io';
import { AiCellBody, isAiPrompt } from './ai';
import { Markdown } from './Markdown';
import type { CellEditor } from './editor';
import { editorModule, loadEditor } from './editor-loader';
import { fromY } from './reactive';
import { attachImages } from './attach-images';
import type { NotebookController } from './controller';
import type { PeerView } from './presence';
import { CommentButton } from './comments/CommentButton';
import { SqlResultField } from './SqlResultField';

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** Ticks every 100 ms while `active`, for the elapsed time of a running cell. */
function useNow(active: () => boolean): () => number {
  const [now, setNow] = createSignal(Date.now());
  createEffect(() => {
    if (!active()) return;
    const t = setInterval(() => setNow(Date.now()), 100);
    onCleanup(() => clearInterval(t));
  });
  return now;
}

/** Same names holding the same stored values: typing in the cell re-reads attachments without re-rendering. */
function sameAttachments(a: Attachments, b: Attachments): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((n) => a[n] === b[n]);
}

export function CellView(props: {
  id: string;
  cell: Y.Map<unknown>;
  index: number;
  nb: NotebookController;
  run: RunRecord | null;
  peersHere: PeerView[];
}): JSX.Element {
  const nb = props.nb;
  const cell = props.cell;
  const type = fromY(cell, () => cellType(cell), false);
  const count = fromY(cell, () => {
    const c = cell.get('executionCount');
    return typeof c === 'number' ? c : null;
  }, false);
  const lastRun = fromY(cell, () => readLastRun(cell), false);
  const attachments = fromY(cell, () => readAttachments(cell) ?? {}, true, sameAttachments);
  const metadata = fromY(cell, () => {
    const m = cell.get('metadata');
    return m instanceof Y.Map ? (m.toJSON() as Record<string, unknown>) : {};
  });
  const outputsArr = cellOutputs(cell);
  const outputs = outputsArr ? fromY(outputsArr, () => outputsArr.toArray() as Output[], false) : () => [] as Output[];
  const text = cellSource(cell);
  const source = text ? fromY(text, () => text.toString(), false) : () => '';
  const selected = () => nb.selected() === props.id;
  const editing = () => type() !== 'markdown' || nb.editingMarkdown().has(props.id) || source().trim() === '';
  const state = () => props.run?.state ?? null;
  const now = useNow(() => state() === 'running');

  const prompt = (): string => {
    if (state() === 'running') return '[*]';
    if (state() === 'queued') return '[ ]';
    const c = count();
    return c === null ? '[ ]' : `[${c}]`;
  };

  const runInfo = (): string | null => {
    const run = props.run;
    if (run?.state === 'queued') return `Queued by ${run.requestedBy.name}`;
    if (run?.state === 'running') {
      const where = run.executor && run.executor.client !== nb.doc.clientID ? ` ${runsOn(run.executor)}` : '';
      return `Running${where} · ${seconds(now() - (run.startedAt ?? now()))}`;
    }
    const last = lastRun();
    if (!last || !last.endedAt) return null;
    const took = last.startedAt ? seconds(last.endedAt - last.startedAt) : '';
    // A reload gives this user a new client id: their own earlier runs are recognised by name too.
    const mine = last.requestedBy.client === nb.doc.clientID || last.requestedBy.name === nb.session.presence.local().user.name;
    const by = mine ? '' : ` · asked by ${last.requestedBy.name}`;
    if (last.state === 'cancelled') return `Cancelled${by}`;
    // Stopped by the user, a restart, or its executor leaving: the outputs or the handover notice say which.
    if (last.state === 'interrupted') return `Interrupted${took ? ` after ${took}` : ''}${by}`;
    return `${last.state === 'error' ? 'Failed' : 'Done'} in ${took}${by}`;
  };

  let editorHost!: HTMLDivElement;
  let root!: HTMLDivElement;
  // Editors are built when their cell nears the viewport (or is focused): building 500 at once took seconds.
  // The editor module itself loads on first use; until then the cell shows its source as plain text.
  const [view, setView] = createSignal<CellEditor | null>(null);
  let disposed = false;
  /** Builds the editor if it is not yet; with `focus`, focuses it (once built) if the cell is still being edited. */
  const ensureEditor = (focus = false): void => {
    const existing = view();
    if (existing || !text) {
      if (focus) existing?.focus();
      return;
    }
    const m = editorModule();
    if (!m) {
      loadEditor().then(
        () => {
          if (disposed) return;
          ensureEditor();
          if (focus && nb.selected() === props.id && nb.mode() === 'edit') view()?.focus();
        },
        (e: unknown) => nb.setNotice(`The editor could not load: ${e instanceof Error ? e.message : String(e)}. Reload to try again.`),
      );
      return;
    }
    const created = m.createCellEditor({
      parent: editorHost,
      text,
      awareness: nb.session.presence.awareness,
      type: type() ?? 'raw',
      label: `Cell ${props.index + 1} source`,
      assist: nb.session.kernel,
      sqlSchema: () => nb.session.sqlSchema(),
      codeLanguage: nb.codeLanguage(),
      readOnly: nb.session.viewOnly,
      commands: {
        run: (mode) => nb.run(mode),
        commandMode: () => nb.commandMode(),
        leave: (d) => nb.moveSelection(d),
        focus: () => nb.enterEdit(),
      },
      onFocus: () => nb.editorFocused(props.id),
      attachImages: async (files) => {
        const r = await attachImages(nb.doc, props.id, files);
        if (r.problems.length) nb.setNotice(r.problems.join(' '));
        return r.markdown || null;
      },
    });
    setView(created);
    if (focus) created.focus();
  };
  onMount(() => {
    const near = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        ensureEditor();
        near.disconnect();
      },
      { rootMargin: '1200px 0px' },
    );
    near.observe(root);
    const unregister = nb.registerEditor(props.id, () => ensureEditor(true));
    onCleanup(() => {
      disposed = true;
      near.disconnect();
      unregister();
      view()?.destroy();
    });
  });
  createEffect(() => view()?.setType(type() ?? 'raw'));
  createEffect(() => view()?.setCodeLanguage(nb.codeLanguage()));
  createEffect(() => {
    const v = view();
    if (!v) return;
    v.setCommentRanges(nb.comments.forCell(props.id).flatMap((t) => (!t.resolved && t.range ? [t.range] : [])));
  });

  const changeType = (t: CellType): void => {
    nb.select(props.id);
    nb.changeType(t);
  };

  /** The text selected in the cell's editor, if any: what a new comment is about. */
  const selection = (): { from: number; to: number; text: string } | null => {
    const v = view();
    const r = v?.state.selection.main;
    if (!v || !r || r.empty) return null;
    return { from: r.from, to: r.to, text: v.state.sliceDoc(r.from, r.to) };
  };

  const outputsCollapsed = useOutputsCollapsed(nb, props.id);
  const hiddenFromAi = createMemo(() => metadata()['hideFromAI'] === true);

  return (
    <div
      ref={root}
      class="cell"
      classList={{ selected: selected(), editing: selected() && nb.mode() === 'edit', [`state-${state() ?? 'idle'}`]: true }}
      data-cell-id={props.id}
      data-cell-type={type() ?? 'unknown'}
      data-run-state={state() ?? lastRun()?.state ?? 'none'}
      tabindex="-1"
      role="group"
      aria-label={`Cell ${props.index + 1}, ${type() ?? 'unknown'}`}
      onMouseDown={(e) => {
        if (!(e.target as HTMLElement).closest('.cm-editor, button, select, input, iframe')) nb.focusCell(props.id, 'command');
      }}
    >
      <div class="cell-gutter">
        <Show when={type() === 'code' || type() === 'ai' || type() === 'sql'}>
          <span class="prompt" data-testid="prompt">
            {prompt()}
          </span>
          <Show when={!nb.session.viewOnly}>
          <button
            class="icon-btn run-btn"
            aria-label="Run cell"
            title="Run (Shift+Enter)"
            onClick={() => {
              nb.select(props.id);
              nb.runCell(props.id);
            }}
          >
            ▶
          </button>
          </Show>
        </Show>
        <CommentButton nb={nb} cellId={props.id} selection={selection} variant="badge" />
      </div>
      <div class="cell-main">
        <Show when={props.peersHere.length}>
          <div class="peers-here" aria-label="Also on this cell">
            <For each={props.peersHere}>
              {(p) => (
                <span class="peer-tag" style={{ background: p.user.color }}>
                  {p.user.name}
                </span>
              )}
            </For>
          </div>
        </Show>
        <Show when={!nb.session.viewOnly}>
        <div class="cell-toolbar" role="toolbar" aria-label="Cell actions">
          <Show when={nb.editorsOf(props.id).length}>
            <span class="cell-editors" data-testid="cell-editors">{`Edited by ${nb.editorsOf(props.id).join(', ')}`}</span>
          </Show>
          <Show when={type() === 'sql'}>
            <SqlResultField nb={nb} id={props.id} metadata={metadata()} />
          </Show>
          <select
            aria-label="Cell type"
            value={type() ?? 'raw'}
            onChange={(e) => changeType(e.currentTarget.value as CellType)}
          >
            {CELL_TYPES.map((t) => (
              <option value={t}>{t}</option>
            ))}
          </select>
          <button class="icon-btn" aria-label="Move cell up" title="Move up (Ctrl+Shift+↑)" onClick={() => (nb.select(props.id), nb.move(-1))}>
            ↑
          </button>
          <button class="icon-btn" aria-label="Move cell down" title="Move down (Ctrl+Shift+↓)" onClick={() => (nb.select(props.id), nb.move(1))}>
            ↓
          </button>
          <button class="icon-btn" aria-label="Insert cell above" title="Insert above (A)" onClick={() => (nb.select(props.id), nb.insert('above'))}>
            +↑
          </button>
          <button class="icon-btn" aria-label="Insert cell below" title="Insert below (B)" onClick={() => (nb.select(props.id), nb.insert('below'))}>
            +↓
          </button>
          <Show when={outputs().length > 0}>
            <button class="icon-btn" aria-label="Clear outputs" title="Clear this cell's outputs" onClick={() => nb.clearOutputs(props.id)}>
              Clear
            </button>
          </Show>
          <button
            class="icon-btn"
            aria-label={hiddenFromAi() ? 'Show cell to AI' : 'Hide cell from AI'}
            aria-pressed={hiddenFromAi()}
            title={hiddenFromAi() ? 'Hidden from the AI' : 'Visible to the AI'}
            onClick={() => nb.toggleHiddenFromAi(props.id)}
          >
            {hiddenFromAi() ? 'AI off' : 'AI'}
          </button>
          <CommentButton nb={nb} cellId={props.id} selection={selection} variant="toolbar" />
          <button class="icon-btn danger" aria-label="Delete cell" title="Delete (D,D)" onClick={() => nb.deleteCellById(props.id)}>
            ✕
          </button>
        </div>
        </Show>
        <Show when={!type()}>
          <div class="cell-problem" role="alert">
            This cell has a type this app does not know ({String(cell.get('type'))}); it is shown as raw text.
          </div>
        </Show>
        <div class="editor-host" ref={editorHost} classList={{ hidden: !editing() }} />
        <Show when={editing() && !view()}>
          <pre class="source-preview" onClick={() => nb.focusCell(props.id, 'edit')}>
            {source() || ' '}
          </pre>
        </Show>
        <Show when={!editing()}>
          <Markdown source={source()} attachments={attachments()} onEdit={() => nb.focusCell(props.id, 'edit')} />
        </Show>
        <Show when={runInfo()}>
          {(info) => (
            <div class="run-info" data-testid="run-info">
              {info()}
            </div>
          )}
        </Show>
        <Show when={isAiPrompt(type() ?? 'raw', source())}>
          <AiCellBody nb={nb} id={props.id} cell={cell} />
        </Show>
        <Show when={!isAiPrompt(type() ?? 'raw', source()) && (outputs().length > 0 || props.run?.inputRequest)}>
          <Show when={outputs().length > 0}>
            <OutputTools nb={nb} id={props.id} outputs={outputs()} />
          </Show>
          <Show when={!outputsCollapsed() || props.run?.inputRequest}>
            <div class="outputs">
              <OutputArea doc={nb.doc} cellId={props.id} outputs={outputs()} run={props.run} executionCount={count()} awareness={nb.session.presence.awareness} />
            </div>
          </Show>
        </Show>
      </div>
    </div>
  );
}
