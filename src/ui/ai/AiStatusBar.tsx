/**
 * The line under an AI cell's conversation: who is answering (this tab, or a collaborator's browser), the
 * Stop button for a turn running here, "What the AI sees" and "Clear conversation".
 */
import { Show, createSignal, onCleanup, type JSX } from 'solid-js';
import type { AiCellState } from '../../ai';
import type { NotebookSession } from '../session';

/** Whether a peer is connected, re-checked when awareness changes (a vanished peer's turn is not "answering"). */
function usePeerPresent(session: NotebookSession): (client: number) => boolean {
  const awareness = session.presence.awareness;
  const [tick, setTick] = createSignal(0);
  const bump = (): void => void setTick((n) => n + 1);
  awareness.on('change', bump);
  onCleanup(() => awareness.off('change', bump));
  return (client) => (tick(), awareness.getStates().has(client));
}

function statusText(state: AiCellState, mine: boolean, present: boolean): string | null {
  const busy = state.status === 'running' || state.status === 'awaiting_approval';
  if (!busy) return null;
  const who = state.by?.name ?? 'Someone';
  if (!mine && !present) return `${who}’s browser left before this answer finished. Run the cell to ask again.`;
  if (state.status === 'awaiting_approval') return mine ? 'Waiting for your approval…' : `Waiting for ${who} to approve an action…`;
  return mine ? 'Answering…' : `Answering in ${who}’s browser…`;
}

export function AiStatusBar(props: {
  session: NotebookSession;
  state: AiCellState;
  runningHere: boolean;
  canClear: boolean;
  onStop: () => void;
  onPreview: () => void;
  onClear: () => void;
}): JSX.Element {
  const present = usePeerPresent(props.session);
  const text = (): string | null => {
    const by = props.state.by;
    const mine = props.runningHere || (by?.client === props.session.doc.clientID);
    return statusText(props.state, mine, by ? present(by.client) : false);
  };
  return (
    <div class="ai-bar">
      <span class="ai-status" role="status" data-testid="ai-status">
        {text() ?? ''}
      </span>
      <Show when={props.runningHere}>
        <button type="button" class="danger" aria-label="Stop answer" onClick={() => props.onStop()}>
          ■ Stop
        </button>
      </Show>
      <button type="button" aria-label="What the AI sees" title="The exact request this cell sends" onClick={() => props.onPreview()}>
        What the AI sees
      </button>
      <Show when={props.canClear && !props.runningHere}>
        <button type="button" aria-label="Clear conversation" title="Forget this cell’s conversation and clear its answers" onClick={() => props.onClear()}>
          Clear conversation
        </button>
      </Show>
    </div>
  );
}
