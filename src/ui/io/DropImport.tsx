/**
 * Drag-and-drop import: while mounted, a .ipynb dropped anywhere on the app becomes a new notebook. In a notebook
 * (`onOtherFiles`), any other dropped file goes to the notebook's files instead.
 */
import { Show, onCleanup, onMount, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { draggingFiles, installFileDrop } from './drop';
import { importFiles } from './import-flow';
import './io.css';

export function DropImport(props: { onOtherFiles?: (files: File[]) => void }): JSX.Element {
  const onDrop = (files: File[]): void => {
    const other = props.onOtherFiles;
    const notebooks = files.filter((f) => /\.ipynb$/i.test(f.name));
    if (!other || notebooks.length === files.length) return void importFiles(files);
    if (notebooks.length) void importFiles(notebooks);
    other(files.filter((f) => !notebooks.includes(f)));
  };
  onMount(() => onCleanup(installFileDrop(onDrop)));
  return (
    <Show when={draggingFiles()}>
      <Portal>
        <div class="io-drop-overlay" data-testid="drop-overlay" aria-live="polite">
          <p>
            {props.onOtherFiles
              ? 'Drop files to add them to this notebook’s files (a .ipynb is imported as a new notebook)'
              : 'Drop a .ipynb file to import it as a new notebook'}
          </p>
        </div>
      </Portal>
    </Show>
  );
}
