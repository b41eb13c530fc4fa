/**
 * The cell editor (CodeMirror, its Python grammar and the Yjs binding) is loaded on first use: it is over half
 * of the app's JavaScript, and the home page, a notebook's first paint and its source previews do without it.
 * It starts loading as soon as a notebook shows a cell, and is usually in before the kernel is.
 */
import type * as EditorModule from './editor';

let loaded: typeof EditorModule | null = null;
let loading: Promise<typeof EditorModule> | null = null;

/** The editor module if it has loaded, else null. */
export function editorModule(): typeof EditorModule | null {
  return loaded;
}

/** Loads the editor module; a failed load (offline before it was ever cached) may be retried. */
export function loadEditor(): Promise<typeof EditorModule> {
  loading ??= import('./editor').then(
    (m) => (loaded = m),
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}
