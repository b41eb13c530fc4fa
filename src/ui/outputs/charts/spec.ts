/**
 * Chart MIME bundles (Vega-Lite from Altair, Plotly from plotly.py) turned into what the renderers take: plain
 * objects stripped of everything in the spec that could change how the renderer runs, plus the app's theme as
 * defaults the spec itself may override. Pure (no DOM, no chart library), so it is tested in Node and shared by the
 * live view and the HTML export's static images.
 */
import { plainJson } from '../../../model';

export const VEGALITE_MIMES = ['application/vnd.vegalite.v5+json', 'application/vnd.vegalite.v4+json'] as const;
export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';
export const CHART_MIMES = [...VEGALITE_MIMES, PLOTLY_MIME] as const;
export type ChartMime = (typeof CHART_MIMES)[number];

export function isChartMime(mime: string | null | undefined): mime is ChartMime {
  return (CHART_MIMES as readonly string[]).includes(mime ?? '');
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why a bundle cannot be drawn, in words a user can act on; null when it can. */
export class ChartSpecError extends Error {}

/**
 * A Vega-Lite spec as vega-embed may see it. Top-level `usermeta.embedOptions` is dropped: vega-embed merges it
 * over the caller's options, so a spec could otherwise turn off the expression interpreter (`ast`), swap the
 * loader or the action links. The rest of `usermeta` is kept (it is inert metadata).
 */
export function vegaLiteSpec(raw: unknown): Json {
  const spec = plainJson(raw);
  if (!isRecord(spec)) throw new ChartSpecError('This Vega-Lite output is not a JSON object.');
  const { usermeta, ...rest } = spec;
  if (!isRecord(usermeta)) return rest;
  const { embedOptions: _dropped, ...meta } = usermeta;
  return Object.keys(meta).length ? { ...rest, usermeta: meta } : rest;
}

/** The app's look (styles.css) as Vega config: the spec's own `config` wins over it. */
export const VEGA_THEME: Json = {
  background: 'transparent',
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  title: { color: '#1f2937', fontWeight: 600 },
  axis: { labelColor: '#4b5563', titleColor: '#1f2937', gridColor: '#e5e7eb', domainColor: '#9ca3af', tickColor: '#9ca3af' },
  legend: { labelColor: '#4b5563', titleColor: '#1f2937' },
  range: { category: ['#2563eb', '#f59e0b', '#16a34a', '#dc2626', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#6b7280', '#ea580c'] },
};

export interface PlotlyFigure {
  data: unknown[];
  layout: Json;
}

/** Plotly's default height when the figure sets none (plotly.js uses 450 too). */
export const PLOTLY_DEFAULT_HEIGHT = 450;

/**
 * A Plotly figure's traces and layout, with the app's font and background as defaults. The bundle's `config` is
 * ignored on purpose: it carries server URLs and link options (plotly.py writes `plotlyServerURL`), and the
 * renderer's config is the app's choice, not the notebook's. `frames` are dropped: animations are not played.
 */
export function plotlyFigure(raw: unknown): PlotlyFigure {
  const fig = plainJson(raw);
  if (!isRecord(fig)) throw new ChartSpecError('This Plotly output is not a JSON object.');
  const data = fig['data'] ?? [];
  if (!Array.isArray(data)) throw new ChartSpecError('This Plotly output has no list of traces ("data").');
  const given = isRecord(fig['layout']) ? fig['layout'] : {};
  const font = isRecord(given['font']) ? given['font'] : {};
  const layout: Json = {
    paper_bgcolor: 'rgba(0,0,0,0)',
    ...given,
    font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', color: '#1f2937', ...font },
  };
  return { data, layout };
}

/**
 * The renderer's config, fixed by the app: responsive to the cell's width, no links to Plotly's cloud, and links
 * in text (plotly allows `<a href>` in labels, http(s)/mailto only) open in a new tab, never in the app's.
 */
export const PLOTLY_CONFIG: Json = {
  responsive: true,
  displaylogo: false,
  showLink: false,
  showSendToCloud: false,
  showEditInChartStudio: false,
  linkText: '',
  modeBarButtonsToRemove: ['sendDataToCloud'],
};

/** The spec of a bundle's chart entry, or null when it has none. The richest first: v5 over v4 over Plotly. */
export function pickChart(data: Record<string, unknown>): ChartMime | null {
  return CHART_MIMES.find((m) => data[m] !== undefined && data[m] !== null) ?? null;
}
