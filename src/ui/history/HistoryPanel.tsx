/**
 * The History panel: this device's checkpoints of the notebook, newest first, each with who changed what; open
 * one to compare it with now, restore it whole in one click, undo a restore, name the current version.
 */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import { describeSummary } from '../../model';
import type { Checkpoint } from '../../sync';
import type { NotebookController } from '../controller';
import { VersionDialog } from './VersionDialog';
import { checkpointTime, checkpointTitle } from './labels';
import { useCheckpoints } from './useHistory';
import './history.css';

export function HistoryPanel(props: { nb: NotebookController }): JSX.Element {
  const history = props.nb.session.history;
  const { list, pending } = useCheckpoints(history);
  const [naming, setNaming] = createSignal(false);
  const [open, setOpen] = createSignal<Checkpoint | null>(null);
  const [message, setMessage] = createSignal<{ text: string; undo: boolean } | null>(null);
  const [person, setPerson] = createSignal('');
  const people = createMemo(() => [...new Set(list().flatMap((cp) => cp.summary.map((p) => p.who)))].sort());
  const shown = createMemo(() => (person() ? list().filter((cp) => cp.summary.some((p) => p.who === person())) : list()));

  const restore = async (cp: Checkpoint, cellId?: string): Promise<void> => {
    if (!history) return;
    const ok = await history.restore(cp.id, cellId);
    setMessage(
      ok
        ? { text: cellId ? `Cell restored from ${checkpointTime(cp.at)}.` : `Notebook restored to ${checkpointTime(cp.at)}.`, undo: true }
        : { text: 'That version is no longer stored on this device.', undo: false },
    );
  };

  const save = (name: string): void => {
    setNaming(false);
    if (history) void history.checkpoint('named', name.trim() || `Version of ${checkpointTime(Date.now())}`);
  };

  return (
    <section class="history-panel" aria-label="History">
      <Show when={history} fallback={<p class="files-hint">Versions cannot be kept: this browser offers no storage for them.</p>}>
        <div class="files-actions">
          <Show
            when={naming()}
            fallback={
              <button onClick={() => setNaming(true)} title="Keep the notebook as it is now under a name">
                Save version
              </button>
            }
          >
            <form
              class="history-name"
              onSubmit={(e) => {
                e.preventDefault();
                save(new FormData(e.currentTarget).get('name')?.toString() ?? '');
              }}
            >
              <input name="name" aria-label="Version name" placeholder="Version name" ref={(el) => queueMicrotask(() => el.focus())} onKeyDown={(e) => e.key === 'Escape' && setNaming(false)} />
              <button type="submit" class="primary">
                Save
              </button>
            </form>
          </Show>
        </div>
        <p class="files-hint">Kept on this device: every version of the last hour, hourly for a day, daily after.</p>
        <Show when={message()}>
          {(m) => (
            <div class="files-message info" role="status">
              <span>{m().text}</span>
              <Show when={m().undo && history?.canUndoRestore()}>
                <button
                  onClick={() => {
                    history?.undoRestore();
                    setMessage({ text: 'Restore undone.', undo: false });
                  }}
                >
                  Undo restore
                </button>
              </Show>
            </div>
          )}
        </Show>
        <Show when={pending()}>
          <p class="files-hint" data-testid="history-pending">
            Recent edits become a version when editing pauses.
          </p>
        </Show>
        <Show when={people().length > 1}>
          <label class="history-person">
            Changes by{' '}
            <select aria-label="Show changes by" value={person()} onChange={(e) => setPerson(e.currentTarget.value)}>
              <option value="">everyone</option>
              <For each={people()}>{(p) => <option value={p}>{p}</option>}</For>
            </select>
          </label>
        </Show>
        <ol class="history-list" aria-label="Versions">
          <For each={shown()}>
            {(cp) => (
              <li class="history-row" data-kind={cp.kind}>
                <div class="history-when">
                  <strong>{checkpointTitle(cp)}</strong>
                  <time dateTime={new Date(cp.at).toISOString()}>{checkpointTime(cp.at)}</time>
                </div>
                <div class="history-what">
                  {describeSummary(cp.summary) || (cp === list()[list().length - 1] ? 'Start of this device’s history' : 'No cell changed')}
                  {` · ${cp.cellCount} cell${cp.cellCount === 1 ? '' : 's'}`}
                </div>
                <div class="history-actions">
                  <button onClick={() => setOpen(cp)} aria-label={`View version of ${checkpointTime(cp.at)}`}>
                    View
                  </button>
                  <button onClick={() => void restore(cp)} aria-label={`Restore version of ${checkpointTime(cp.at)}`}>
                    Restore
                  </button>
                </div>
              </li>
            )}
          </For>
        </ol>
      </Show>
      <Show when={open()}>
        {(cp) => (
          <VersionDialog
            nb={props.nb}
            checkpoint={cp()}
            onClose={() => setOpen(null)}
            onRestore={(cellId) => {
              if (!cellId) setOpen(null);
              void restore(cp(), cellId);
            }}
          />
        )}
      </Show>
    </section>
  );
}
