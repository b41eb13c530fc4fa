/** A line diff as the AI tools write it (`+added`, `-removed`, ` kept`, `…` between hunks), coloured. */
import { For, type JSX } from 'solid-js';

function lineClass(line: string): string {
  if (line.startsWith('+')) return 'ai-diff-add';
  if (line.startsWith('-')) return 'ai-diff-del';
  return 'ai-diff-ctx';
}

export function DiffView(props: { diff: string }): JSX.Element {
  return (
    <pre class="ai-diff" data-testid="ai-diff">
      <For each={props.diff.split('\n')}>{(line) => <span class={lineClass(line)}>{line || ' '}</span>}</For>
    </pre>
  );
}
