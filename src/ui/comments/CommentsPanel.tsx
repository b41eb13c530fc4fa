/**
 * The Comments panel: a new comment for the chosen cell (or range), then every thread grouped by cell in notebook
 * order, with replies, resolve and reopen. Text from other people is shown as text, never as HTML.
 */
import { For, Show, createEffect, createMemo, createSignal, type JSX } from 'solid-js';
import type { CommentThread } from '../../model';
import type { NotebookController } from '../controller';
import { sidebarOpen, sidebarPanel } from '../sidebar/state';
import './comments.css';

function when(at: number): string {
  const d = new Date(at);
  return new Date().toDateString() === d.toDateString()
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleString(undefined, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
}

/** A text box that sends on its button or Ctrl+Enter, and empties itself after. */
function Composer(props: { label: string; action: string; onSend: (text: string) => void; onCancel?: () => void; autofocus?: boolean }): JSX.Element {
  const [text, setText] = createSignal('');
  const send = (): void => {
    const t = text().trim();
    if (!t) return;
    props.onSend(t);
    setText('');
  };
  return (
    <form
      class="comment-composer"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      <textarea
        aria-label={props.label}
        placeholder={props.label}
        rows={2}
        value={text()}
        ref={(el) => props.autofocus && queueMicrotask(() => el.focus())}
        onInput={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            send();
          } else if (e.key === 'Escape') props.onCancel?.();
        }}
      />
      <div class="comment-composer-actions">
        <Show when={props.onCancel}>
          <button type="button" onClick={() => props.onCancel?.()}>
            Cancel
          </button>
        </Show>
        <button type="submit" class="primary" disabled={!text().trim()}>
          {props.action}
        </button>
      </div>
    </form>
  );
}

function Thread(props: { nb: NotebookController; thread: CommentThread }): JSX.Element {
  const comments = props.nb.comments;
  const t = () => props.thread;
  return (
    <article class="comment-thread" classList={{ resolved: t().resolved }} data-thread-id={t().id} data-testid="comment-thread" aria-label={`Comment by ${t().messages[0]!.author.name}`}>
      <Show when={t().quote}>
        <blockquote class="comment-quote">{t().quote}</blockquote>
      </Show>
      <ol class="comment-messages">
        <For each={t().messages}>
          {(m) => (
            <li class="comment-message">
              <div class="comment-head">
                <span class="comment-dot" style={{ background: m.author.color }} />
                <strong>{m.author.name}</strong>
                <time dateTime={new Date(m.at).toISOString()}>{when(m.at)}</time>
              </div>
              <p class="comment-text">{m.text}</p>
            </li>
          )}
        </For>
      </ol>
      <Show when={t().resolved}>
        <p class="comment-state">Resolved{t().resolvedBy ? ` by ${t().resolvedBy!.name}` : ''}</p>
      </Show>
      <div class="comment-actions">
        <button onClick={() => comments.resolve(t().id, !t().resolved)}>{t().resolved ? 'Reopen' : 'Resolve'}</button>
        <Show when={t().messages[0]!.author.name === comments.me().name}>
          <button class="danger" onClick={() => comments.remove(t().id)}>
            Delete
          </button>
        </Show>
      </div>
      <Show when={!t().resolved}>
        <Composer label="Reply" action="Reply" onSend={(text) => comments.reply(t().id, text)} />
      </Show>
    </article>
  );
}

export function CommentsPanel(props: { nb: NotebookController }): JSX.Element {
  const nb = props.nb;
  const comments = nb.comments;
  const [show, setShow] = createSignal<'open' | 'resolved' | 'all'>('open');
  const order = createMemo(() => (comments.threads(), nb.order()));
  const groups = createMemo(() => {
    const ids = order();
    const shown = comments.threads().filter((t) => show() === 'all' || (show() === 'resolved') === t.resolved);
    const byCell = new Map<string, CommentThread[]>();
    for (const t of shown) byCell.set(t.cellId, [...(byCell.get(t.cellId) ?? []), t]);
    const rank = (id: string): number => (ids.includes(id) ? ids.indexOf(id) : Number.MAX_SAFE_INTEGER);
    return [...byCell.entries()].sort((a, b) => rank(a[0]) - rank(b[0])).map(([cellId, threads]) => ({ cellId, index: ids.indexOf(cellId), threads }));
  });
  // What the panel shows, it has shown: those messages are no longer unread on this device.
  createEffect(() => {
    if (sidebarOpen() && sidebarPanel() === 'comments') comments.markSeen(groups().flatMap((g) => g.threads));
  });
  const cellLabel = (index: number, cellId: string): string => {
    if (index === -1) return 'On a deleted cell (restore it from History)';
    const first = (comments.cellText(cellId) ?? '').split('\n')[0]!.trim();
    return `Cell ${index + 1}${first ? `: ${first.slice(0, 40)}` : ''}`;
  };
  return (
    <section class="comments-panel" aria-label="Comments">
      <Show when={comments.target()}>
        {(target) => (
          <div class="comment-new">
            <p class="files-hint">
              {`New comment on ${cellLabel(nb.order().indexOf(target().cellId), target().cellId)}`}
            </p>
            <Show when={target().quote}>
              <blockquote class="comment-quote">{target().quote}</blockquote>
            </Show>
            <Composer
              label="Comment"
              action="Comment"
              autofocus
              onSend={(text) => {
                comments.start(target(), text);
                comments.setTarget(null);
                setShow('open');
              }}
              onCancel={() => comments.setTarget(null)}
            />
          </div>
        )}
      </Show>
      <div class="comment-filter" role="radiogroup" aria-label="Which comments">
        <For each={['open', 'resolved', 'all'] as const}>
          {(v) => (
            <label>
              <input type="radio" name="comment-filter" checked={show() === v} onChange={() => setShow(v)} />
              {v === 'open' ? 'Open' : v === 'resolved' ? 'Resolved' : 'All'}
            </label>
          )}
        </For>
      </div>
      <Show when={groups().length} fallback={<p class="files-hint">{show() === 'resolved' ? 'No resolved comments.' : 'No comments yet. Select a cell (or some of its text) and press “Comment”.'}</p>}>
        <For each={groups()}>
          {(g) => (
            <div class="comment-group">
              <button class="comment-cell-link" disabled={g.index === -1} onClick={() => nb.focusCell(g.cellId, 'command')}>
                {cellLabel(g.index, g.cellId)}
              </button>
              <For each={g.threads}>{(t) => <Thread nb={nb} thread={t} />}</For>
            </div>
          )}
        </For>
      </Show>
    </section>
  );
}
