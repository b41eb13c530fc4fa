/**
 * Markdown to HTML that is safe to place in a page's own origin: raw HTML in the markdown is shown as text (or kept,
 * for a caller that sanitizes: `rawHtml`), link
 * targets are limited to http(s), mailto and relative URLs, images to those plus data:image URLs, and
 * `attachment:name` images resolve to the cell's attachments as data URIs. `$...$` and `$$...$$` math is typeset
 * by `renderMath` (./math.ts).
 */
import { Marked, type TokenizerAndRendererExtension, type Tokens } from 'marked';
import { escapeHtml } from './escape';
import { isObject } from './json';
import { renderMath } from './math';

/** A URL as the browser will read it (control characters and spaces removed), and its scheme if any. */
function normalized(url: string): { url: string; scheme: string | null } {
  // Browsers drop these inside a scheme ("java\tscript:"), so the check must see what the browser sees.
  const clean = url.replace(/[\u0000-\u0020\u007f]/g, '');
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(clean);
  return { url: clean, scheme: m ? m[1]!.toLowerCase() : null };
}

function safeLink(href: string): string | null {
  const { url, scheme } = normalized(href);
  return scheme === null || scheme === 'http' || scheme === 'https' || scheme === 'mailto' ? url : null;
}

const IMAGE_MIMES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/svg+xml'];

/** A data: URL for image data as nbformat stores it (base64 for bitmaps, text for SVG), or null if malformed. */
export function imageDataUrl(mime: string, value: unknown): string | null {
  const text = Array.isArray(value) ? value.join('') : value;
  if (typeof text !== 'string') return null;
  if (mime === 'image/svg+xml') return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
  const b64 = text.replace(/\s+/g, '');
  return /^[A-Za-z0-9+/]*={0,2}$/.test(b64) ? `data:${mime};base64,${b64}` : null;
}

/** The first image MIME type of a bundle as a data URL. */
export function bundleImage(bundle: unknown): string | null {
  if (!isObject(bundle)) return null;
  for (const mime of IMAGE_MIMES) {
    if (bundle[mime] !== undefined) return imageDataUrl(mime, bundle[mime]);
  }
  return null;
}

/**
 * The data URL of the image a markdown `attachment:name` link points to, from a cell's attachments (the value of
 * its `metadata.attachments`); null when the link is not an attachment link, the name is unknown, or the
 * attachment holds no displayable image. The name may be percent-encoded, as Jupyter writes names with spaces.
 */
export function attachmentUrl(attachments: unknown, href: string): string | null {
  if (!href.startsWith('attachment:') || !isObject(attachments)) return null;
  const name = attachmentLinkName(href);
  return Object.hasOwn(attachments, name) ? bundleImage(attachments[name]) : null;
}

/** The attachment name an `attachment:` link points to. */
function attachmentLinkName(href: string): string {
  const name = href.slice('attachment:'.length);
  try {
    return decodeURIComponent(name);
  } catch {
    return name; // A literal '%' in the name: use it as written.
  }
}

/**
 * What shows where an `attachment:` image cannot: a visible box naming the missing file, so a reader sees that
 * something is missing (a peer removed it, or the file came without it) rather than nothing at all.
 */
function missingAttachment(href: string): string {
  const label = `Missing attachment: ${attachmentLinkName(href)}`;
  return `<span class="attachment-missing" role="img" aria-label="${escapeHtml(label)}" title="${escapeHtml(label)}">${escapeHtml(label)}</span>`;
}

function safeImage(href: string, attachments: Record<string, unknown>): string | null {
  if (href.startsWith('attachment:')) return attachmentUrl(attachments, href);
  const { url, scheme } = normalized(href);
  if (scheme === 'data') return /^data:image\/(png|jpe?g|gif|webp|svg\+xml)[;,]/i.test(url) ? url : null;
  return scheme === null || scheme === 'http' || scheme === 'https' ? url : null;
}

/**
 * Raw `<img src="attachment:name">` tags (how Jupyter users size an attached image) pointed at the attachment's
 * data URL; an unknown name is left as written, which the sanitizer then drops. Only for raw HTML that will be
 * sanitized: the data URL is an image type's, so it cannot carry script.
 */
function withAttachmentSources(html: string, attachments: Record<string, unknown>): string {
  return html.replace(/(<img\b[^>]*?\bsrc\s*=\s*)(["'])(attachment:[^"']*)\2/gi, (whole, before: string, quote: string, href: string) => {
    const url = attachmentUrl(attachments, href);
    return url === null ? whole : `${before}${quote}${escapeHtml(url)}${quote}`;
  });
}

/** `$$ display $$` blocks and `$inline$` spans, with pandoc's rule that keeps prices ("$5 and $10") as text. */
const MATH: TokenizerAndRendererExtension[] = [
  {
    name: 'blockMath',
    level: 'block',
    start: (src) => src.indexOf('$$'),
    tokenizer(src) {
      const m = /^ {0,3}\$\$([^]+?)\$\$[ \t]*(?:\n|$)/.exec(src);
      return m ? { type: 'blockMath', raw: m[0], text: m[1]!.trim() } : undefined;
    },
    renderer: (token) => `<div class="math">${renderMath(String(token['text']), true)}</div>\n`,
  },
  {
    name: 'inlineMath',
    level: 'inline',
    start: (src) => src.indexOf('$'),
    tokenizer(src) {
      const m = /^\$\$([^]+?)\$\$/.exec(src) ?? /^\$(?![\s$])((?:\\.|[^\\$\n])+?)(?<!\s)\$(?!\d)/.exec(src);
      return m ? { type: 'inlineMath', raw: m[0], text: m[1]!, display: m[0].startsWith('$$') } : undefined;
    },
    renderer: (token) => renderMath(String(token['text']), token['display'] === true),
  },
];

export interface MarkdownOptions {
  /**
   * Keep raw HTML in the markdown (`<br>`, `<img width=…>`, `<details>`, coloured spans), as Jupyter renders it.
   * The result is then NOT safe by itself: the caller must sanitize it (the browser has DOMPurify; see
   * ui/sanitize.ts). Default: raw HTML is escaped and shown as text, which is safe anywhere.
   */
  rawHtml?: boolean;
}

/**
 * Markdown source rendered to HTML, safe unless `opts.rawHtml`; `attachments` is the cell's nbformat
 * attachments ({ name: bundle }).
 */
export function renderMarkdown(source: string, attachments: Record<string, unknown> = {}, opts: MarkdownOptions = {}): string {
  const marked = new Marked({
    async: false,
    gfm: true,
    extensions: MATH,
    renderer: {
      html(token: Tokens.HTML | Tokens.Tag) {
        return opts.rawHtml ? withAttachmentSources(token.text, attachments) : escapeHtml(token.text);
      },
      link(token: Tokens.Link) {
        const inner = this.parser.parseInline(token.tokens);
        const href = safeLink(token.href);
        if (href === null) return inner;
        const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
        return `<a href="${escapeHtml(href)}"${title} rel="noopener noreferrer nofollow">${inner}</a>`;
      },
      image(token: Tokens.Image) {
        const src = safeImage(token.href, attachments);
        if (src === null) return token.href.startsWith('attachment:') ? missingAttachment(token.href) : escapeHtml(token.text);
        const title = token.title ? ` title="${escapeHtml(token.title)}"` : '';
        return `<img src="${escapeHtml(src)}" alt="${escapeHtml(token.text)}"${title}>`;
      },
    },
  });
  return marked.parse(source, { async: false });
}
