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
import { TocPanel } from './TocPanel';
import { installFindKey } from './reveal';
import { ownKeys } from './keys';

export function NotebookMenu(props: { nb: NotebookController }): JSX.Element {
  const [toc, setToc] = createSignal(false);
  const [find, setFind] = createSignal(false);
  const [problem, setProblem] = createSignal<string | null>(null);
  onMount(() => onCleanup(installFindKey(() => setFind(true))));
  return (
    <span class="io-tools" ref={(el) => ownKeys(el)}>
      <ExportMenu doc={props.nb.doc} onError={setProblem} />
      <button aria-label="Table of contents" aria-pressed={toc()} title="Headings of the markdown cells" onClick={() => setToc(!toc())}>
        Contents
      </button>
      <button aria-label="Find in notebook" title="Find in all cells (Ctrl+Shift+F)" onClick={() => setFind(true)}>
        Find
      </button>
      <Show when={toc()}>
        <TocPanel nb={props.nb} onClose={() => setToc(false)} />
      </Show>
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
      <DropImport />
      <ImportNoticeView />
    </span>
  );
}
