/**
 * HTML from markdown (cells, outputs, AI answers) made safe for the app's own origin: it may come from any peer in
 * the room, a notebook file or a model. DOMPurify removes scripts, event handlers and javascript: URLs; forms and
 * embedded documents go too (a peer could otherwise draw a fake form asking for an API key). Inline styles stay,
 * as Jupyter keeps them (coloured text in teaching notebooks); the containers these fragments go into use paint
 * containment (see styles.css), so no style can lay anything over the rest of the app.
 */
import DOMPurify from 'dompurify';
import { renderMarkdown } from '../model';

const CONFIG = {
  USE_PROFILES: { html: true, svg: true, mathMl: true },
  FORBID_TAGS: ['style', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'object', 'embed', 'base', 'meta', 'link'],
  ADD_ATTR: ['target'],
};

let hooked = false;

/** Links open outside the app, without giving the new page a handle on it. */
function hookLinks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href') && !node.getAttribute('href')!.startsWith('#')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  });
}

export function sanitizeRichText(html: string): string {
  hookLinks();
  return DOMPurify.sanitize(html, CONFIG);
}

/**
 * Markdown (a cell, a markdown output, an AI answer) as Jupyter shows it: raw HTML kept, math typeset, sanitized.
 * `attachments` is a cell's nbformat attachments, for its `attachment:` images.
 */
export function markdownToHtml(source: string, attachments: Record<string, unknown> = {}): string {
  return sanitizeRichText(renderMarkdown(source, attachments, { rawHtml: true }));
}
