/**
 * What an AI cell shows under its prompt editor: the conversation (prompts, streamed answers, tool cards,
 * errors), who is answering, and the cell's AI actions. A view of the document plus this tab's turn state
 * (src/ui/ai/turns.ts); the only writes are the user's own (insert a code block, clear the conversation).
 */
import * as Y from 'yjs';
import { Show, createSignal, onCleanup, type JSX } from 'solid-js';
import { readAiState, resetAiCell, type AiCellState } from '../../ai';
import { LOCAL, cellOrder, cellOutputs, getCell, insertCell, snapshotCell, type Output } from '../../model';
import { fromY } from '../reactive';
import { Dialog } from '../Dialog';
import type { NotebookController } from '../controller';
import { AiSettingsSection } from './AiSettingsSection';
import { AiStatusBar } from './AiStatusBar';
import { ApprovalDialog } from './ApprovalDialog';
import { RequestPreviewDialog } from './RequestPreviewDialog';
import { Transcript, type TranscriptActions } from './Transcript';
import { aiTurns } from './turns';
import './ai.css';

function useOutputs(cell: Y.Map<unknown>): () => Output[] {
  const arr = cellOutputs(cell);
  return arr ? fromY(arr, () => arr.toArray() as Output[], false) : () => [];
}

function useAiState(doc: Y.Doc, id: string, cell: Y.Map<unknown>): () => AiCellState {
  const md = cell.get('metadata');
  return md instanceof Y.Map ? fromY(md, () => readAiState(doc, id), false) : () => readAiState(doc, id);
}

/** The user's own actions on the transcript: insert a code block below the AI cell, jump to a cell. */
function transcriptActions(nb: NotebookController, id: string, openSettings: () => void): TranscriptActions {
  return {
    insertCode: (code) => {
      const at = cellOrder(nb.doc).indexOf(id);
      const added = insertCell(nb.doc, at === -1 ? undefined : at + 1, { type: 'code', source: code }, LOCAL);
      nb.focusCell(added, 'command');
    },
    goToCell: (cellId) => {
      if (getCell(nb.doc, cellId)) nb.focusCell(cellId, 'command');
    },
    openSettings,
  };
}

/** What an AI cell shows under its prompt editor: the conversation, tool cards, errors. */
export function AiCellBody(props: { nb: NotebookController; id: string; cell: Y.Map<unknown> }): JSX.Element {
  const nb = props.nb;
  const id = props.id;
  const turns = aiTurns(nb);
  const outputs = useOutputs(props.cell);
  const state = useAiState(nb.doc, id, props.cell);
  const [settingsOpen, setSettingsOpen] = createSignal(false);
  const [previewOpen, setPreviewOpen] = createSignal(false);
  const actions = transcriptActions(nb, id, () => setSettingsOpen(true));
  // A deleted AI cell cannot show its approval dialog any more: its turn stops rather than wait forever.
  onCleanup(() => {
    if (!getCell(nb.doc, id)) turns.stop(id);
  });

  return (
    <div class="ai-body" data-testid="ai-body">
      <Transcript outputs={outputs()} doc={nb.doc} cellId={id} order={turns.order()} actions={actions} />
      <Show when={turns.message(id)}>
        {(m) => (
          <div class="ai-message" role="alert">
            {m()}
            <button type="button" class="icon-btn" aria-label="Dismiss" onClick={() => turns.dismissMessage(id)}>
              ×
            </button>
          </div>
        )}
      </Show>
      <AiStatusBar
        session={nb.session}
        state={state()}
        runningHere={turns.running(id)}
        canClear={outputs().length > 0 || state().turns > 0}
        onStop={() => turns.stop(id)}
        onPreview={() => setPreviewOpen(true)}
        onClear={() => {
          turns.dismissMessage(id);
          resetAiCell(nb.doc, id, LOCAL);
        }}
      />
      <Show when={turns.approval(id)}>
        {(a) => (
          <ApprovalDialog
            card={a().card}
            order={turns.order()}
            source={a().card.cellId ? snapshotCell(nb.doc, a().card.cellId!)?.source : undefined}
            decide={(d) => a().decide(d)}
          />
        )}
      </Show>
      <Show when={previewOpen()}>
        <RequestPreviewDialog doc={nb.doc} cellId={id} onClose={() => setPreviewOpen(false)} />
      </Show>
      <Show when={settingsOpen()}>
        <Dialog title="AI settings" onClose={() => setSettingsOpen(false)}>
          <AiSettingsSection />
          <div class="dialog-actions">
            <button type="button" class="primary" onClick={() => setSettingsOpen(false)}>
              Done
            </button>
          </div>
        </Dialog>
      </Show>
    </div>
  );
}
