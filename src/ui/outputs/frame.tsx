/**
 * Untrusted HTML in a sandboxed iframe without allow-same-origin: its scripts run in an opaque origin and can
 * reach neither the app's DOM nor its storage. A small script in the frame reports its height by postMessage so
 * the frame fits its content.
 */
import { onCleanup, onMount, type JSX } from 'solid-js';

const MAX_HEIGHT = 4000;

const RESIZE_SCRIPT = `<script>(function(){
function post(){parent.postMessage({anodeFrameHeight:Math.ceil(document.documentElement.getBoundingClientRect().height)},'*');}
addEventListener('load',post);
document.addEventListener('DOMContentLoaded',function(){post();if(window.ResizeObserver){new ResizeObserver(post).observe(document.documentElement);}});
})();</script>`;

const STYLE = `<style>html,body{margin:0;padding:0;background:transparent}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2937;overflow-x:auto}
table{border-collapse:collapse;font-size:13px}th,td{padding:4px 8px;border-bottom:1px solid #e5e7eb;text-align:right}
thead th{border-bottom:1px solid #9ca3af}tbody tr:nth-child(odd){background:#f9fafb}</style>`;

/** The srcdoc for a piece of HTML: the resize reporter goes in <head>, where broken markup in `html` cannot reach it. */
export function frameDocument(html: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><base target="_blank">${STYLE}${RESIZE_SCRIPT}</head><body>${html}</body></html>`;
}

export function HtmlFrame(props: { html: string; title?: string }): JSX.Element {
  let frame!: HTMLIFrameElement;
  const onMessage = (e: MessageEvent) => {
    if (e.source !== frame.contentWindow) return;
    const h = (e.data as { anodeFrameHeight?: unknown } | null)?.anodeFrameHeight;
    if (typeof h === 'number' && Number.isFinite(h)) frame.style.height = `${Math.min(Math.max(h, 16), MAX_HEIGHT)}px`;
  };
  onMount(() => window.addEventListener('message', onMessage));
  onCleanup(() => window.removeEventListener('message', onMessage));
  return (
    <iframe
      ref={frame}
      class="anode-html-frame"
      sandbox="allow-scripts allow-popups"
      srcdoc={frameDocument(props.html)}
      title={props.title ?? 'HTML output'}
      referrerpolicy="no-referrer"
    />
  );
}
