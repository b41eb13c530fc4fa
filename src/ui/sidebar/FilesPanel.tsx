/**
 * The Files panel: the notebook's working directory (Python's os.getcwd()), shared with the room. Upload (button
 * or drop), new folder, and per file: download (a folder as .zip), rename, delete, copy path, and a pandas reader
 * cell for tabular files. Files still arriving from a peer say so.
 */
import { For, Show, createSignal, onCleanup, type JSX } from 'solid-js';
import { LOCAL, freeName, getFile, insertCell, makeFolder, putFiles, removeFiles, renameFile, cleanName, type FileEntry } from '../../model';
import { UploadError, type TransferState } from '../../sync';
import type { NotebookController } from '../controller';
import { Dialog } from '../Dialog';
import { downloadBlob } from '../io/files';
import { writeZip } from '../io/zip';
import { fileRows, formatSize, readerSnippet, type FileRow } from './tree';

/** How long after an upload a concurrent upload of the same name by a peer is looked for. */
const CLASH_CHECK_MS = 2000;

export interface FilesApi {
  upload(files: File[], dir?: string): Promise<void>;
}

export function FilesPanel(props: { nb: NotebookController; api: (api: FilesApi) => void }): JSX.Element {
  const session = props.nb.session;
  const files = session.files;
  const doc = props.nb.doc;
  const [entries, setEntries] = createSignal(files.list());
  const [have, setHave] = createSignal(0);
  const [expanded, setExpanded] = createSignal<ReadonlySet<string>>(new Set());
  const [progress, setProgress] = createSignal<Record<string, number>>({});
  const [transfer, setTransfer] = createSignal<TransferState | null>(null);
  const [message, setMessage] = createSignal<{ kind: 'error' | 'info'; text: string } | null>(null);
  const [renaming, setRenaming] = createSignal<string | null>(null);
  const [confirmDelete, setConfirmDelete] = createSignal<string | null>(null);
  const [askReplace, setAskReplace] = createSignal<{ names: string[]; answer: (replace: boolean | null) => void } | null>(null);
  const [menu, setMenu] = createSignal<string | null>(null);
  let picker!: HTMLInputElement;

  const refresh = (): void => {
    setEntries(files.list());
    setHave((n) => n + 1);
  };
  onCleanup(files.observe(refresh));
  onCleanup(files.onArrived(() => setHave((n) => n + 1)));
  void files.whenLoaded.then(() => setHave((n) => n + 1));
  let offTransfer = (): void => {};
  const follow = (t: typeof session.transfer): void => {
    offTransfer();
    offTransfer = t ? t.onProgress(setTransfer) : () => {};
  };
  follow(session.transfer);
  onCleanup(session.onTransfer(follow));
  onCleanup(() => offTransfer());

  const rows = (): FileRow[] => fileRows(entries(), expanded());
  const fail = (e: unknown): void => {
    setMessage({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
  };

  const status = (e: FileEntry | null): string | null => {
    have();
    if (!e?.hash || files.hasCached(e.hash)) return null;
    const t = transfer();
    if (t && t.hash === e.hash) return `arriving ${Math.round(t.done * 100)}%`;
    return session.room ? 'waiting for a peer who has it' : 'not on this device';
  };

  /** Replace or keep both, asked once for all the names an upload would overwrite. */
  const decideReplace = (clashing: string[]): Promise<boolean | null> =>
    clashing.length === 0 ? Promise.resolve(false) : new Promise((answer) => setAskReplace({ names: clashing, answer }));

  const upload = async (picked: File[], dir = ''): Promise<void> => {
    if (!picked.length) return;
    setMessage(null);
    const prefix = dir ? `${dir}/` : '';
    const clashing = picked.map((f) => `${prefix}${cleanName(f.name)}`).filter((p) => entries().has(p));
    const replace = await decideReplace(clashing);
    setAskReplace(null);
    if (replace === null) return;
    try {
      const paths = await files.upload(picked, {
        dir,
        by: session.me().name,
        origin: LOCAL,
        replace: () => replace,
        onProgress: (p) => setProgress((all) => ({ ...all, [p.name]: p.done })),
      });
      setMessage({ kind: 'info', text: paths.length === 1 ? `Uploaded ${paths[0]}.` : `Uploaded ${paths.length} files.` });
      const mine = new Map(paths.map((p) => [p, getFile(doc, p)?.hash]));
      // Two peers uploading one name at once: the document keeps one. Put the other back under a free name.
      setTimeout(() => {
        for (const [path, hash] of mine) {
          const now = getFile(doc, path);
          if (!hash || !now || now.hash === hash) continue;
          const free = freeName(files.list(), path);
          const entry = { path: free, hash, size: now.size, mtime: Date.now(), by: session.me().name };
          putFiles(doc, [entry], LOCAL);
          setMessage({ kind: 'info', text: `${now.by ?? 'Someone'} uploaded ${path} at the same time; theirs kept the name, yours is ${free}.` });
        }
      }, CLASH_CHECK_MS);
    } catch (e) {
      fail(e instanceof UploadError ? e : new Error(`The upload failed: ${e instanceof Error ? e.message : String(e)}`));
    } finally {
      setProgress({});
    }
  };
  props.api({ upload });

  const download = async (row: FileRow): Promise<void> => {
    setMenu(null);
    try {
      if (!row.dir) {
        const blob = row.entry?.hash ? await files.get(row.entry.hash) : null;
        if (!blob) throw new Error(`${row.path} is not on this device yet: wait until it has arrived from the room.`);
        downloadBlob(blob, row.name);
        return;
      }
      const inside = [...entries().values()].filter((e) => e.path.startsWith(row.path + '/'));
      const zipEntries = [];
      for (const e of inside) {
        const rel = e.path.slice(row.path.length + 1) + (e.dir ? '/' : '');
        const blob = e.hash ? await files.get(e.hash) : null;
        if (e.hash && !blob) throw new Error(`${e.path} is not on this device yet: wait until it has arrived from the room.`);
        zipEntries.push({ name: rel, bytes: blob ? new Uint8Array(await blob.arrayBuffer()) : new Uint8Array(0), mtime: e.mtime });
      }
      downloadBlob(writeZip(zipEntries), `${row.name}.zip`);
    } catch (e) {
      fail(e);
    }
  };

  const rename = (row: FileRow, name: string): void => {
    setRenaming(null);
    const to = (row.path.includes('/') ? row.path.slice(0, row.path.lastIndexOf('/') + 1) : '') + name.trim();
    const problem = renameFile(doc, row.path, to, LOCAL);
    if (problem) setMessage({ kind: 'error', text: problem });
  };

  const newFolder = (): void => {
    const path = freeName(entries(), 'untitled folder');
    makeFolder(doc, path, LOCAL);
    setRenaming(path);
  };

  const insertReader = (path: string): void => {
    setMenu(null);
    const code = readerSnippet(path);
    if (!code) return;
    const order = props.nb.order();
    const at = order.indexOf(props.nb.selected() ?? '');
    const id = insertCell(doc, at === -1 ? order.length : at + 1, { type: 'code', source: code }, LOCAL);
    props.nb.focusCell(id, 'command');
  };

  const copyPath = (path: string): void => {
    setMenu(null);
    navigator.clipboard.writeText(path).then(
      () => setMessage({ kind: 'info', text: `Copied “${path}”.` }),
      () => setMessage({ kind: 'error', text: `The clipboard refused; the path is “${path}”.` }),
    );
  };

  return (
    <section class="files-panel" aria-label="Files">
      <div class="files-actions">
        <button onClick={() => picker.click()} aria-label="Upload files">
          ⇪ Upload
        </button>
        <button onClick={newFolder} aria-label="New folder">
          + Folder
        </button>
        <input
          ref={picker}
          type="file"
          multiple
          hidden
          data-testid="file-picker"
          onChange={(e) => {
            const picked = [...(e.currentTarget.files ?? [])];
            e.currentTarget.value = '';
            void upload(picked);
          }}
        />
      </div>
      <p class="files-hint">Python’s working folder: open files by these names.</p>
      <For each={Object.entries(progress())}>
        {([name, done]) => (
          <div class="files-progress" role="status">
            <span>Uploading {name}</span>
            <progress max="1" value={done} aria-label={`Uploading ${name}`} />
          </div>
        )}
      </For>
      <Show when={message()}>
        {(m) => (
          <div class={`files-message ${m().kind}`} role={m().kind === 'error' ? 'alert' : 'status'}>
            {m().text}
            <button class="icon-btn" aria-label="Dismiss" onClick={() => setMessage(null)}>
              ×
            </button>
          </div>
        )}
      </Show>
      <Show when={rows().length > 0} fallback={<p class="io-muted">No files yet. Upload some, drop them on the notebook, or write them from Python.</p>}>
        <ul class="files-list" aria-label="Notebook files">
          <For each={rows()}>
            {(row) => (
              <li class="files-row" style={{ 'padding-left': `${row.depth * 0.9}rem` }} data-path={row.path}>
                <Show
                  when={renaming() !== row.path}
                  fallback={
                    <input
                      class="files-rename"
                      aria-label={`New name for ${row.name}`}
                      value={row.name}
                      ref={(el) => queueMicrotask(() => (el.focus(), el.select()))}
                      onKeyDown={(e) => {
                        if (e.key === 'Enter') rename(row, e.currentTarget.value);
                        if (e.key === 'Escape') {
                          e.stopPropagation();
                          setRenaming(null);
                        }
                      }}
                      onBlur={(e) => renaming() === row.path && rename(row, e.currentTarget.value)}
                    />
                  }
                >
                  <button
                    class="files-name"
                    aria-label={row.dir ? `Folder ${row.path}` : `File ${row.path}`}
                    aria-expanded={row.dir ? expanded().has(row.path) : undefined}
                    title={row.path}
                    onClick={() => {
                      if (!row.dir) return void download(row);
                      const next = new Set(expanded());
                      if (next.has(row.path)) next.delete(row.path);
                      else next.add(row.path);
                      setExpanded(next);
                    }}
                  >
                    <span aria-hidden="true">{row.dir ? (expanded().has(row.path) ? '▾ 📁' : '▸ 📁') : '📄'}</span> {row.name}
                  </button>
                </Show>
                <span class="files-meta">
                  <Show when={status(row.entry)} fallback={row.entry && !row.dir ? formatSize(row.entry.size) : ''}>
                    {(s) => <span class="files-arriving">{s()}</span>}
                  </Show>
                  <Show when={row.entry?.mtime}>
                    {(t) => <time title={new Date(t()).toLocaleString()}> · {new Date(t()).toLocaleDateString()}</time>}
                  </Show>
                </span>
                <button class="icon-btn" aria-label={`Actions for ${row.path}`} aria-haspopup="menu" onClick={() => setMenu(menu() === row.path ? null : row.path)}>
                  ⋯
                </button>
                <Show when={menu() === row.path}>
                  <div class="files-menu" role="menu" aria-label={`Actions for ${row.path}`}>
                    <button role="menuitem" onClick={() => void download(row)}>
                      {row.dir ? 'Download as .zip' : 'Download'}
                    </button>
                    <button role="menuitem" onClick={() => (setMenu(null), setRenaming(row.path))}>
                      Rename
                    </button>
                    <button role="menuitem" onClick={() => copyPath(row.path)}>
                      Copy path
                    </button>
                    <Show when={!row.dir && readerSnippet(row.path)}>
                      <button role="menuitem" onClick={() => insertReader(row.path)}>
                        Insert pandas reader
                      </button>
                    </Show>
                    <button role="menuitem" class="danger" onClick={() => (setMenu(null), setConfirmDelete(row.path))}>
                      Delete
                    </button>
                  </div>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={confirmDelete()}>
        {(path) => (
          <Dialog title={`Delete ${path()}?`} onClose={() => setConfirmDelete(null)}>
            <p>
              {entries().get(path())?.dir || !entries().has(path()) ? 'The folder and everything in it' : 'The file'} will be deleted for everyone in
              this notebook, and from Python’s folder at the next run.
            </p>
            <div class="dialog-actions">
              <button onClick={() => setConfirmDelete(null)}>Cancel</button>
              <button
                class="primary danger"
                onClick={() => {
                  removeFiles(doc, [path()], LOCAL);
                  setConfirmDelete(null);
                }}
              >
                Delete
              </button>
            </div>
          </Dialog>
        )}
      </Show>
      <Show when={askReplace()}>
        {(q) => (
          <Dialog title="Replace files?" onClose={() => q().answer(null)}>
            <p>
              {q().names.length === 1 ? `“${q().names[0]}” already exists.` : `${q().names.length} of these files already exist.`} Replace, or keep both (the
              upload gets a new name)?
            </p>
            <div class="dialog-actions">
              <button onClick={() => q().answer(null)}>Cancel</button>
              <button onClick={() => q().answer(false)}>Keep both</button>
              <button class="primary" onClick={() => q().answer(true)}>
                Replace
              </button>
            </div>
          </Dialog>
        )}
      </Show>
    </section>
  );
}
