/** The run queue: what is queued or running, who asked, and a way to cancel what has not started. */
import { For, Show, type JSX } from 'solid-js';
import { LOCAL, cancelQueued, runsOn, type RunRecord } from '../model';
import type { NotebookController } from './controller';

export function QueuePanel(props: { nb: NotebookController; runs: RunRecord[] }): JSX.Element {
  const cellNumber = (id: string): number => props.nb.order().indexOf(id) + 1;
  return (
    <Show when={props.runs.length > 1 || props.runs.some((r) => r.requestedBy.client !== props.nb.doc.clientID)}>
      <details class="queue-panel" open>
        <summary>
          Run queue ({props.runs.length})
          <button class="icon-btn" aria-label="Cancel queued runs" onClick={() => props.nb.cancelQueue()}>
            Cancel all queued
          </button>
        </summary>
        <ol>
          <For each={props.runs}>
            {(r) => (
              <li data-run-state={r.state}>
                <button class="link" onClick={() => props.nb.focusCell(r.cellId, 'command')}>
                  Cell {cellNumber(r.cellId)}
                </button>{' '}
                {r.state === 'running' ? `running${r.executor ? ` ${runsOn(r.executor)}` : ''}` : 'queued'} · asked by {r.requestedBy.name}
                <Show when={r.state === 'queued'}>
                  <button class="icon-btn" aria-label={`Cancel run of cell ${cellNumber(r.cellId)}`} onClick={() => cancelQueued(props.nb.doc, LOCAL, r.cellId)}>
                    Cancel
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ol>
      </details>
    </Show>
  );
}
