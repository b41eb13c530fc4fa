/** The "Export" menu: the open notebook as .ipynb, .py or HTML, downloaded. */
import { For, Show, createSignal, onCleanup, type JSX } from 'solid-js';
import type * as Y from 'yjs';
import { downloadNotebook, type ExportFormat } from './export';

const ITEMS: ReadonlyArray<{ format: ExportFormat; label: string; hint: string }> = [
  { format: 'ipynb', label: 'Export .ipynb', hint: 'Jupyter notebook, with outputs' },
  { format: 'py', label: 'Export .py', hint: 'Python script with # %% cells' },
  { format: 'html', label: 'Export HTML', hint: 'A page with the outputs, to read anywhere' },
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
    try {
      downloadNotebook(props.doc, format);
    } catch (e) {
      props.onError(`The notebook could not be exported: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  return (
    <span class="io-menu" ref={root} onKeyDown={(e) => e.key === 'Escape' && open() && (e.stopPropagation(), setOpen(false))}>
      <button aria-label="Export" aria-haspopup="menu" aria-expanded={open()} onClick={() => setOpen(!open())}>
        Export ▾
      </button>
      <Show when={open()}>
        <div class="io-menu-list" role="menu" aria-label="Export formats">
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
