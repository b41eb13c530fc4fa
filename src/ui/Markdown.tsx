/**
 * A rendered markdown cell. The renderer escapes raw HTML and limits URLs; DOMPurify is a second line of
 * defence, because the source may come from any peer in the room.
 */
import DOMPurify from 'dompurify';
import { createMemo, type JSX } from 'solid-js';
import { renderMarkdown } from '../model';
import { mathReady } from './math';

export function Markdown(props: { source: string; attachments?: Record<string, unknown>; onEdit?: () => void }): JSX.Element {
  const html = createMemo(() => {
    mathReady(); // re-rendered once KaTeX has loaded: math shows as TeX source until then
    return DOMPurify.sanitize(renderMarkdown(props.source, props.attachments ?? {}), { ADD_ATTR: ['target'] });
  });
  return (
    <div
      class="markdown-rendered"
      data-testid="markdown-rendered"
      onDblClick={() => props.onEdit?.()}
      // eslint-disable-next-line solid/no-innerhtml -- sanitized above (escaped renderer + DOMPurify)
      innerHTML={html() || '<p class="markdown-empty">Empty markdown cell: double-click to edit</p>'}
    />
  );
}
