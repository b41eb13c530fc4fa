/**
 * What the user is told about an import: a dialog when nothing was imported and why, a dismissible note listing
 * what was repaired when the notebook opened with changes, and a status line while a file is being read.
 */
import { For, Match, Show, Switch, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { Dialog } from '../Dialog';
import { dismissImportNotice, importBusy, importNotice, type ImportNotice } from './import-flow';
import './io.css';

function ImportError(props: { notice: Extract<ImportNotice, { kind: 'error' }> }): JSX.Element {
  return (
    <Dialog title="Could not import" onClose={dismissImportNotice}>
      <p class="io-source">{props.notice.source}</p>
      <p role="alert" data-testid="import-error">
        {props.notice.message}
      </p>
      <p class="io-muted">No notebook was created.</p>
      <div class="dialog-actions">
        <button class="primary" aria-label="OK" onClick={dismissImportNotice}>
          OK
        </button>
      </div>
    </Dialog>
  );
}

function ImportWarnings(props: { notice: Extract<ImportNotice, { kind: 'warnings' }> }): JSX.Element {
  return (
    <div class="io-toast banner warn" role="status" data-testid="import-warnings">
      <div>
        <strong>Imported “{props.notice.title}” with changes:</strong>
        <ul>
          <For each={props.notice.warnings}>{(w) => <li>{w}</li>}</For>
        </ul>
      </div>
      <button class="icon-btn" aria-label="Dismiss import notes" onClick={dismissImportNotice}>
        ×
      </button>
    </div>
  );
}

export function ImportNoticeView(): JSX.Element {
  return (
    <>
      <Show when={importBusy()}>
        {(what) => (
          <Portal>
            <div class="io-toast banner info" role="status" data-testid="import-busy">
              Importing {what()}…
            </div>
          </Portal>
        )}
      </Show>
      <Switch>
        <Match when={importNotice()?.kind === 'error' && (importNotice() as Extract<ImportNotice, { kind: 'error' }>)}>
          {(n) => (
            <Portal>
              <ImportError notice={n()} />
            </Portal>
          )}
        </Match>
        <Match when={importNotice()?.kind === 'warnings' && (importNotice() as Extract<ImportNotice, { kind: 'warnings' }>)}>
          {(n) => (
            <Portal>
              <ImportWarnings notice={n()} />
            </Portal>
          )}
        </Match>
      </Switch>
    </>
  );
}
