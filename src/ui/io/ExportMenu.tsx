/** The "Export" menu: the open notebook as .ipynb, .py or HTML, downloaded. */
import { For, Show, createSignal, onCleanup, type JSX } from 'solid-js';
import type * as Y from 'yjs';
import { downloadNotebook, type ExportFormat } from './export';
import { ownKeys } from './keys';

const ITEMS: ReadonlyArray<{ format: ExportFormat; label: string; hint: string }> = [
  { format: 'ipynb', label: 'Export .ipynb', hint: 'Jupyter notebook, with outputs' },
  { format: 'py', label: 'Export .py', hint: 'Python script with # %% cells' },
  { format: 'html', label: 'Export HTML', hint: 'A page with the outputs, to read anywhere' },
  { format: 'zip', label: 'Export .zip with files', hint: 'The .ipynb and the notebook’s files, as one archive' },
];

export function ExportMenu(props: { doc: Y.Doc; onError: (message: string) => void }): JSX.Element {
  const [open, setOpen] = createSignal(false);
  let root!: HTMLSpanElement;
  const onOutside = (e: MouseEvent): void => {
    if (!root.contains(e.target as Node)) setOpen(false);
  };
  document.addEventListener('mousedown', onOutside);
  onCleanup(() => document.removeEventListener('mousedown', onOutside));

  const choose = (format: ExportFormat): void => {
    setOpen(false);
    downloadNotebook(props.doc, format).catch((e: unknown) =>
      props.onError(`The notebook could not be exported: ${e instanceof Error ? e.message : String(e)}`),
    );
  };

  /** Menu keys: arrows move between the items, Escape closes and returns to the button. */
  const onKey = (e: KeyboardEvent): void => {
    if (!open()) return;
    const items = [...root.querySelectorAll<HTMLElement>('[role="menuitem"]')];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.stopPropagation();
      setOpen(false);
      root.querySelector<HTMLElement>('button')?.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    }
  };

  return (
    <span
      class="io-menu"
      ref={(el) => {
        root = el;
        ownKeys(el, onKey);
      }}
    >
      <button aria-label="Export" aria-haspopup="menu" aria-expanded={open()} onClick={() => setOpen(!open())}>
        Export ▾
      </button>
      <Show when={open()}>
        <div class="io-menu-list" role="menu" aria-label="Export formats" ref={(el) => queueMicrotask(() => el.querySelector<HTMLElement>('[role="menuitem"]')?.focus())}>
          <For each={ITEMS}>
            {(item) => (
              <button role="menuitem" aria-label={item.label} title={item.hint} onClick={() => choose(item.format)}>
                {item.label}
              </button>
            )}
          </For>
        </div>
      </Show>
    </span>
  );
}
