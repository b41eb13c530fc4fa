/** Taking the user to a cell found elsewhere (table of contents, find): select it and bring it into view. */
import type { NotebookController } from '../controller';

export function revealCell(nb: NotebookController, id: string): void {
  nb.focusCell(id, 'command');
  // After focusCell's own (nearest) scroll: a cell picked from a list belongs in the middle of the view.
  queueMicrotask(() => document.querySelector(`[data-cell-id="${CSS.escape(id)}"]`)?.scrollIntoView({ block: 'center' }));
}

/** Calls `open` on Ctrl/Cmd+Shift+F anywhere in the page, editors included; returns the uninstaller. */
export function installFindKey(open: () => void): () => void {
  const onKey = (e: KeyboardEvent): void => {
    if ((e.ctrlKey || e.metaKey) && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      e.stopPropagation();
      open();
    }
  };
  window.addEventListener('keydown', onKey, true);
  return () => window.removeEventListener('keydown', onKey, true);
}
