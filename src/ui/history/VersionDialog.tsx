/**
 * One checkpoint opened read-only: every cell compared with the notebook now (changed, deleted since, added
 * since), with a line diff of the source, a button to restore one cell, and one to restore the whole version.
 */
import { For, Show, createResource, createSignal, type JSX } from 'solid-js';
import { cellsMap, compareVersions, versionOf, type CellComparison } from '../../model';
import { lineDiff } from '../../ai';
import type { Checkpoint } from '../../sync';
import type { NotebookController } from '../controller';
import { Dialog } from '../Dialog';
import { fromY } from '../reactive';
import { checkpointTime, checkpointTitle } from './labels';

const STATUS: Record<CellComparison['status'], string> = {
  same: 'Unchanged',
  changed: 'Changed since',
  deleted: 'Deleted since',
  added: 'Added since',
};

function SourceDiff(props: { then: string; now: string }): JSX.Element {
  return (
    <pre class="history-diff" data-testid="history-diff">
      <For each={lineDiff(props.then, props.now)}>
        {(l) => (
          <span class={l.op === '+' ? 'ai-diff-add' : l.op === '-' ? 'ai-diff-del' : 'ai-diff-ctx'}>
            {`${l.op === ' ' ? ' ' : l.op === '-' ? '−' : '+'} ${l.text}`}
          </span>
        )}
      </For>
    </pre>
  );
}

export function VersionDialog(props: {
  nb: NotebookController;
  checkpoint: Checkpoint;
  onClose: () => void;
  onRestore: (cellId?: string) => void;
}): JSX.Element {
  const history = props.nb.session.history;
  const [version] = createResource(() => props.checkpoint.id, (id) => history?.version(id) ?? Promise.resolve(null));
  const doc = props.nb.doc;
  const now = fromY(cellsMap(doc), () => versionOf(doc));
  const [showSame, setShowSame] = createSignal(false);
  const rows = (): CellComparison[] => {
    const v = version();
    return v ? compareVersions(v, now()) : [];
  };
  const visible = (): CellComparison[] => rows().filter((r) => showSame() || r.status !== 'same');
  return (
    <Dialog title={`${checkpointTitle(props.checkpoint)} · ${checkpointTime(props.checkpoint.at)}`} onClose={props.onClose}>
      <div class="version-view" data-testid="version-view">
        <div class="version-actions">
          <button class="primary" onClick={() => props.onRestore()}>
            Restore this version
          </button>
          <label>
            <input type="checkbox" checked={showSame()} onChange={(e) => setShowSame(e.currentTarget.checked)} /> Show unchanged cells
          </label>
        </div>
        <p class="files-hint">− lines are only in this version, + lines only in the notebook now.</p>
        <Show when={!version.loading} fallback={<p>Loading…</p>}>
          <Show when={version()} fallback={<p role="alert">This version is no longer stored on this device.</p>}>
            <Show when={visible().length} fallback={<p class="files-hint">No cell differs from the notebook now.</p>}>
              <ol class="version-cells">
                <For each={visible()}>
                  {(r) => (
                    <li class="version-cell" data-status={r.status} data-testid="version-cell">
                      <div class="version-cell-head">
                        <span class="version-status">{STATUS[r.status]}</span>
                        <span class="files-meta">{(r.then ?? r.now)?.type}</span>
                        <Show when={r.status === 'changed' || r.status === 'deleted'}>
                          <button onClick={() => props.onRestore(r.id)}>Restore this cell</button>
                        </Show>
                      </div>
                      <Show when={r.status === 'changed'} fallback={<pre class="history-diff">{(r.then ?? r.now)?.source || ' '}</pre>}>
                        <SourceDiff then={r.then?.source ?? ''} now={r.now?.source ?? ''} />
                      </Show>
                    </li>
                  )}
                </For>
              </ol>
            </Show>
          </Show>
        </Show>
      </div>
    </Dialog>
  );
}
