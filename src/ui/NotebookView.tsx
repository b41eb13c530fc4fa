/**
 * The open notebook: header (title, kernel, toolbar), the cells in order, dialogs. Owns the session's lifetime.
 */
import * as Y from 'yjs';
import { For, Show, createEffect, createResource, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { cellOrder, cellsMap, currentHandover, describeHandover, getCell, kernelMap, liveRuns, metaMap, runsMap, setTitle, LOCAL, type RunRecord } from '../model';
import { NotebookSession } from './session';
import { NotebookController } from './controller';
import { CellView } from './CellView';
import { KernelBadge } from './KernelBadge';
import { Dialog } from './Dialog';
import { SHORTCUTS, installCommandKeys } from './keyboard';
import { fromY, sameArray } from './reactive';
import { applyKernelChoice, readKernelChoice } from './services';
import { NotFound } from './NotFound';
import { NotebookMenu } from './io';
import { CollabBar } from './CollabBar';
import { QueuePanel } from './QueuePanel';
import { SettingsDialog } from './SettingsDialog';
import { usePeers } from './presence';
import { Sidebar } from './sidebar/Sidebar';
import { toggleSidebar, sidebarOpen, sidebarPanel } from './sidebar/state';
import type { FilesApi } from './sidebar/FilesPanel';

/** Cell ids in order, recomputed only when cells are added, removed or reordered (not on every keystroke). */
function useCellOrder(doc: Y.Doc): () => string[] {
  const [order, setOrder] = createSignal(cellOrder(doc), { equals: sameArray });
  const cells = cellsMap(doc);
  const onDeep = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void => {
    const relevant = events.some(
      (e) => e.target === cells || (e instanceof Y.YMapEvent && e.target.parent === cells && e.keysChanged.has('order')),
    );
    if (relevant) setOrder(cellOrder(doc));
  };
  cells.observeDeep(onDeep);
  onCleanup(() => cells.unobserveDeep(onDeep));
  return order;
}

function Notebook(props: { session: NotebookSession }): JSX.Element {
  const session = props.session;
  const doc = session.doc;
  const nb = new NotebookController(session);
  const order = useCellOrder(doc);
  const runs = fromY(runsMap(doc), () => liveRuns(doc));
  const runOf = (id: string): RunRecord | null => runs().find((r) => r.cellId === id) ?? null;
  const title = fromY(metaMap(doc), () => String(metaMap(doc).get('title') ?? 'Untitled'), false);
  const [kernelNotice, setKernelNotice] = createSignal<string | null>(null);
  const [showSettings, setShowSettings] = createSignal(false);
  const peers = usePeers(session);
  const openedAt = Date.now();
  /** Peers this page has seen in the room: a handover from one of them happened while the user was here. */
  const seen = new Set<number>();
  createEffect(() => {
    for (const p of peers()) if (!p.me) seen.add(p.client);
  });
  const handover = fromY(kernelMap(doc), () => {
    const note = currentHandover(doc);
    // Opening a notebook always starts a kernel (taking over from whoever ran it last time): not news. A handover
    // from a peer seen here, or any later than the opening, is.
    if (!note || !note.from || (note.at < openedAt + 3000 && !seen.has(note.from.client))) return null;
    return describeHandover(note);
  }, false);

  onMount(() => {
    // A viewer's command keys would only change its own copy (nobody accepts its writes): none at all.
    if (!session.viewOnly) onCleanup(installCommandKeys(document.body, nb));
    const first = order()[0];
    if (first) {
      // A brand-new notebook opens ready to type, as Jupyter does; an existing one opens in command mode.
      const fresh = order().length === 1 && (getCell(doc, first)?.get('source')?.toString() ?? '') === '';
      nb.focusCell(first, fresh ? 'edit' : 'command');
    }
  });
  onCleanup(() => session.destroy());
  // The open document, for debugging from the console and for e2e tests that play a tampered client (a page's
  // own scripts can reach it anyway; peers cannot).
  (window as { anode?: { doc: Y.Doc } }).anode = { doc };
  onCleanup(() => delete (window as { anode?: unknown }).anode);

  let filesApi: FilesApi | null = null;
  /** Files dropped on the notebook: shown in the Files panel as they upload. */
  const uploadDropped = (files: File[]): void => {
    if (!sidebarOpen() || sidebarPanel() !== 'files') toggleSidebar('files');
    // The panel mounts on that signal change: its upload is there on the next microtask.
    queueMicrotask(() => void filesApi?.upload(files));
  };

  const restart = async (): Promise<void> => {
    await nb.restart();
    setKernelNotice('Kernel restarted: variables from before are gone.');
  };

  return (
    <div class="notebook" classList={{ 'view-only': session.viewOnly }}>
      <header class="nb-header">
        <a class="home-link" href="#/" aria-label="All notebooks">
          ◆ Anode
        </a>
        <input
          class="nb-title"
          aria-label="Notebook title"
          value={title()}
          readOnly={session.viewOnly}
          onChange={(e) => setTitle(doc, e.currentTarget.value.trim() || 'Untitled', LOCAL)}
          onKeyDown={(e) => e.key === 'Enter' && e.currentTarget.blur()}
        />
        <Show when={session.viewOnly}>
          <span class="view-only-badge" data-testid="view-only" title="You opened a view link: you see everything live, but cannot change the notebook or run code.">
            View only
          </span>
        </Show>
        <KernelBadge doc={doc} kernel={session.kernel} me={doc.clientID} notebookId={session.id} />
        <CollabBar session={session} />
        <button aria-label="Settings" onClick={() => setShowSettings(true)}>
          Settings
        </button>
        <Show when={!session.store.saving}>
          <div class="banner warn" role="alert">
            This browser cannot store data here (IndexedDB is unavailable): the notebook lives in memory and will be lost when you close the tab.
          </div>
        </Show>
      </header>
      <Show when={!session.viewOnly}>
      <nav class="nb-toolbar" role="toolbar" aria-label="Notebook actions">
        <button onClick={() => nb.insert('below')} aria-label="Add code cell">
          + Code
        </button>
        <button onClick={() => nb.insert('below', 'markdown')} aria-label="Add markdown cell">
          + Text
        </button>
        <button onClick={() => nb.insert('below', 'sql')} aria-label="Add SQL cell" title="SQL on DuckDB (Q makes the selected cell SQL)">
          + SQL
        </button>
        <span class="sep" />
        <button onClick={() => nb.run('next')} aria-label="Run selected cell and advance">
          ▶ Run
        </button>
        <button onClick={() => nb.runAll()} aria-label="Run all">
          ▶▶ Run all
        </button>
        <button onClick={() => nb.runAbove()} aria-label="Run all above">
          Run above
        </button>
        <button onClick={() => nb.runBelow()} aria-label="Run all below">
          Run below
        </button>
        <button onClick={() => void nb.interrupt()} aria-label="Interrupt kernel" title="Interrupt (I,I)">
          ■ Stop
        </button>
        <button onClick={() => void restart()} aria-label="Restart kernel" title="Restart (0,0)">
          ↻ Restart
        </button>
        <button onClick={() => nb.clearAll()} aria-label="Clear all outputs">
          Clear outputs
        </button>
        <span class="sep" />
        <NotebookMenu nb={nb} onFiles={uploadDropped} />
        <button onClick={() => nb.setShowShortcuts(true)} aria-label="Keyboard shortcuts" title="Shortcuts (H)">
          Keys
        </button>
      </nav>
      </Show>
      <Sidebar nb={nb} filesApi={(api) => (filesApi = api)} />
      <QueuePanel nb={nb} runs={runs()} />
      <Show when={handover()}>
        {(h) => (
          <div class="banner info" role="status" data-testid="handover">
            {h()}
          </div>
        )}
      </Show>
      <Show when={showSettings()}>
        <SettingsDialog presence={session.presence} onClose={() => setShowSettings(false)} />
      </Show>
      <Show when={kernelNotice()}>
        <div class="banner info" role="status">
          {kernelNotice()}
          <button class="icon-btn" aria-label="Dismiss" onClick={() => setKernelNotice(null)}>
            ×
          </button>
        </div>
      </Show>
      <Show when={nb.notice()}>
        {/* What a user action could not do (an image too large to attach, an editor that failed to load). */}
        <div class="banner warn" role="alert" data-testid="notice">
          {nb.notice()}
          <button class="icon-btn" aria-label="Dismiss" onClick={() => nb.setNotice(null)}>
            ×
          </button>
        </div>
      </Show>
      <main class="cells" aria-label="Cells">
        <For each={order()}>
          {(id, i) => {
            const cell = getCell(doc, id);
            return cell ? (
              <CellView id={id} cell={cell} index={i()} nb={nb} run={runOf(id)} peersHere={peers().filter((p) => !p.me && p.cell === id)} />
            ) : null;
          }}
        </For>
        <Show when={!session.viewOnly}>
        <div class="add-cell-row">
          <button onClick={() => (nb.select(order()[order().length - 1] ?? null), nb.insert('below'))} aria-label="Add cell at end">
            + Code
          </button>
          <button onClick={() => (nb.select(order()[order().length - 1] ?? null), nb.insert('below', 'markdown'))} aria-label="Add markdown cell at end">
            + Text
          </button>
        </div>
        </Show>
      </main>
      <Show when={nb.showShortcuts()}>
        <Dialog title="Keyboard shortcuts" onClose={() => nb.setShowShortcuts(false)}>
          <table class="shortcuts">
            <tbody>
              <For each={SHORTCUTS}>
                {([k, what]) => (
                  <tr>
                    <td>
                      <kbd>{k}</kbd>
                    </td>
                    <td>{what}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Dialog>
      </Show>
    </div>
  );
}

/** Loads the notebook `id` from this device, then shows it (or "not found"). */
export function NotebookView(props: { id: string }): JSX.Element {
  const [result] = createResource(
    () => props.id,
    (id) => NotebookSession.open(id, applyKernelChoice(readKernelChoice(id), id)),
  );
  return (
    <Show when={result()} fallback={<div class="loading">Opening notebook…</div>}>
      {(r) => {
        const res = r();
        return res.ok ? <Notebook session={res.session} /> : <NotFound message={res.message} />;
      }}
    </Show>
  );
}
