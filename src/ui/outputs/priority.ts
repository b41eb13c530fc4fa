/**
 * Which MIME type of a bundle the UI shows: plain data, kept apart from the renderers (./mime.tsx) so that code
 * without a DOM (exports, tests) can ask.
 */
import { CHART_MIMES } from './charts/spec';
import { WIDGET_VIEW_MIME } from '../../model';

export const DATARESOURCE_MIME = 'application/vnd.dataresource+json';

/**
 * Richest first. Types not listed (other application/vnd.*, javascript) are skipped: they need code we do not run.
 * Charts come first: Altair's and plotly.py's bundles also carry HTML that would load the libraries from a CDN.
 */
export const MIME_PRIORITY = [
  WIDGET_VIEW_MIME,
  ...CHART_MIMES,
  DATARESOURCE_MIME,
  'text/html',
  'image/svg+xml',
  'image/png',
  'image/jpeg',
  'text/markdown',
  'text/latex',
  'application/json',
  'text/plain',
] as const;

export type RenderedMime = (typeof MIME_PRIORITY)[number];

/** The MIME type a bundle will be shown as, or null when it has nothing this UI can render. */
export function pickMime(data: Record<string, unknown>): RenderedMime | null {
  return MIME_PRIORITY.find((m) => data[m] !== undefined && data[m] !== null) ?? null;
}
