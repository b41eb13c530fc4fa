/**
 * Asks the user about a tool call that changes or runs the notebook: what it does, the diff, and approve,
 * reject, or always allow this tool in this notebook (on this device). Closing the dialog rejects.
 */
import { Show, type JSX } from 'solid-js';
import type { ConfirmDecision, ToolCard } from '../../ai';
import { Dialog } from '../Dialog';
import { DiffView } from './DiffView';
import { withCellNumbers } from './cellLabels';

const TITLE: Record<string, string> = {
  create_cell: 'The AI wants to add a cell',
  modify_cell: 'The AI wants to change a cell',
  delete_cell: 'The AI wants to delete a cell',
  run_cell: 'The AI wants to run a cell',
};

/**
 * `order` turns cell ids into cell numbers; `source` is the current code of the cell a run or delete targets,
 * so the user sees what would run or go.
 */
export function ApprovalDialog(props: {
  card: ToolCard;
  order: readonly string[];
  source?: string | undefined;
  decide: (d: ConfirmDecision) => void;
}): JSX.Element {
  return (
    <Dialog title={TITLE[props.card.name] ?? 'Allow this AI action?'} onClose={() => props.decide('reject')}>
      <p class="ai-approval-summary" data-testid="ai-approval-summary">
        {withCellNumbers(props.card.summary, props.order)}
      </p>
      <Show when={props.card.diff}>{(d) => <DiffView diff={d()} />}</Show>
      <Show when={!props.card.diff && props.source !== undefined}>
        <pre class="ai-diff" data-testid="ai-approval-source">
          {props.source || '(empty cell)'}
        </pre>
      </Show>
      <div class="ai-approval-actions">
        <button type="button" class="danger" onClick={() => props.decide('reject')}>
          Reject
        </button>
        <button type="button" onClick={() => props.decide('always')} title={`Never ask again for ${props.card.name} in this notebook, on this device`}>
          Always allow for this notebook
        </button>
        <button type="button" class="primary" onClick={() => props.decide('approve')}>
          Approve
        </button>
      </div>
    </Dialog>
  );
}
