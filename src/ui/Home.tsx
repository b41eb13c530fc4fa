/** The home view: this device's notebooks (title, last edited), with create, open, rename, duplicate, delete. */
import { For, Show, createSignal, onCleanup, type JSX } from 'solid-js';
import { library } from './services';
import { createNotebook, deleteNotebook, duplicateNotebook, renameStoredNotebook } from './notebooks';
import { navigate, notebookHash } from './router';
import { Dialog } from './Dialog';
import { ImportControls } from './io';
import type { LibraryEntry } from '../sync';

function ago(t: number): string {
  const s = Math.round((Date.now() - t) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(t).toLocaleDateString();
}

export function Home(): JSX.Element {
  const [entries, setEntries] = createSignal<LibraryEntry[]>(library.list());
  onCleanup(library.observe(() => setEntries(library.list())));
  void library.whenLoaded.then(() => setEntries(library.list()));
  const [renaming, setRenaming] = createSignal<LibraryEntry | null>(null);
  const [deleting, setDeleting] = createSignal<LibraryEntry | null>(null);

  const create = async (): Promise<void> => navigate(notebookHash(await createNotebook()));

  return (
    <div class="home">
      <header class="home-header">
        <h1>◆ Anode</h1>
        <p class="tagline">Python notebooks that run in your browser. Nothing to install; your work stays on this device.</p>
        <button class="primary" onClick={() => void create()} aria-label="New notebook">
          + New notebook
        </button>
        <ImportControls />
      </header>
      <section aria-label="Your notebooks">
        <Show when={entries().length > 0} fallback={<p class="empty">No notebooks yet.</p>}>
          <ul class="notebook-list">
            <For each={entries()}>
              {(e) => (
                <li class="notebook-item" data-notebook-id={e.id}>
                  <a href={notebookHash(e.id)} class="nb-link">
                    <span class="nb-name">{e.title}</span>
                    <span class="nb-when">edited {ago(e.updated)}</span>
                  </a>
                  <div class="nb-actions">
                    <button aria-label={`Rename ${e.title}`} onClick={() => setRenaming(e)}>
                      Rename
                    </button>
                    <button
                      aria-label={`Duplicate ${e.title}`}
                      onClick={async () => {
                        await duplicateNotebook(e.id);
                      }}
                    >
                      Duplicate
                    </button>
                    <button class="danger" aria-label={`Delete ${e.title}`} onClick={() => setDeleting(e)}>
                      Delete
                    </button>
                  </div>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </section>
      <Show when={renaming()}>
        {(e) => {
          let input!: HTMLInputElement;
          const save = async (): Promise<void> => {
            await renameStoredNotebook(e().id, input.value.trim() || 'Untitled');
            setRenaming(null);
          };
          return (
            <Dialog title="Rename notebook" onClose={() => setRenaming(null)}>
              <form
                onSubmit={(ev) => {
                  ev.preventDefault();
                  void save();
                }}
              >
                <label>
                  New title <input ref={input} value={e().title} aria-label="New title" />
                </label>
                <div class="dialog-actions">
                  <button type="button" onClick={() => setRenaming(null)}>
                    Cancel
                  </button>
                  <button type="submit" class="primary">
                    Rename
                  </button>
                </div>
              </form>
            </Dialog>
          );
        }}
      </Show>
      <Show when={deleting()}>
        {(e) => (
          <Dialog title="Delete notebook?" onClose={() => setDeleting(null)}>
            <p>
              “{e().title}” will be deleted from this device. This cannot be undone.
            </p>
            <div class="dialog-actions">
              <button onClick={() => setDeleting(null)}>Cancel</button>
              <button
                class="danger primary"
                onClick={async () => {
                  await deleteNotebook(e().id);
                  setDeleting(null);
                }}
              >
                Delete
              </button>
            </div>
          </Dialog>
        )}
      </Show>
    </div>
  );
}
