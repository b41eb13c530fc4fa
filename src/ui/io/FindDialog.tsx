/** Notebook-wide find: search every cell's source, list the matches, and go to the one picked. */
import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import { Portal } from 'solid-js/web';
import { cellsMap } from '../../model';
import { Dialog } from '../Dialog';
import { fromY } from '../reactive';
import type { NotebookController } from '../controller';
import { MAX_MATCHES, findInNotebook, type FindMatch } from './find';
import { revealCell } from './reveal';
import './io.css';

function MatchRow(props: { match: FindMatch; onPick: () => void }): JSX.Element {
  const m = () => props.match;
  return (
    <li>
      <button
        class="io-find-hit"
        aria-label={`Cell ${m().cellIndex + 1}, line ${m().line}: ${m().before}${m().match}${m().after}`}
        onClick={() => props.onPick()}
      >
        <span class="io-find-where">
          Cell {m().cellIndex + 1}
          <Show when={m().line > 1}> · line {m().line}</Show>
        </span>
        <code class="io-find-snippet">
          {m().before}
          <mark>{m().match}</mark>
          {m().after}
        </code>
      </button>
    </li>
  );
}

export function FindDialog(props: { nb: NotebookController; onClose: () => void }): JSX.Element {
  const doc = props.nb.doc;
  const [query, setQuery] = createSignal('');
  // Ticks on any change to the cells, so the list follows edits made while it is open.
  const version = fromY(cellsMap(doc), () => ({}));
  const result = createMemo(() => (version(), findInNotebook(doc, query())));
  const pick = (m: FindMatch): void => {
    props.onClose();
    revealCell(props.nb, m.cellId);
  };
  return (
    <Portal>
      <Dialog title="Find in notebook" onClose={props.onClose}>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const first = result().matches[0];
            if (first) pick(first);
          }}
        >
          <input
            type="search"
            class="io-find-input"
            aria-label="Search all cells"
            placeholder="Search all cells"
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </form>
        <Show when={query()}>
          <p class="io-muted" role="status" data-testid="find-count">
            {result().total === 0
              ? 'No matches'
              : `${result().total} ${result().total === 1 ? 'match' : 'matches'}` +
                (result().total > MAX_MATCHES ? `, the first ${MAX_MATCHES} listed` : '')}
          </p>
          <ul class="io-find-list" aria-label="Matches">
            <For each={result().matches}>{(m) => <MatchRow match={m} onPick={() => pick(m)} />}</For>
          </ul>
        </Show>
      </Dialog>
    </Portal>
  );
}
