/**
 * Static pictures of a notebook's charts for the HTML export, which runs no script: every Vega-Lite and Plotly
 * bundle in the outputs is drawn off-screen once (the chart libraries load here if no chart was shown yet) and kept
 * as SVG text, keyed by the spec's text. A chart that cannot be drawn simply has no picture: the export then shows
 * the bundle's next richest type.
 */
import type * as Y from 'yjs';
import { cellOrder, snapshotCell, stringifyJson } from '../../model';
import { pickChart, PLOTLY_MIME, type ChartMime } from '../outputs/charts/spec';

async function draw(mime: ChartMime, spec: unknown): Promise<string> {
  if (mime === PLOTLY_MIME) return (await import('../outputs/charts/plotly')).plotlySvg(spec);
  return (await import('../outputs/charts/vega')).vegaLiteSvg(spec);
}

const key = (mime: string, spec: unknown): string => `${mime}\n${stringifyJson(spec, 0)}`;

/** Draws every chart in `doc`; returns the lookup ExportHtmlOptions.chartImage takes. */
export async function drawChartImages(doc: Y.Doc): Promise<(data: Record<string, unknown>) => string | undefined> {
  const images = new Map<string, string>();
  for (const id of cellOrder(doc)) {
    for (const out of snapshotCell(doc, id)?.outputs ?? []) {
      if (out.output_type !== 'display_data' && out.output_type !== 'execute_result') continue;
      const mime = pickChart(out.data);
      if (!mime) continue;
      const k = key(mime, out.data[mime]);
      if (images.has(k)) continue;
      const svg = await draw(mime, out.data[mime]).catch(() => null);
      if (svg !== null) images.set(k, svg);
    }
  }
  return (data) => {
    const mime = pickChart(data);
    return mime ? images.get(key(mime, data[mime])) : undefined;
  };
}
