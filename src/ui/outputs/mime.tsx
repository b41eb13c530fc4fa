/**
 * One MIME bundle, shown as its richest type this UI renders. Everything here is untrusted: HTML goes into a
 * sandboxed frame, SVG into an <img> (scripts in it never run), markdown and LaTeX through DOMPurify.
 */
import { Match, Switch, lazy, type JSX } from 'solid-js';
import { escapeHtml, plainJson, renderMath, stringifyJson } from '../../model';
import { markdownToHtml, sanitizeRichText } from '../sanitize';
import { mathReady } from '../math';
import { AnsiText } from './ansi';
import { HtmlFrame } from './frame';
import { DataResourceOutput } from './DataResourceOutput';
import { ChartView } from './charts/ChartView';
import { isChartMime } from './charts/spec';
import { DATARESOURCE_MIME, pickMime } from './priority';
import { WIDGET_VIEW_MIME } from '../../model';

/** ipywidgets' views: their code loads with the first widget shown. */
const WidgetView = lazy(() => import('../widgets/WidgetView'));

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.join(''); // nbformat on disk may split text into lines
  return stringifyJson(v, 0); // numbers as the file wrote them
}

/** LaTeX output: math between $…$ / $$…$$ (or a bare \begin environment) typeset, the rest as text. */
export function latexToHtml(src: string): string {
  const t = src.trim();
  if (/^\\begin\{/.test(t) && !t.includes('$')) return renderMath(t, true);
  return t
    .split(/(\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\]|\$[^$]+?\$)/)
    .map((part) => {
      if (part.startsWith('$$') || part.startsWith('\\[')) return renderMath(part.slice(2, -2), true);
      if (part.startsWith('$') && part.length > 1) return renderMath(part.slice(1, -1), false);
      return escapeHtml(part);
    })
    .join('');
}

function imageSize(metadata: Record<string, unknown>, mime: string): { width?: string; height?: string } {
  const md = plainJson(metadata[mime] ?? metadata) as Record<string, unknown>; // `400.0` from a file is 400
  const px = (v: unknown) => (typeof v === 'number' || (typeof v === 'string' && /^\d+$/.test(v)) ? `${v}px` : undefined);
  const width = px(md.width);
  const height = px(md.height);
  return { ...(width ? { width } : {}), ...(height ? { height } : {}) };
}

export function MimeView(props: { data: Record<string, unknown>; metadata?: Record<string, unknown> }): JSX.Element {
  const mime = () => pickMime(props.data);
  const text = (m: string) => asText(props.data[m]);
  const md = () => props.metadata ?? {};
  const chart = () => {
    const m = mime();
    return isChartMime(m) ? m : null;
  };
  const markdownHtml = (): string => {
    mathReady(); // as below
    return markdownToHtml(text('text/markdown'));
  };
  const latexHtml = (): string => {
    mathReady(); // re-rendered once KaTeX has loaded: math shows as TeX source until then
    return sanitizeRichText(latexToHtml(text('text/latex')));
  };
  return (
    <Switch fallback={<pre class="anode-plain anode-muted">[output of type {Object.keys(props.data).join(', ') || 'nothing'} cannot be shown]</pre>}>
      <Match when={mime() === WIDGET_VIEW_MIME}>
        <WidgetView data={props.data[WIDGET_VIEW_MIME]} />
      </Match>
      <Match when={chart()}>
        {(m) => <ChartView mime={m()} spec={props.data[m()]} />}
      </Match>
      <Match when={mime() === DATARESOURCE_MIME}>
        <DataResourceOutput data={props.data} />
      </Match>
      <Match when={mime() === 'text/html'}>
        <HtmlFrame html={text('text/html')} />
      </Match>
      <Match when={mime() === 'image/svg+xml'}>
        <img
          class="anode-image"
          alt="SVG output"
          style={imageSize(md(), 'image/svg+xml')}
          src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(text('image/svg+xml'))}`}
        />
      </Match>
      <Match when={mime() === 'image/png' || mime() === 'image/jpeg'}>
        <img
          class="anode-image"
          alt="Image output"
          style={imageSize(md(), mime()!)}
          src={`data:${mime()};base64,${text(mime()!).replace(/\s+/g, '')}`}
        />
      </Match>
      <Match when={mime() === 'text/markdown'}>
        <div class="anode-markdown" innerHTML={markdownHtml()} />
      </Match>
      <Match when={mime() === 'text/latex'}>
        <div class="anode-latex" innerHTML={latexHtml()} />
      </Match>
      <Match when={mime() === 'application/json'}>
        <pre class="anode-json">{stringifyJson(props.data['application/json'], 2)}</pre>
      </Match>
      <Match when={mime() === 'text/plain'}>
        <pre class="anode-plain">
          <AnsiText text={text('text/plain')} />
        </pre>
      </Match>
    </Switch>
  );
}
