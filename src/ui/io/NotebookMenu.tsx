/**
 * The notebook toolbar's import/export tools: the Export menu, the table of contents, notebook-wide find
 * (also Ctrl+Shift+F), and drag-and-drop import, which works on this view as on the home page.
 */
import { Show, createSignal, onCleanup, onMount, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import type { NotebookController } from '../controller';
import { Dialog } from '../Dialog';
import { DropImport } from './DropImport';
import { ExportMenu } from './ExportMenu';
import { FindDialog } from './FindDialog';
import { ImportNoticeView } from './ImportNoticeView';
import { sidebarOpen, sidebarPanel, toggleSidebar } from '../sidebar/state';
import { installFindKey } from './reveal';
import { ownKeys } from './keys';

export function NotebookMenu(props: { nb: NotebookController; onFiles?: (files: File[]) => void }): JSX.Element {
  const [find, setFind] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  onMount(() => onCleanup(installFindKey(() => setFind(true))));
  return (
    <span class="io-tools" ref={(el) => ownKeys(el)}>
      <ExportMenu doc={props.nb.doc} onError={setProblem} />
      <button
        aria-label="Files"
        aria-pressed={sidebarOpen() && sidebarPanel() === 'files'}
        title="The notebook’s files: upload, download, what Python wrote"
        onClick={() => toggleSidebar('files')}
      >
        Files
      </button>
      <button
        aria-label="Table of contents"
        aria-pressed={sidebarOpen() && sidebarPanel() === 'contents'}
        title="Headings of the markdown cells"
        onClick={() => toggleSidebar('contents')}
      >
        Contents
      </button>
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
