/** Asking for the address of a notebook on the web to import. */
import { createSignal, type JSX } from 'solid-js';
import { Dialog } from '../Dialog';

export function UrlImportDialog(props: { onImport: (url: string) => void; onClose: () => void }): JSX.Element {
  const [url, setUrl] = createSignal('');
  return (
    <Dialog title="Import from URL" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (url().trim()) props.onImport(url());
        }}
      >
        <label>
          Address of a .ipynb file
          <input
            type="text"
            inputmode="url"
            spellcheck={false}
            aria-label="Notebook URL"
            placeholder="https://raw.githubusercontent.com/…/analysis.ipynb"
            value={url()}
            onInput={(e) => setUrl(e.currentTarget.value)}
          />
        </label>
        <p class="io-muted">
          The site must allow other web pages to read the file (CORS). GitHub links are turned into their raw file.
        </p>
        <div class="dialog-actions">
          <button type="button" aria-label="Cancel" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" aria-label="Import from this URL" disabled={!url().trim()}>
            Import
          </button>
        </div>
      </form>
    </Dialog>
  );
}
