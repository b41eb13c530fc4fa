/** The table of contents: the notebook's markdown headings, in the sidebar; a click goes to that cell. */
import { For, Show, type JSX } from 'solid-js';
import { cellsMap } from '../../model';
import { fromY } from '../reactive';
import type { NotebookController } from '../controller';
import { notebookHeadings, sameHeadings } from './toc';
import { revealCell } from './reveal';
import './io.css';

export function TocPanel(props: { nb: NotebookController }): JSX.Element {
  const doc = props.nb.doc;
  const headings = fromY(cellsMap(doc), () => notebookHeadings(doc), true, sameHeadings);
  return (
    <section class="io-toc" aria-label="Table of contents">
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
    </section>
  );
}
