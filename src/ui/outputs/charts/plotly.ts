/**
 * Plotly figures through plotly.js (the minified dist). Loaded only by a dynamic import (chart.tsx): 4.7 MB that
 * costs nothing until a Plotly chart is shown. A figure is data, not code: its config is the app's (spec.ts), and
 * text links are limited by plotly.js to http(s)/mailto; chart.tsx also routes every link click to a new tab.
 */
import Plotly from 'plotly.js-dist-min';
import { PLOTLY_CONFIG, PLOTLY_DEFAULT_HEIGHT, plotlyFigure } from './spec';
import type { ChartHandle } from './types';

export async function renderPlotly(el: HTMLElement, raw: unknown): Promise<ChartHandle> {
  const { data, layout } = plotlyFigure(raw);
  // A figure without a height gets Plotly's default; without a width it fills the cell (responsive).
  el.style.height = `${typeof layout['height'] === 'number' ? layout['height'] : PLOTLY_DEFAULT_HEIGHT}px`;
  await Plotly.newPlot(el, data, layout, PLOTLY_CONFIG);
  return { resize: () => void Plotly.Plots.resize(el), dispose: () => Plotly.purge(el) };
}

/** The figure as an SVG document (for the HTML export), drawn in an off-screen element. */
export async function plotlySvg(raw: unknown, width = 800): Promise<string> {
  const { data, layout } = plotlyFigure(raw);
  const el = document.createElement('div');
  el.style.cssText = `position:fixed;left:-10000px;top:0;width:${width}px`;
  document.body.append(el);
  try {
    await Plotly.newPlot(el, data, layout, { ...PLOTLY_CONFIG, responsive: false });
    const url = await Plotly.toImage(el, { format: 'svg' });
    return decodeURIComponent(url.slice(url.indexOf(',') + 1));
  } finally {
    Plotly.purge(el);
    el.remove();
  }
}
