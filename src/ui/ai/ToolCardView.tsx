/** A tool call of the model as a card: what it does, its status, the diff it proposes, what it returned. */
import { Show, type JSX } from 'solid-js';
import type { ToolCard, ToolCardStatus } from '../../ai';
import { DiffView } from './DiffView';
import { withCellNumbers } from './cellLabels';

const STATUS_TEXT: Record<ToolCardStatus, string> = {
  awaiting_approval: 'Waiting for approval',
  running: 'Running…',
  done: 'Done',
  error: 'Failed',
  rejected: 'Rejected',
  skipped: 'Not run',
};

const ICON: Record<ToolCardStatus, string> = {
  awaiting_approval: '?',
  running: '…',
  done: '✓',
  error: '!',
  rejected: '✕',
  skipped: '–',
};

export function ToolCardView(props: { card: ToolCard; order: readonly string[]; onGoToCell?: ((cellId: string) => void) | undefined }): JSX.Element {
  const c = () => props.card;
  const summary = (): string => withCellNumbers(c().summary, props.order);
  return (
    <div class="ai-tool" data-testid="ai-tool-card" data-tool={c().name} data-status={c().status} role="group" aria-label={`AI action: ${summary()}`}>
      <div class="ai-tool-head">
        <span aria-hidden="true">{ICON[c().status] ?? '•'}</span>
        <code>{c().name}</code>
        <span class="ai-tool-summary" title={c().summary}>
          {summary()}
        </span>
        <span class="ai-tool-status" data-testid="ai-tool-status">
          {STATUS_TEXT[c().status] ?? c().status}
        </span>
        <Show when={c().cellId && props.onGoToCell}>
          <button type="button" class="icon-btn" onClick={() => props.onGoToCell?.(c().cellId!)}>
            Go to cell
          </button>
        </Show>
      </div>
      <Show when={c().diff}>{(d) => <DiffView diff={d()} />}</Show>
      <Show when={c().result}>
        {(r) => (
          <details open={c().status === 'error'}>
            <summary>{c().name === 'run_cell' ? 'Output the AI received' : 'Result'}</summary>
            <pre>{r()}</pre>
          </details>
        )}
      </Show>
    </div>
  );
}
