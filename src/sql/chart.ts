/**
 * A result's quick chart, where it is cheap: an SVG drawn once from the rows the output keeps, behind a "Chart"
 * toggle of the output (the table stays the default view). Bars when a label column and few rows make them
 * readable, lines over the row order otherwise; nothing when the result has no numeric column. Static SVG: it goes
 * into the document with the table (and into .ipynb), so it is small and needs no script to draw.
 */
import { escapeHtml } from '../model';
import type { ResultColumn, SqlResult } from './result';

/** Bars up to this many rows; more would be unreadable slivers, so lines instead. */
export const BAR_ROWS = 60;
/** Numeric columns drawn as lines (a legend names them). */
const MAX_SERIES = 3;
const W = 640;
const H = 240;
const PAD = { left: 56, right: 12, top: 12, bottom: 44 };
const COLORS = ['#2563eb', '#dc2626', '#059669'];

const isNumeric = (c: ResultColumn): boolean => c.kind === 'int' || c.kind === 'float';

function num(c: ResultColumn, i: number): number | null {
  const v = (c.values as ArrayLike<unknown>)[i];
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number(v);
  return null;
}

/** "1.2M", "35k", "0.25": axis labels that fit. */
function short(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${+(n / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(n / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(n / 1e3).toPrecision(3)}k`;
  return String(+n.toPrecision(3));
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The chart's SVG for the first `rows` rows of `result`, or null when there is nothing to chart. */
export function chartSvg(result: SqlResult, rows: number): string | null {
  const numeric = result.columns.filter(isNumeric);
  if (!numeric.length || rows < 1) return null;
  const label = result.columns.find((c) => !isNumeric(c)) ?? null;
  const bars = label !== null && rows <= BAR_ROWS;
  const series = bars ? numeric.slice(0, 1) : numeric.slice(0, MAX_SERIES);
  const values = series.flatMap((c) => Array.from({ length: rows }, (_, i) => num(c, i)).filter((v): v is number => v !== null));
  if (!values.length) return null;
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number): number => PAD.top + plotH - ((v - lo) / span) * plotH;
  const parts: string[] = [];
  // Axis: zero line and the two extremes.
  for (const v of new Set([lo, 0, hi])) {
    parts.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>`);
    parts.push(`<text x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${escapeHtml(short(v))}</text>`);
  }
  if (bars) {
    const c = series[0]!;
    const step = plotW / rows;
    const w = Math.max(1, step * 0.8);
    for (let i = 0; i < rows; i++) {
      const v = num(c, i);
      const x = PAD.left + i * step + (step - w) / 2;
      const name = escapeHtml(cut(String((label!.values as ArrayLike<unknown>)[i] ?? 'NULL'), 40));
      if (v !== null) {
        const top = Math.min(y(v), y(0));
        parts.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${w.toFixed(1)}" height="${Math.abs(y(v) - y(0)).toFixed(1)}" fill="${COLORS[0]}"><title>${name}: ${escapeHtml(String(v))}</title></rect>`);
      }
      if (rows <= 20) parts.push(`<text x="${(x + w / 2).toFixed(1)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${escapeHtml(cut(String((label!.values as ArrayLike<unknown>)[i] ?? 'NULL'), 10))}</text>`);
    }
  } else {
    const x = (i: number): number => PAD.left + (rows === 1 ? plotW / 2 : (i / (rows - 1)) * plotW);
    series.forEach((c, k) => {
      const points: string[] = [];
      for (let i = 0; i < rows; i++) {
        const v = num(c, i);
        if (v !== null) points.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      }
      parts.push(`<polyline fill="none" stroke="${COLORS[k]}" stroke-width="1.5" points="${points.join(' ')}"/>`);
    });
    parts.push(`<text x="${W - PAD.right}" y="${H - PAD.bottom + 14}" text-anchor="end">row ${rows}</text>`);
  }
  const legend = series
    .map((c, k) => `<tspan fill="${COLORS[k]}">■</tspan> ${escapeHtml(cut(c.name, 30))}`)
    .join('   ');
  const about = bars ? `${escapeHtml(series[0]!.name)} by ${escapeHtml(label!.name)}` : `${series.map((c) => escapeHtml(c.name)).join(', ')} by row`;
  parts.push(`<text x="${PAD.left}" y="${H - 8}">${legend}</text>`);
  return `<svg class="sql-chart" role="img" aria-label="Chart: ${about}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" font-size="11" font-family="sans-serif" fill="#374151">${parts.join('')}</svg>`;
}
