/** Drag-and-drop import: while mounted, a .ipynb dropped anywhere on the app becomes a new notebook. */
import { Show, onCleanup, onMount, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { draggingFiles, installFileDrop } from './drop';
import { importFiles } from './import-flow';
import './io.css';

export function DropImport(): JSX.Element {
  onMount(() => onCleanup(installFileDrop((files) => void importFiles(files))));
  return (
    <Show when={draggingFiles()}>
      <Portal>
        <div class="io-drop-overlay" data-testid="drop-overlay" aria-live="polite">
          <p>Drop a .ipynb file to import it as a new notebook</p>
        </div>
      </Portal>
    </Show>
  );
}
