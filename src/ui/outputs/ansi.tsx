/** Terminal text with ANSI colours, built as DOM nodes (never innerHTML): stream, error and text/plain outputs. */
import Anser from 'anser';
import { For, Show, type JSX } from 'solid-js';

interface Span {
  text: string;
  class: string;
}

function spans(text: string): Span[] {
  return Anser.ansiToJson(text, { use_classes: true, remove_empty: true }).map((e) => {
    const cls: string[] = [];
    if (e.fg) cls.push(`${e.fg}-fg`);
    if (e.bg) cls.push(`${e.bg}-bg`);
    for (const d of e.decorations ?? []) cls.push(`ansi-${d}`);
    return { text: e.content, class: cls.join(' ') };
  });
}

/** Renders `text`; plain text (the common case, and huge print loops) skips the ANSI parser entirely. */
export function AnsiText(props: { text: string }): JSX.Element {
  const hasAnsi = () => props.text.includes('\x1b[');
  return (
    <Show when={hasAnsi()} fallback={props.text}>
      <For each={spans(props.text)}>{(s) => (s.class ? <span class={s.class}>{s.text}</span> : s.text)}</For>
    </Show>
  );
}

/** Text without its escape codes: what a user reads (and what tests and search see). */
export function stripAnsi(text: string): string {
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}
