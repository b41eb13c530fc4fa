/**
 * Vega-Lite charts through vega-embed. Loaded only by a dynamic import (chart.tsx), so Vega costs nothing until a
 * chart is shown. The spec is untrusted notebook data, so:
 * - expressions run in Vega's AST interpreter (`ast: true`), never compiled to JavaScript with `Function`;
 * - the spec's `usermeta.embedOptions` cannot override these options (spec.ts drops it);
 * - links (`href` channels) go through Vega's URL sanitizer (no `javascript:`), open in a new tab without opener;
 * - the action menu only exports images: "View source", "View compiled" and "Open in Vega Editor" (which posts
 *   the spec to another site) are off.
 */
import embed, { vega, type EmbedOptions, type VisualizationSpec } from 'vega-embed';
import { VEGA_THEME, vegaLiteSpec } from './spec';
import type { ChartHandle } from './types';

// `rel` is read by vega-loader (since Vega 5.10) but missing from its typings, hence the variable.
const LINKS = { target: '_blank', rel: 'noopener noreferrer' };
const loader = vega.loader(LINKS);

function options(actions: boolean): EmbedOptions {
  return {
    mode: 'vega-lite',
    ast: true,
    loader,
    renderer: 'svg',
    actions: actions ? { export: true, source: false, compiled: false, editor: false } : false,
    config: VEGA_THEME,
    logLevel: vega.Error,
  };
}

export async function renderVegaLite(el: HTMLElement, raw: unknown): Promise<ChartHandle> {
  const result = await embed(el, vegaLiteSpec(raw) as VisualizationSpec, options(true));
  return { resize: () => void result.view.resize().runAsync(), dispose: () => result.finalize() };
}

/** The chart as a standalone SVG document (for the HTML export), drawn off-screen. */
export async function vegaLiteSvg(raw: unknown): Promise<string> {
  const el = document.createElement('div');
  const result = await embed(el, vegaLiteSpec(raw) as VisualizationSpec, options(false));
  try {
    return await result.view.toSVG();
  } finally {
    result.finalize();
  }
}
