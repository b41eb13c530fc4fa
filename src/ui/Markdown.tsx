/**
 * A rendered markdown cell (or AI answer). Raw HTML in the markdown is kept, as Jupyter shows it, and everything
 * is sanitized, because the source may come from any peer in the room.
 */
import { createMemo, type JSX } from 'solid-js';
import { mathReady } from './math';
import { markdownToHtml } from './sanitize';

export function Markdown(props: { source: string; attachments?: Record<string, unknown>; onEdit?: () => void }): JSX.Element {
  const html = createMemo(() => {
    mathReady(); // re-rendered once KaTeX has loaded: math shows as TeX source until then
    return markdownToHtml(props.source, props.attachments ?? {});
  });
  return (
    <div
      class="markdown-rendered"
      data-testid="markdown-rendered"
      onDblClick={() => props.onEdit?.()}
      // eslint-disable-next-line solid/no-innerhtml -- sanitized above (ui/sanitize.ts)
      innerHTML={html() || '<p class="markdown-empty">Empty markdown cell: double-click to edit</p>'}
    />
  );
}
