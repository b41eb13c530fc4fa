import { describe, expect, it } from 'vitest';
import { parseJson } from '../../src/model/ipynb/exact-json';
import { ChartSpecError, PLOTLY_MIME, pickChart, plotlyFigure, vegaLiteSpec } from '../../src/ui/outputs/charts/spec';
import { pickMime } from '../../src/ui/outputs/priority';

describe('chart bundles', () => {
  it('an Altair or plotly.py bundle is shown as its chart, not its HTML or text', () => {
    const altair = { 'application/vnd.vegalite.v5+json': { mark: 'bar' }, 'text/plain': ['alt.Chart(...)'] };
    expect(pickMime(altair)).toBe('application/vnd.vegalite.v5+json');
    const v4 = { 'application/vnd.vegalite.v4+json': { mark: 'bar' }, 'text/html': '<div>cdn script</div>' };
    expect(pickMime(v4)).toBe('application/vnd.vegalite.v4+json');
    const plotly = { [PLOTLY_MIME]: { data: [] }, 'text/html': '<div>cdn script</div>' };
    expect(pickMime(plotly)).toBe(PLOTLY_MIME);
    expect(pickChart({ 'text/html': 'x' })).toBeNull();
  });

  it("a spec's usermeta.embedOptions is dropped (it would override the sandboxing options), other usermeta kept", () => {
    const spec = vegaLiteSpec({ mark: 'point', usermeta: { embedOptions: { ast: false, actions: { editor: true } }, owner: 'me' } });
    expect(spec).toEqual({ mark: 'point', usermeta: { owner: 'me' } });
    expect(vegaLiteSpec({ mark: 'point', usermeta: { embedOptions: {} } })).toEqual({ mark: 'point' });
  });

  it('numbers an imported notebook kept exactly (2.0) reach the renderer as plain numbers', () => {
    const kept = parseJson('{"data": {"values": [{"a": 2.0, "b": 1e-05}]}, "mark": "bar"}');
    expect(vegaLiteSpec(kept)).toEqual({ data: { values: [{ a: 2, b: 0.00001 }] }, mark: 'bar' });
    expect(plotlyFigure(parseJson('{"data": [{"y": [2.0]}]}')).data).toEqual([{ y: [2] }]);
  });

  it('a Plotly figure keeps its traces and layout, gets the app font under its own, and loses its config and frames', () => {
    const fig = plotlyFigure({
      data: [{ type: 'scatter', x: [1], y: [2] }],
      layout: { title: { text: 'T' }, font: { size: 20 } },
      config: { plotlyServerURL: 'https://plot.ly', showLink: true },
      frames: [{ data: [] }],
    });
    expect(fig.data).toEqual([{ type: 'scatter', x: [1], y: [2] }]);
    expect(fig.layout['title']).toEqual({ text: 'T' });
    expect(fig.layout['font']).toMatchObject({ size: 20, family: expect.stringContaining('system-ui') });
    expect(Object.keys(fig)).toEqual(['data', 'layout']);
    expect(plotlyFigure({ data: [], layout: { paper_bgcolor: 'white' } }).layout['paper_bgcolor']).toBe('white');
  });

  it('a bundle that is not a figure says why instead of drawing nothing', () => {
    expect(() => vegaLiteSpec('not a spec')).toThrow(ChartSpecError);
    expect(() => plotlyFigure({ data: 'x' })).toThrow(/no list of traces/);
    expect(() => plotlyFigure([1, 2])).toThrow(/not a JSON object/);
  });
});
