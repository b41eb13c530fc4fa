/** A modal dialog: focus moves in, Esc closes, focus goes back where it was. */
import { onCleanup, onMount, type JSX } from 'solid-js';

export function Dialog(props: { title: string; onClose: () => void; children: JSX.Element }): JSX.Element {
  let box!: HTMLDivElement;
  const before = document.activeElement as HTMLElement | null;
  onMount(() => (box.querySelector<HTMLElement>('input, button, select, textarea') ?? box).focus());
  onCleanup(() => before?.focus?.());
  return (
    <div class="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div
        ref={box}
        class="dialog"
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        tabindex="-1"
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            props.onClose();
          }
        }}
      >
        <header class="dialog-head">
          <h2>{props.title}</h2>
          <button class="icon-btn" aria-label="Close" onClick={() => props.onClose()}>
            ×
          </button>
        </header>
        {props.children}
      </div>
    </div>
  );
}
