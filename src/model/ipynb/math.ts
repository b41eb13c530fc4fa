/**
 * TeX as MathML, typeset by KaTeX loaded on first use: KaTeX is about a third of the app shell's JavaScript, and
 * most notebooks open without any math. Until it has loaded, math shows as its escaped source; a page re-renders
 * when `mathLoaded` resolves (see ui/math.ts), and the HTML export awaits `loadMath()` first.
 */
import type Katex from 'katex';
import { escapeHtml } from './escape';

let katex: typeof Katex | null = null;
let loading: Promise<void> | null = null;
let markLoaded: () => void = () => {};

/** Resolves once KaTeX is in (never rejects; never resolves if it cannot load). */
export const mathLoaded: Promise<void> = new Promise((resolve) => (markLoaded = resolve));

/** Loads KaTeX; rejects if it cannot (offline before it was ever cached), and a later call tries again. */
export function loadMath(): Promise<void> {
  loading ??= import('katex').then(
    (m) => {
      katex = m.default;
      markLoaded();
    },
    (err: unknown) => {
      loading = null;
      throw err;
    },
  );
  return loading;
}

/**
 * TeX as MathML, which browsers draw without any stylesheet or font files. KaTeX's default `trust: false` keeps
 * `\\href`, `\\url` and `\\includegraphics` out, so math can add no link or request. TeX it cannot parse, and any
 * TeX before KaTeX has loaded (this call starts loading it), is shown as its escaped source.
 */
export function renderMath(tex: string, displayMode: boolean): string {
  const source = escapeHtml(displayMode ? `$$${tex}$$` : `$${tex}$`);
  if (katex === null) {
    // The caller re-renders on `mathLoaded`; a failed load keeps the source, which is still readable.
    loadMath().catch(() => {});
    return `<span class="math-pending">${source}</span>`;
  }
  try {
    return katex.renderToString(tex, { output: 'mathml', displayMode, throwOnError: false, trust: false, strict: 'ignore' });
  } catch {
    return source;
  }
}
