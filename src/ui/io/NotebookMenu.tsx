/**
 * The notebook toolbar's import/export tools: the Export menu, the table of contents, notebook-wide find
 * (also Ctrl+Shift+F), and drag-and-drop import, which works on this view as on the home page.
 */
import { For, Show, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import type { NotebookController } from '../controller';
import { Dialog } from '../Dialog';
import { DropImport } from './DropImport';
import { ExportMenu } from './ExportMenu';
import { FindDialog } from './FindDialog';
import { ImportNoticeView } from './ImportNoticeView';
import { sidebarOpen, sidebarPanel, toggleSidebar, type SidebarPanel } from '../sidebar/state';
import { installFindKey } from './reveal';
import { ownKeys } from './keys';
import { UnreadBadge, panelLabel } from '../comments/UnreadBadge';

/** The sidebar's panels, each a toggle in the toolbar. */
const PANEL_BUTTONS: ReadonlyArray<{ panel: SidebarPanel; label: string; text: string; title: string }> = [
  { panel: 'files', label: 'Files', text: 'Files', title: 'The notebook’s files: upload, download, what Python wrote' },
  { panel: 'contents', label: 'Table of contents', text: 'Contents', title: 'Headings of the markdown cells' },
  { panel: 'variables', label: 'Variables', text: 'Variables', title: 'What is in Python’s memory' },
  { panel: 'history', label: 'History', text: 'History', title: 'Versions of this notebook: see and restore earlier ones' },
  { panel: 'comments', label: 'Comments', text: 'Comments', title: 'Discussions on cells' },
];

export function NotebookMenu(props: { nb: NotebookController; onFiles?: (files: File[]) => void }): JSX.Element {
  const [find, setFind] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  onMount(() => onCleanup(installFindKey(() => setFind(true))));
  return (
    <span class="io-tools" ref={(el) => ownKeys(el)}>
      <ExportMenu doc={props.nb.doc} onError={setProblem} />
      <For each={PANEL_BUTTONS}>
        {(b) => (
          <button
            aria-label={panelLabel(props.nb, b.panel, b.label)}
            aria-pressed={sidebarOpen() && sidebarPanel() === b.panel}
            title={b.title}
            onClick={() => toggleSidebar(b.panel)}
          >
            {b.text}
            <UnreadBadge nb={props.nb} panel={b.panel} />
          </button>
        )}
      </For>
      <button aria-label="Find in notebook" title="Find in all cells (Ctrl+Shift+F)" onClick={() => setFind(true)}>
        Find
      </button>
      <Show when={find()}>
        <FindDialog nb={props.nb} onClose={() => setFind(false)} />
      </Show>
      <Show when={problem()}>
        {(message) => (
          <Portal>
            <Dialog title="Export failed" onClose={() => setProblem(null)}>
              <p role="alert">{message()}</p>
            </Dialog>
          </Portal>
        )}
      </Show>
      <DropImport {...(props.onFiles ? { onOtherFiles: props.onFiles } : {})} />
      <ImportNoticeView />
    </span>
  );
}
