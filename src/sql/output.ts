/**
 * A result as a notebook output: an HTML table (shown like every HTML output, in a sandboxed frame, where a small
 * script pages through it; a quick chart is one click away when the result has numbers: ./chart.ts) and a
 * plain-text table (what .ipynb readers without HTML, exports and the AI see).
 * What goes into the document is capped ({@link DISPLAY_ROWS} rows, long values cut): the output is for looking;
 * the whole result is in the Python variable.
 */
import { escapeHtml } from '../model';
import { chartSvg } from './chart';
import { displayValue, type SqlResult } from './result';

/** Rows a result's output keeps (the document is loaded whole by every peer: it must stay small). */
export const DISPLAY_ROWS = 500;
/** Rows per page of the output table. */
export const PAGE_ROWS = 50;
/** Characters kept of one value in the output. */
const CELL_CHARS = 200;
/** Rows of the plain-text table. */
const PLAIN_ROWS = 10;

export interface ResultInfo {
  elapsedMs: number;
  /** The Python variable that holds the result, and its type; null when it could not be bound. */
  variable: { name: string; type: string } | null;
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** "3 rows × 2 columns · 12 ms · in _sql (SqlTable)", with the caps said plainly. */
export function summary(result: SqlResult, info: ResultInfo): string {
  const rows = result.truncated ? `more than ${fmt(result.rows)} rows (only the first ${fmt(result.rows)} were read: add LIMIT or aggregate)` : `${fmt(result.rows)} row${result.rows === 1 ? '' : 's'}`;
  const cols = `${result.columns.length} column${result.columns.length === 1 ? '' : 's'}`;
  const ms = info.elapsedMs < 1000 ? `${Math.round(info.elapsedMs)} ms` : `${(info.elapsedMs / 1000).toFixed(1)} s`;
  const shown = result.rows > DISPLAY_ROWS ? ` · showing the first ${fmt(DISPLAY_ROWS)}` : '';
  const variable = info.variable ? ` · in ${info.variable.name} (${info.variable.type})` : '';
  return `${rows} × ${cols}${shown} · ${ms}${variable}`;
}

const PAGER_SCRIPT = `<script>(function(){
var rows=[].slice.call(document.querySelectorAll('table.sql tbody tr'));var size=${PAGE_ROWS},page=0,n=Math.ceil(rows.length/size);
var bar=document.querySelector('.pager');if(n<2){bar.style.display='none';return;}
var pos=bar.querySelector('.pos'),prev=bar.querySelector('.prev'),next=bar.querySelector('.next');
function show(){rows.forEach(function(r,i){r.style.display=i>=page*size&&i<(page+1)*size?'':'none';});
pos.textContent='Rows '+(page*size+1)+'–'+Math.min(rows.length,(page+1)*size)+' of '+rows.length;prev.disabled=page===0;next.disabled=page>=n-1;}
prev.onclick=function(){page--;show();};next.onclick=function(){page++;show();};show();})();</script>`;

/** Switches between the table (with its pager) and the chart; the table is the default. */
const CHART_SCRIPT = `<script>(function(){
var b=document.querySelector('button.view');if(!b)return;var t=document.querySelector('.table-view'),c=document.querySelector('.chart-view');
b.onclick=function(){var chart=c.hidden;c.hidden=!chart;t.hidden=chart;b.textContent=chart?'Table':'Chart';b.setAttribute('aria-pressed',String(chart));};})();</script>`;

const STYLE = `<style>table.sql td.null{color:#9ca3af;font-style:italic}table.sql td.text{text-align:left}
table.sql th small{display:block;font-weight:normal;color:#6b7280}.pager{margin:6px 0;display:flex;gap:8px;align-items:center}
.sql-summary{color:#4b5563;font-size:12px;margin:4px 0}button.view{margin:0 0 6px}</style>`;

function htmlTable(result: SqlResult): string {
  const n = Math.min(result.rows, DISPLAY_ROWS);
  const head = result.columns.map((c) => `<th>${escapeHtml(c.name)}<small>${escapeHtml(c.type)}</small></th>`).join('');
  const body: string[] = [];
  for (let i = 0; i < n; i++) {
    const cells = result.columns.map((c) => {
      const v = displayValue(c, i);
      if (v === null) return '<td class="null">NULL</td>';
      const cls = c.kind === 'int' || c.kind === 'float' ? '' : ' class="text"';
      return `<td${cls}>${escapeHtml(cut(v, CELL_CHARS))}</td>`;
    });
    body.push(`<tr>${cells.join('')}</tr>`);
  }
  return `<table class="sql"><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table>`;
}

function plainTable(result: SqlResult): string {
  const n = Math.min(result.rows, PLAIN_ROWS);
  const head = result.columns.map((c) => c.name);
  const body = Array.from({ length: n }, (_, i) => result.columns.map((c) => cut(displayValue(c, i) ?? 'NULL', 40)));
  const widths = head.map((h, j) => Math.max(h.length, ...body.map((r) => r[j]!.length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padEnd(widths[j]!)).join('  ').trimEnd();
  const more = result.rows > n ? [`… ${fmt(result.rows - n)} more rows`] : [];
  return [line(head), ...body.map(line), ...more].join('\n');
}

/** The output of a successful query: a display_data bundle. */
export function resultBundle(result: SqlResult, info: ResultInfo): { data: Record<string, string>; metadata: Record<string, unknown> } {
  const text = summary(result, info);
  const table = result.columns.length ? htmlTable(result) : '';
  const pager = '<div class="pager"><button class="prev" aria-label="Previous page">‹ Prev</button><span class="pos"></span><button class="next" aria-label="Next page">Next ›</button></div>';
  const chart = result.columns.length ? chartSvg(result, Math.min(result.rows, DISPLAY_ROWS)) : null;
  const html = chart
    ? `${STYLE}<button class="view" aria-pressed="false">Chart</button><div class="table-view">${table}${pager}</div><div class="chart-view" hidden>${chart}</div><p class="sql-summary">${escapeHtml(text)}</p>${PAGER_SCRIPT}${CHART_SCRIPT}`
    : `${STYLE}${table}${pager}<p class="sql-summary">${escapeHtml(text)}</p>${PAGER_SCRIPT}`;
  const plain = result.columns.length ? `${plainTable(result)}\n${text}` : text;
  return { data: { 'text/html': html, 'text/plain': plain }, metadata: {} };
}
