/**
 * The notebook's unread comments on the buttons that open the Comments panel (toolbar and sidebar tab), so a
 * discussion that started elsewhere in a long notebook is noticed. Unread is per device (./unread.ts).
 */
import { Show, type JSX } from 'solid-js';
import type { NotebookController } from '../controller';
import type { SidebarPanel } from '../sidebar/state';
import './comments.css';

/** A panel button's name, with the notebook's unread comments on the Comments one ("Comments, 2 unread"). */
export function panelLabel(nb: NotebookController, panel: SidebarPanel, label: string): string {
  const n = panel === 'comments' ? nb.comments.totalUnread() : 0;
  return n ? `${label}, ${n} unread` : label;
}

/** The count of unread comments, on the Comments buttons only, while there are any. */
export function UnreadBadge(props: { nb: NotebookController; panel: SidebarPanel }): JSX.Element {
  const n = () => (props.panel === 'comments' ? props.nb.comments.totalUnread() : 0);
  return (
    <Show when={n()}>
      <span class="panel-unread" aria-hidden="true">
        {n()}
      </span>
    </Show>
  );
}
