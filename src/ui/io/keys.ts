/**
 * Keys pressed on this module's buttons and menus belong to them. The notebook's command-mode keys listen on
 * document.body, which sees a key before Solid's delegated handlers (on document) do: without this, Enter on a
 * focused button would enter edit mode (and cancel the click), and arrows in a menu would move the cell selection.
 */
export function ownKeys(el: HTMLElement, onKey?: (e: KeyboardEvent) => void): void {
  el.addEventListener('keydown', (e) => {
    onKey?.(e);
    if (!e.ctrlKey && !e.metaKey && !e.altKey) e.stopPropagation();
  });
}
