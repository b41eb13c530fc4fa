/** The table of contents: a side panel listing the notebook's markdown headings; a click goes to that cell. */
import { For, Show, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { cellsMap } from '../../model';
import { fromY } from '../reactive';
import type { NotebookController } from '../controller';
import { notebookHeadings, sameHeadings } from './toc';
import { revealCell } from './reveal';
import { ownKeys } from './keys';
import './io.css';

export function TocPanel(props: { nb: NotebookController; onClose: () => void }): JSX.Element {
  const doc = props.nb.doc;
  const headings = fromY(cellsMap(doc), () => notebookHeadings(doc), true, sameHeadings);
  return (
    <Portal>
      <aside class="io-side io-toc" aria-label="Table of contents" ref={(el) => ownKeys(el)}>
        <header class="io-side-head">
          <h2>Contents</h2>
          <button class="icon-btn" aria-label="Close table of contents" onClick={() => props.onClose()}>
            ×
          </button>
        </header>
        <Show when={headings().length > 0} fallback={<p class="io-muted">No headings yet: start a markdown cell with “# ”.</p>}>
          <ol class="io-toc-list">
            <For each={headings()}>
              {(h) => (
                <li style={{ 'padding-left': `${(h.level - 1) * 0.9}rem` }} data-level={h.level}>
                  <button
                    class="io-link"
                    classList={{ current: props.nb.selected() === h.cellId }}
                    aria-label={`Go to heading ${h.text}`}
                    onClick={() => revealCell(props.nb, h.cellId)}
                  >
                    {h.text}
                  </button>
                </li>
              )}
            </For>
          </ol>
        </Show>
      </aside>
    </Portal>
  );
}
