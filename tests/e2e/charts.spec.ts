/**
 * Interactive chart outputs (src/ui/outputs/charts): Vega-Lite (Altair's MIME types) and Plotly bundles emitted from
 * Python draw as interactive SVG in the cell. Altair and plotly.py are not available offline here, so the bundles
 * are built in the test exactly as those libraries emit them (a `_repr_mimebundle_` returning the spec).
 */
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { exportAs } from './helpers/app';
import { openNotebook, run } from './kernel-helpers';

/** Python that displays `bundle` (a dict of MIME type to JSON, written here as JSON text) the way Altair does. */
function showBundle(bundle: Record<string, unknown>): string {
  return [
    'import json',
    'class Chart:',
    '    def __init__(self, b): self.b = b',
    '    def _repr_mimebundle_(self, include=None, exclude=None): return self.b',
    `display(Chart(json.loads(${JSON.stringify(JSON.stringify(bundle))})))`,
  ].join('\n');
}

const BARS = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  data: { values: [{ fruit: 'apple', n: 3 }, { fruit: 'banana', n: 7 }, { fruit: 'cherry', n: 5 }] },
  mark: 'bar',
  encoding: { x: { field: 'fruit', type: 'nominal' }, y: { field: 'n', type: 'quantitative' }, tooltip: [{ field: 'fruit' }, { field: 'n' }] },
};

const SCATTER = {
  data: [{ type: 'scatter', mode: 'markers', x: [1, 2, 3], y: [10, 30, 20], name: 'trace one' }],
  layout: { title: { text: 'Scatter <a href="https://example.invalid/docs" target="_self">docs</a>' } },
  config: { plotlyServerURL: 'https://plot.ly' },
};

/** Parsing Plotly's 4.6 MB chunk takes a while on a busy 2-core machine (no figure asserted here: see the bench). */
const LOAD_TIMEOUT = 60_000;

/** The chart library chunks the page has requested so far. */
function chartRequests(page: Page): () => string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const m = /assets\/(vega|plotly)-[\w-]+\.js/.exec(r.url());
    if (m) seen.push(m[1]!);
  });
  return () => seen;
}

