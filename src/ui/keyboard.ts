/**
 * Jupyter's command-mode keys. Edit-mode keys live in the editor (editor.ts). Two-key chords (D,D  I,I  0,0)
 * must be pressed within a short interval, as in Jupyter.
 */
import type { NotebookController } from './controller';

const CHORD_MS = 800;

/** The shortcut list the help dialog (H) shows: [keys, what it does]. */
export const SHORTCUTS: ReadonlyArray<readonly [string, string]> = [
  ['Enter', 'Edit the selected cell'],
  ['Esc', 'Leave the editor (command mode)'],
  ['Shift+Enter', 'Run, select the next cell'],
  ['Ctrl/Cmd+Enter', 'Run in place'],
  ['Alt+Enter', 'Run, insert a cell below'],
  ['A / B', 'Insert a cell above / below'],
  ['D, D', 'Delete the cell'],
  ['Z', 'Undo the last cell deletion'],
  ['Y / M / R / Q', 'Make it code / markdown / raw / SQL'],
  ['↑ / K, ↓ / J', 'Select the cell above / below'],
  ['Ctrl+Shift+↑ / ↓', 'Move the cell up / down'],
  ['I, I', 'Interrupt the kernel'],
  ['0, 0', 'Restart the kernel'],
  ['Tab', 'Complete (in a code or SQL cell)'],
  ['Shift+Tab', 'Show the signature and docs'],
  ['Ctrl/Cmd+Z', 'Undo your own edits in the cell'],
  ['Ctrl/Cmd+F', 'Find in the cell'],
  ['Ctrl/Cmd+Shift+F', 'Find in all cells'],
  ['H', 'Show these shortcuts'],
];

function isTyping(e: KeyboardEvent): boolean {
  const target = e.target;
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target.closest('input, textarea, select, .cm-editor, [role="dialog"]')) return true;
  // Buttons and links keep Enter, Space and arrows: a focused "Run all" must not also enter edit mode. Letter
  // shortcuts still work after a click on a toolbar button, as in Jupyter.
  return target.closest('button, a, [role="menuitem"]') !== null && /^(Enter| |Arrow.*)$/.test(e.key);
}

/** Installs the command-mode key handler on `root`; returns the uninstaller. */
export function installCommandKeys(root: HTMLElement, nb: NotebookController): () => void {
  let lastKey = '';
  let lastAt = 0;
  const chord = (key: string): boolean => {
    const now = performance.now();
    const hit = lastKey === key && now - lastAt < CHORD_MS;
    lastKey = hit ? '' : key;
    lastAt = now;
    return hit;
  };

  const onKey = (e: KeyboardEvent): void => {
    if (nb.mode() !== 'command' || isTyping(e) || e.defaultPrevented) return;
    const mod = e.ctrlKey || e.metaKey;
    let handled = true;
    if (e.key === 'Enter' && e.shiftKey) nb.run('next');
    else if (e.key === 'Enter' && mod) nb.run('stay');
    else if (e.key === 'Enter' && e.altKey) nb.run('insert');
    else if (e.key === 'Enter') nb.enterEdit();
    else if (mod && e.shiftKey && e.key === 'ArrowUp') nb.move(-1);
    else if (mod && e.shiftKey && e.key === 'ArrowDown') nb.move(1);
    else if (mod || e.altKey) handled = false;
    else if (e.key === 'ArrowUp' || e.key === 'k') nb.moveSelection(-1);
    else if (e.key === 'ArrowDown' || e.key === 'j') nb.moveSelection(1);
    else if (e.key === 'a') nb.insert('above', 'code', false);
    else if (e.key === 'b') nb.insert('below', 'code', false);
    else if (e.key === 'd') {
      if (chord('d')) nb.deleteSelected();
    } else if (e.key === 'z') nb.undoDelete();
    else if (e.key === 'm') nb.changeType('markdown');
    else if (e.key === 'y') nb.changeType('code');
    else if (e.key === 'r') nb.changeType('raw');
    else if (e.key === 'q') nb.changeType('sql');
    else if (e.key === 'h') nb.setShowShortcuts(true);
    else if (e.key === 'i') {
      if (chord('i')) void nb.interrupt();
    } else if (e.key === '0') {
      if (chord('0')) void nb.restart();
    } else handled = false;
    if (handled) e.preventDefault();
  };
  root.addEventListener('keydown', onKey);
  return () => root.removeEventListener('keydown', onKey);
}
