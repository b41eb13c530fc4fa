/**
 * The notebook's left sidebar: one place for side panels (Files, Contents; later variables, history, comments).
 * Open or closed and which panel are remembered per device; on a narrow screen it is a drawer over the notebook.
 */
import { Match, Show, Switch, type JSX } from 'solid-js';
import type { NotebookController } from '../controller';
import { TocPanel } from '../io/TocPanel';
import { FilesPanel, type FilesApi } from './FilesPanel';
import { closeSidebar, sidebarOpen, sidebarPanel, toggleSidebar, type SidebarPanel } from './state';
import './sidebar.css';

const PANELS: ReadonlyArray<{ id: SidebarPanel; label: string }> = [
  { id: 'files', label: 'Files' },
  { id: 'contents', label: 'Contents' },
];

export function Sidebar(props: { nb: NotebookController; filesApi: (api: FilesApi) => void }): JSX.Element {
  return (
    <Show when={sidebarOpen()}>
      <aside class="sidebar" aria-label="Sidebar">
        <header class="sidebar-head">
          <div role="tablist" aria-label="Side panels">
            {PANELS.map((p) => (
              <button role="tab" aria-selected={sidebarPanel() === p.id} onClick={() => sidebarPanel() !== p.id && toggleSidebar(p.id)}>
                {p.label}
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
          </Switch>
        </div>
      </aside>
    </Show>
  );
}
