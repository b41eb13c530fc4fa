/**
 * Writing a notebook as one standalone HTML page: sources, rendered markdown and outputs, no external files.
 * The page itself runs no script: every text is escaped, markdown is rendered without raw HTML or with it passed
 * through the caller's sanitizer (its math as MathML, which needs no stylesheet), images are inlined as data URLs,
 * and HTML outputs (which may carry scripts) live in sandboxed iframes via `srcdoc` without `allow-same-origin`, so whatever they run has an opaque origin
 * and cannot reach the page. (The page sets no Content-Security-Policy on purpose: `srcdoc` frames inherit it,
 * and it would stop the scripts that interactive outputs such as Plotly need inside their own sandbox.)
 */
import type * as Y from 'yjs';
import { cellOrder, snapshotCell, type CellSnapshot } from '../cells';
import { readMeta } from '../doc';
import { applyCarriageReturns } from '../outputs';
import { stringifyJson } from './exact-json';
import { isObject } from './json';
import { escapeHtml } from './escape';
import { bundleImage, renderMarkdown } from './markdown-html';

/** Terminal colour codes (IPython tracebacks are full of them) removed: the page shows plain text. */
function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-Z\\-_]/g, '');
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('');
  return stringifyJson(value, 2); // numbers as the notebook wrote them
}

function pre(content: string, cls: string): string {
  return `<pre class="${cls}" dir="auto">${escapeHtml(stripAnsi(content))}</pre>`;
}

/** A rough height for an iframe that cannot measure itself (no script runs in the page); users can resize it. */
function frameHeight(html: string): number {
  const count = (re: RegExp) => (html.match(re) ?? []).length;
  const rows = count(/<tr[\s>]/gi) * 26 + count(/<(br|p|li|h\d)[\s/>]/gi) * 24;
  const lines = rows ? 0 : (count(/\n/g) + 1) * 20; // no markup to go by: plain text lines
  return Math.min(600, Math.max(48, 24 + rows + lines));
}

function htmlFrame(html: string): string {
  const doc = `<!doctype html><html><head><meta charset="utf-8"><style>${FRAME_CSS}</style></head><body>${html}</body></html>`;
  return (
    `<iframe class="html-output" sandbox="allow-scripts" referrerpolicy="no-referrer" loading="lazy" ` +
    `style="height:${frameHeight(html)}px" srcdoc="${escapeHtml(doc)}"></iframe>`
  );
}

/** Markdown source to HTML for the page: the cell's attachments resolve its `attachment:` images. */
type Markdown = (source: string, attachments?: Record<string, unknown>) => string;

/** A chart bundle's picture as SVG text (ExportHtmlOptions.chartImage), or undefined when it has none. */
type ChartImage = (data: Record<string, unknown>) => string | undefined;

/** One MIME bundle, shown the way nbconvert picks: the richest type this page can display. */
function bundleHtml(data: unknown, md: Markdown, chartImage?: ChartImage): string {
  if (!isObject(data)) return '';
  // An interactive chart becomes its static picture, in an <img>: whatever the SVG holds cannot run there.
  const chart = chartImage?.(data);
  if (chart !== undefined) return `<img class="image-output" alt="chart" src="data:image/svg+xml;charset=utf-8,${encodeURIComponent(chart)}">`;
  if (data['text/html'] !== undefined) return htmlFrame(text(data['text/html']));
  if (data['text/markdown'] !== undefined) return `<div class="markdown" dir="auto">${md(text(data['text/markdown']))}</div>`;
  const image = bundleImage(data);
  if (image) return `<img class="image-output" alt="output image" src="${escapeHtml(image)}">`;
  // IPython's Latex() output is TeX between $ signs, which the markdown renderer's math handles.
  if (data['text/latex'] !== undefined) return `<div class="markdown">${md(text(data['text/latex']))}</div>`;
  if (data['application/json'] !== undefined) return pre(stringifyJson(data['application/json'], 2), 'text');
  if (data['text/plain'] !== undefined) return pre(text(data['text/plain']), 'text');
  const types = Object.keys(data).join(', ');
  return types ? `<p class="note">[output of type ${escapeHtml(types)} not shown in this export]</p>` : '';
}

