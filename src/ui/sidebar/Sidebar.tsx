/**
 * The notebook's left sidebar: one place for side panels (Files, Contents, Variables, History, Comments).
 * Open or closed and which panel are remembered per device; on a narrow screen it is a drawer over the notebook.
 */
import { Match, Show, Switch, type JSX } from 'solid-js';
import type { NotebookController } from '../controller';
import { TocPanel } from '../io/TocPanel';
import { UnreadBadge, panelLabel } from '../comments/UnreadBadge';
import { HistoryPanel } from '../history/HistoryPanel';
import { CommentsPanel } from '../comments/CommentsPanel';
import { VariablesPanel } from '../variables/VariablesPanel';
import { FilesPanel, type FilesApi } from './FilesPanel';
import { closeSidebar, sidebarOpen, sidebarPanel, toggleSidebar, type SidebarPanel } from './state';
import './sidebar.css';

const PANELS: ReadonlyArray<{ id: SidebarPanel; label: string }> = [
  { id: 'files', label: 'Files' },
  { id: 'contents', label: 'Contents' },
  { id: 'variables', label: 'Variables' },
  { id: 'history', label: 'History' },
  { id: 'comments', label: 'Comments' },
];

export function Sidebar(props: { nb: NotebookController; filesApi: (api: FilesApi) => void }): JSX.Element {
  return (
    <Show when={sidebarOpen()}>
      <aside class="sidebar" aria-label="Sidebar">
        <header class="sidebar-head">
          <div role="tablist" aria-label="Side panels">
            {PANELS.map((p) => (
              <button
                role="tab"
                aria-label={panelLabel(props.nb, p.id, p.label)}
                aria-selected={sidebarPanel() === p.id}
                onClick={() => sidebarPanel() !== p.id && toggleSidebar(p.id)}
              >
                {p.label}
                <UnreadBadge nb={props.nb} panel={p.id} />
              </button>
            ))}
          </div>
          <button class="icon-btn" aria-label="Close sidebar" onClick={() => closeSidebar()}>
            ×
          </button>
        </header>
        <div class="sidebar-body" role="tabpanel">
          <Switch>
            <Match when={sidebarPanel() === 'files'}>
              <FilesPanel nb={props.nb} api={props.filesApi} />
            </Match>
            <Match when={sidebarPanel() === 'contents'}>
              <TocPanel nb={props.nb} />
            </Match>
            <Match when={sidebarPanel() === 'variables'}>
              <VariablesPanel nb={props.nb} />
            </Match>
            <Match when={sidebarPanel() === 'history'}>
              <HistoryPanel nb={props.nb} />
            </Match>
            <Match when={sidebarPanel() === 'comments'}>
              <CommentsPanel nb={props.nb} />
            </Match>
          </Switch>
        </div>
      </aside>
    </Show>
  );
}