test.describe('chart outputs', () => {
  test('a Vega-Lite bundle draws a themed bar chart with tooltips; Vega loads only when a chart appears', async ({ page }) => {
    const requested = chartRequests(page);
    await openNotebook(page);
    expect(requested()).toEqual([]);

    const out = await run(page, showBundle({ 'application/vnd.vegalite.v5+json': BARS, 'text/plain': ['alt.Chart(...)'] }));
    const chart = out.locator('.anode-chart[data-chart="vega-lite"]');
    await expect(chart).toHaveAttribute('data-state', 'ready', { timeout: LOAD_TIMEOUT });
    const bars = chart.locator('svg .mark-rect path');
    await expect(bars).toHaveCount(3);
    await expect(out).not.toContainText('alt.Chart(...)');
    expect(requested()).toEqual(['vega']);

    // Themed: the app's font, not Vega's default sans-serif.
    expect(await chart.locator('svg .role-axis-label text').first().getAttribute('font-family')).toContain('system-ui');
    // Interactive: hovering a bar shows its values.
    await bars.nth(1).hover();
    await expect(page.locator('#vg-tooltip-element')).toContainText('banana');
    await expect(page.locator('#vg-tooltip-element')).toContainText('7');
    // The action menu offers image export only: nothing that shows or sends the spec elsewhere.
    await chart.locator('details summary').click();
    await expect(chart.locator('.vega-actions')).toContainText('Save as SVG');
    await expect(chart.locator('.vega-actions')).not.toContainText('Open in Vega Editor');

    // An older Altair's v4 type draws too.
    const v4 = await run(page, showBundle({ 'application/vnd.vegalite.v4+json': { ...BARS, $schema: 'https://vega.github.io/schema/vega-lite/v4.json', mark: 'point' } }));
    await expect(v4.locator('.anode-chart[data-state="ready"] svg .mark-symbol path')).toHaveCount(3);
  });

  test('a spec cannot run script in the app: expressions are interpreted, embed options and javascript: links ignored', async ({ page }) => {
    await openNotebook(page);
    const hostile = {
      ...BARS,
      usermeta: { embedOptions: { ast: false, actions: { editor: true, source: true } } },
      params: [
        { name: 'a', expr: "(1)['constructor']['constructor']('window.__pwned = 1')()" },
        { name: 'b', expr: "toString.constructor('window.__pwned = 2')()" },
      ],
      encoding: { ...BARS.encoding, href: { value: 'javascript:window.__pwned = 3' } },
    };
    const out = await run(page, showBundle({ 'application/vnd.vegalite.v5+json': hostile }));
    const chart = out.locator('.anode-chart[data-chart="vega-lite"]');
    // Either the chart draws with the bad expressions failing harmlessly, or it says it cannot be drawn.
    await expect(chart).toHaveAttribute('data-state', /ready|error/);
    if ((await chart.getAttribute('data-state')) === 'ready') {
      await expect(chart.locator('.vega-actions')).not.toContainText('Open in Vega Editor');
      await chart.locator('svg .mark-rect path').first().click();
    }
    const origin = page.url();
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(page.url()).toBe(origin);
  });

  test('a Plotly bundle draws an interactive chart as wide as the cell; a link in it opens a new tab, never the app', async ({ page, context }) => {
    const requested = chartRequests(page);
    await openNotebook(page);
    const out = await run(page, showBundle({ 'application/vnd.plotly.v1+json': SCATTER, 'text/html': '<div>needs plotly from a CDN</div>' }));
    const chart = out.locator('.anode-chart[data-chart="plotly"]');
    await expect(chart).toHaveAttribute('data-state', 'ready', { timeout: LOAD_TIMEOUT });
    const points = chart.locator('.scatterlayer .point');
    await expect(points).toHaveCount(3);
    expect(requested()).toEqual(['plotly']);
    await expect(chart.locator('.xtick text').first()).toHaveCSS('font-family', /system-ui/);

    // Hover shows the point's values.
    await points.nth(1).hover({ force: true });
    await expect(chart.locator('.hoverlayer .hovertext')).toContainText('30');

    // Sized to the cell, and follows it when the window narrows.
    const width = async () => (await chart.locator('.main-svg').first().boundingBox())!.width;
    const cellWidth = (await out.boundingBox())!.width;
    expect(await width()).toBeLessThanOrEqual(cellWidth);
    expect(await width()).toBeGreaterThan(cellWidth * 0.6);
    const before = await width();
    await page.setViewportSize({ width: 700, height: 800 });
    await expect.poll(width).toBeLessThan(before - 100);

    // The title's link asked for target=_self: it opens in a new tab all the same. (Plotly's drag layer sits over
    // the title, so the click is dispatched on the link itself, as keyboard activation would.)
    await context.route('https://example.invalid/**', (r) => r.fulfill({ contentType: 'text/html', body: '<p>docs</p>' }));
    const app = page.url();
    const popup = context.waitForEvent('page');
    await chart.locator('.gtitle a').dispatchEvent('click');
    const tab = await popup;
    await expect(tab.locator('p')).toHaveText('docs');
    expect(tab.url()).toBe('https://example.invalid/docs');
    expect(await tab.evaluate(() => window.opener)).toBeNull();
    expect(page.url()).toBe(app);
  });

  test('a chart bundle that is not a figure says why', async ({ page }) => {
    await openNotebook(page);
    const out = await run(page, showBundle({ 'application/vnd.plotly.v1+json': { data: 'nope' } }));
    await expect(out.locator('.anode-chart-error')).toContainText('no list of traces');
  });

  test('charts come back on reload; .ipynb export keeps the bundles, the HTML export shows them as pictures', async ({ page }) => {
    await openNotebook(page);
    const code = [
      showBundle({ 'application/vnd.vegalite.v5+json': BARS, 'text/plain': ['alt.Chart(...)'] }),
      showBundle({ 'application/vnd.plotly.v1+json': SCATTER, 'text/html': '<div>needs plotly from a CDN</div>' }),
    ].join('\n');
    const out = await run(page, code);
    await expect(out.locator('.anode-chart[data-state="ready"]')).toHaveCount(2, { timeout: LOAD_TIMEOUT });

    await page.reload();
    const charts = page.locator('.anode-chart');
    await expect(charts.nth(0).locator('svg .mark-rect path')).toHaveCount(3, { timeout: LOAD_TIMEOUT });
    await expect(charts.nth(1).locator('.scatterlayer .point')).toHaveCount(3, { timeout: LOAD_TIMEOUT });

    const nb = JSON.parse((await exportAs(page, 'Export .ipynb')).text) as { cells: Array<{ outputs: Array<{ data: Record<string, unknown> }> }> };
    const [vl, pl] = nb.cells[0]!.outputs;
    expect(vl!.data['application/vnd.vegalite.v5+json']).toEqual(BARS);
    expect(pl!.data['application/vnd.plotly.v1+json']).toEqual(SCATTER);

    const html = (await exportAs(page, 'Export HTML')).text;
    // The pictures replace the bundles' HTML (which would fetch Plotly from a CDN in a frame).
    expect(html.includes('class="html-output"')).toBe(false);
    const view = await page.context().newPage();
    await view.setContent(html);
    const pictures = view.locator('img[alt="chart"]');
    await expect(pictures).toHaveCount(2);
    for (const i of [0, 1]) {
      await expect.poll(() => pictures.nth(i).evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(50);
    }
    expect(decodeURIComponent((await pictures.nth(0).getAttribute('src'))!)).toContain('banana');
    expect(decodeURIComponent((await pictures.nth(1).getAttribute('src'))!)).toContain('Scatter');
  });
});
