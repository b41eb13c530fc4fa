/**
 * A cell's comment control: "Comment" starts a thread on the cell, or on the text selected in its editor; when
 * the cell has open threads it shows their count, and how many messages this device has not seen.
 */
import { Show, type JSX } from 'solid-js';
import type { NotebookController } from '../controller';
import { sidebarOpen, sidebarPanel, toggleSidebar } from '../sidebar/state';

/**
 * `toolbar`: always there, in the cell's toolbar (shown on hover or selection). `badge`: in the cell's gutter,
 * only while the cell has open threads or unread messages, so a discussion is seen without hovering.
 */
export function CommentButton(props: {
  nb: NotebookController;
  cellId: string;
  variant: 'toolbar' | 'badge';
  selection: () => { from: number; to: number; text: string } | null;
}): JSX.Element {
  const comments = props.nb.comments;
  const open = () => comments.forCell(props.cellId).filter((t) => !t.resolved);
  const unread = () => comments.forCell(props.cellId).reduce((n, t) => n + comments.unread(t), 0);
  const label = () => {
    const n = open().length;
    const u = unread();
    if (!n && !u) return 'Comment on cell';
    return `Comments on cell: ${n} open${u ? `, ${u} unread` : ''}`;
  };
  return (
    <Show when={props.variant === 'toolbar' || open().length > 0 || unread() > 0}>
      <button
        class="icon-btn comment-badge"
        aria-label={label()}
        title="Comment on this cell, or on the text selected in it"
        data-testid={props.variant === 'badge' ? 'comment-badge' : 'comment-button'}
        onClick={() => {
          const sel = props.selection();
          // The badge shows the cell's discussion; the toolbar button starts a new thread.
          if (props.variant === 'toolbar') comments.setTarget({ cellId: props.cellId, ...(sel ? { range: { from: sel.from, to: sel.to }, quote: sel.text.slice(0, 300) } : {}) });
          if (!sidebarOpen() || sidebarPanel() !== 'comments') toggleSidebar('comments');
        }}
      >
        <svg class="comment-icon" viewBox="0 0 16 16" width="13" height="13" aria-hidden="true">
          <path d="M2 2.5h12v8H7l-3.5 3v-3H2z" fill="none" stroke="currentColor" stroke-width="1.4" stroke-linejoin="round" />
        </svg>
        {open().length ? ` ${open().length}` : ''}
        <Show when={unread()}>
          <span class="unread">{unread()}</span>
        </Show>
      </button>
    </Show>
  );
}
