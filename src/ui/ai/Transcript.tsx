/** The conversation of an AI cell, item by item: prompts, answers, tool cards, errors, notices. */
import { Index, Match, Switch, type JSX } from 'solid-js';
import type * as Y from 'yjs';
import type { Output } from '../../model';
import { OutputArea } from '../outputs';
import { AnswerView } from './AnswerView';
import { ErrorView } from './ErrorView';
import { ToolCardView } from './ToolCardView';
import { aiItem, type AiItem } from './items';

export interface TranscriptActions {
  insertCode: (code: string) => void;
  goToCell: (cellId: string) => void;
  openSettings: () => void;
}

function pick<K extends AiItem['kind']>(item: AiItem, kind: K): Extract<AiItem, { kind: K }> | false {
  return item.kind === kind && (item as Extract<AiItem, { kind: K }>);
}

function ItemView(props: { item: AiItem; doc: Y.Doc; cellId: string; order: readonly string[]; actions: TranscriptActions }): JSX.Element {
  return (
    <Switch>
      <Match when={pick(props.item, 'prompt')}>
        {(p) => (
          <div class="ai-prompt" data-testid="ai-prompt">
            <span class="ai-who">You:</span>
            <span class="ai-prompt-text">{p().text}</span>
          </div>
        )}
      </Match>
      <Match when={pick(props.item, 'answer')}>
        {(a) => <AnswerView markdown={a().markdown} streaming={a().streaming} onInsert={props.actions.insertCode} />}
      </Match>
      <Match when={pick(props.item, 'tool')}>{(t) => <ToolCardView card={t().card} order={props.order} onGoToCell={props.actions.goToCell} />}</Match>
      <Match when={pick(props.item, 'error')}>{(e) => <ErrorView error={e().error} onOpenSettings={props.actions.openSettings} />}</Match>
      <Match when={pick(props.item, 'notice')}>
        {(n) => (
          <p class="ai-notice" data-testid="ai-notice">
            {n().text}
          </p>
        )}
      </Match>
      <Match when={pick(props.item, 'other')}>
        {(o) => <OutputArea doc={props.doc} cellId={props.cellId} outputs={[o().output]} run={null} executionCount={null} />}
      </Match>
    </Switch>
  );
}

export function Transcript(props: { outputs: Output[]; doc: Y.Doc; cellId: string; order: readonly string[]; actions: TranscriptActions }): JSX.Element {
  return (
    <div class="ai-transcript" data-testid="ai-transcript">
      <Index each={props.outputs}>{(o) => <ItemView item={aiItem(o())} doc={props.doc} cellId={props.cellId} order={props.order} actions={props.actions} />}</Index>
    </div>
  );
}
