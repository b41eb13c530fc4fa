/** The "Import" button (file picker), import from a URL, and drag-and-drop of .ipynb files onto the app. */
import { Show, createSignal, type JSX } from 'solid-js';
import { DropImport } from './DropImport';
import { ImportNoticeView } from './ImportNoticeView';
import { UrlImportDialog } from './UrlImportDialog';
import { importBusy, importFile, importUrl } from './import-flow';

export function ImportControls(): JSX.Element {
  let picker!: HTMLInputElement;
  const [askUrl, setAskUrl] = createSignal(false);
  return (
    <span class="io-import">
      <button aria-label="Import" title="Import a Jupyter notebook (.ipynb) as a new notebook" disabled={!!importBusy()} onClick={() => picker.click()}>
        Import
      </button>
      <button aria-label="Import from URL" disabled={!!importBusy()} onClick={() => setAskUrl(true)}>
        From URL
      </button>
      <input
        ref={picker}
        type="file"
        accept=".ipynb,application/x-ipynb+json,.zip,application/zip"
        class="hidden"
        aria-label="Notebook file to import"
        data-testid="import-file-input"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) void importFile(file);
        }}
      />
      <Show when={askUrl()}>
        <UrlImportDialog
          onClose={() => setAskUrl(false)}
          onImport={(url) => {
            setAskUrl(false);
            void importUrl(url);
          }}
        />
      </Show>
      <DropImport />
      <ImportNoticeView />
    </span>
  );
}
