/**
 * An interactive chart output (Vega-Lite or Plotly). The chart libraries are built into the app, so they draw in
 * the app's own DOM (hover, zoom, tooltips need it), but they are loaded only here, by dynamic import, the first
 * time such an output is shown; the service worker keeps their chunks for offline use after that (src/pwa/sw.ts).
 * What the spec says is untrusted: see vega.ts and plotly.ts for what each renderer refuses to let it do.
 */
import { createEffect, createSignal, on, onCleanup, Show, type JSX } from 'solid-js';
import { ChartSpecError, PLOTLY_MIME, plotlyFigure, vegaLiteSpec, type ChartMime } from './spec';
import type { ChartHandle } from './types';

type Renderer = (el: HTMLElement, spec: unknown) => Promise<ChartHandle>;

// Two statements, not one ternary: Vite would merge both imports' preload lists, fetching Vega for a Plotly chart.
async function load(mime: ChartMime): Promise<Renderer> {
  if (mime === PLOTLY_MIME) return (await import('./plotly')).renderPlotly;
  return (await import('./vega')).renderVegaLite;
}

const SAFE_LINK = /^(https?:|mailto:)/i;

/**
 * Every link click inside a chart opens a new tab without access to the app (or nothing, for another scheme),
 * whatever target the spec gave it: caught before the link (or anything the library attached to it) sees it.
 */
function guardLinks(e: MouseEvent): void {
  const link = (e.target as Element | null)?.closest?.('a');
  if (!link) return;
  e.preventDefault();
  e.stopPropagation();
  const href = link.getAttribute('href') ?? link.getAttribute('xlink:href') ?? '';
  if (SAFE_LINK.test(href.trim())) window.open(href, '_blank', 'noopener,noreferrer');
}

export function ChartView(props: { mime: ChartMime; spec: unknown }): JSX.Element {
  let host!: HTMLDivElement;
  const [state, setState] = createSignal<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = createSignal('');
  let handle: ChartHandle | null = null;
  let generation = 0;

  const dispose = () => {
    handle?.dispose();
    handle = null;
  };

  createEffect(
    on([() => props.mime, () => props.spec], ([mime, spec]) => {
      const mine = ++generation;
      setState('loading');
      void (async () => {
        try {
          // A spec that is no figure says so at once, without loading a chart library (Plotly's is 4.6 MB) for nothing.
          if (mime === PLOTLY_MIME) plotlyFigure(spec);
          else vegaLiteSpec(spec);
          const render = await load(mime);
          if (mine !== generation) return;
          dispose();
          host.replaceChildren();
          const h = await render(host, spec);
          if (mine !== generation) return h.dispose();
          handle = h;
          setState('ready');
        } catch (e) {
          if (mine !== generation) return;
          const why = e instanceof ChartSpecError ? e.message : `The chart could not be drawn: ${e instanceof Error ? e.message : String(e)}`;
          setError(why);
          setState('error');
        }
      })();
    }),
  );

  // The cell's width changes with the window and the sidebars: the chart follows (once per frame at most). Only
  // width counts: the chart's own drawing changes the height.
  let frame = 0;
  let width = -1;
  const observer = new ResizeObserver(([entry]) => {
    const w = Math.round(entry?.contentRect.width ?? 0);
    if (w === width) return;
    width = w;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => handle?.resize());
  });
  const observe = (el: HTMLDivElement) => {
    host = el;
    observer.observe(el);
    // Capture phase: before the chart's own handlers (and any `onclick` a library put on a link).
    el.addEventListener('click', guardLinks, true);
  };
  onCleanup(() => {
    generation++;
    observer.disconnect();
    cancelAnimationFrame(frame);
    dispose();
  });

  return (
    <div class="anode-chart" data-chart={props.mime === PLOTLY_MIME ? 'plotly' : 'vega-lite'} data-state={state()}>
      <Show when={state() === 'loading'}>
        <div class="anode-muted anode-chart-note">Loading chart…</div>
      </Show>
      <Show when={state() === 'error'}>
        <div class="anode-chart-note anode-chart-error" role="alert">{error()}</div>
      </Show>
      <div ref={observe} class="anode-chart-host" />
    </div>
  );
}