function outputHtml(out: unknown, md: Markdown, chartImage?: ChartImage): string {
  if (!isObject(out)) return '';
  switch (out['output_type']) {
    case 'stream':
      // Shown as a terminal would show it: a progress line rewritten with \r appears once, in its final state.
      return pre(applyCarriageReturns(text(out['text'])), out['name'] === 'stderr' ? 'stream stderr' : 'stream');
    case 'display_data':
    case 'execute_result':
      return bundleHtml(out['data'], md, chartImage);
    case 'error': {
      const tb = Array.isArray(out['traceback']) ? out['traceback'].map(String).join('\n') : '';
      return pre(tb || `${text(out['ename'])}: ${text(out['evalue'])}`, 'error');
    }
    default:
      return '';
  }
}

const LABEL: Record<CellSnapshot['type'], string> = { code: 'In', markdown: '', raw: 'Raw', ai: 'AI', sql: 'SQL' };

function cellHtml(cell: CellSnapshot, md: Markdown, chartImage?: ChartImage): string {
  const id = escapeHtml(cell.id);
  if (cell.type === 'markdown') {
    const body = md(cell.source, cell.attachments ?? {});
    return `<section class="cell markdown" id="cell-${id}" dir="auto">${body}</section>`;
  }
  const count = cell.type === 'raw' ? '' : `[${cell.executionCount ?? ' '}]`;
  const prompt = `<div class="prompt">${escapeHtml(`${LABEL[cell.type]}${count}`)}</div>`;
  const source = `<pre class="source" dir="auto"><code>${escapeHtml(cell.source)}</code></pre>`;
  const outputs = cell.outputs.map((o) => outputHtml(o, md, chartImage)).filter((h) => h !== '');
  const outHtml = outputs.length ? `<div class="outputs">${outputs.join('\n')}</div>` : '';
  return `<section class="cell ${cell.type}" id="cell-${id}">${prompt}${source}${outHtml}</section>`;
}

const FRAME_CSS = 'body{margin:0;font:14px/1.45 system-ui,sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px}';

const PAGE_CSS = `
body{margin:0;background:#fff;color:#1f2937;font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:960px;margin:0 auto;padding:24px 16px}
.cell{margin:0 0 16px}
.prompt{color:#6b7280;font:12px ui-monospace,monospace;margin-bottom:2px}
pre{margin:0;padding:8px 10px;overflow:auto;white-space:pre-wrap;word-break:break-word;font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
.source{background:#f3f4f6;border-radius:4px}
.ai .source{background:#f5f3ff}.sql .source{background:#ecfeff}.raw .source{background:#fafafa;border:1px dashed #d1d5db}
.outputs{border-left:3px solid #e5e7eb;margin-top:4px}
.stderr{background:#fef2f2}.error{background:#fef2f2;color:#991b1b}
.note{color:#6b7280;font-style:italic;margin:4px 10px}
.image-output{max-width:100%;display:block;margin:4px 10px}
.html-output{width:100%;border:0;resize:vertical;overflow:auto;display:block}
.markdown img{max-width:100%}
.markdown table{border-collapse:collapse}.markdown td,.markdown th{border:1px solid #d1d5db;padding:2px 8px}
`;

export interface ExportHtmlOptions {
  /**
   * An HTML sanitizer (DOMPurify in the browser). With it, raw HTML inside markdown is kept, sanitized, as the
   * app shows it; without it (Node), raw HTML is escaped and shown as text.
   */
  sanitize?: (html: string) => string;
  /**
   * The static picture of a chart bundle (Vega-Lite, Plotly), drawn beforehand by the app (src/ui/io/chart-images.ts:
   * drawing needs the chart libraries and a DOM). Without it, or when it returns undefined, the bundle is shown as
   * its next richest type.
   */
  chartImage?: ChartImage;
}

/**
 * The notebook as a standalone HTML page (one string, no external resources needed) showing every cell in
 * order with its source and outputs. Safe to open from anywhere: see the module comment for why no content of
 * the notebook can run script in the page's origin. Math is typeset only once KaTeX has loaded (`loadMath()`,
 * ./math.ts); before that it stays as its TeX source.
 */
export function exportHtml(doc: Y.Doc, opts: ExportHtmlOptions = {}): string {
  const { sanitize, chartImage } = opts;
  const md: Markdown = sanitize
    ? (source, attachments = {}) => sanitize(renderMarkdown(source, attachments, { rawHtml: true }))
    : (source, attachments = {}) => renderMarkdown(source, attachments);
  const title = readMeta(doc)?.title ?? 'Untitled';
  const cells = cellOrder(doc).flatMap((id) => {
    const snap = snapshotCell(doc, id);
    return snap ? [cellHtml(snap, md, chartImage)] : [];
  });
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="Anode">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${PAGE_CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...cells,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
