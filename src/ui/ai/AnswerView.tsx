/**
 * One answer of the model: untrusted markdown rendered sanitized (the app's Markdown component), a cursor
 * while it streams, and an "Insert as code cell" button on each code block.
 */
import { Index, Show, createMemo, type JSX } from 'solid-js';
import { Markdown } from '../Markdown';
import { answerSegments, type AnswerSegment } from './segments';

function CodeSegment(props: { segment: Extract<AnswerSegment, { kind: 'code' }>; onInsert: (code: string) => void }): JSX.Element {
  return (
    <div class="ai-code" data-testid="ai-code-block">
      <div class="ai-code-actions">
        <Show when={props.segment.lang}>
          <span>{props.segment.lang}</span>
        </Show>
        <button type="button" aria-label="Insert as code cell" title="Insert this code as a new cell below" onClick={() => props.onInsert(props.segment.code)}>
          Insert as code cell
        </button>
      </div>
      <Markdown source={props.segment.fenced} />
    </div>
  );
}

function SegmentView(props: { segment: AnswerSegment; onInsert: (code: string) => void }): JSX.Element {
  const code = (): Extract<AnswerSegment, { kind: 'code' }> | false => props.segment.kind === 'code' && props.segment;
  const prose = (): string => (props.segment.kind === 'prose' ? props.segment.markdown : '');
  return (
    <Show when={code()} fallback={<Markdown source={prose()} />}>
      {(c) => <CodeSegment segment={c()} onInsert={props.onInsert} />}
    </Show>
  );
}

export function AnswerView(props: { markdown: string; streaming: boolean; onInsert: (code: string) => void }): JSX.Element {
  const segments = createMemo(() => answerSegments(props.markdown));
  return (
    <div class="ai-answer" data-testid="ai-answer" aria-busy={props.streaming} data-streaming={props.streaming ? 'true' : 'false'}>
      <Index each={segments()}>{(segment) => <SegmentView segment={segment()} onInsert={props.onInsert} />}</Index>
      <Show when={props.streaming}>
        <span class="ai-cursor" aria-hidden="true" data-testid="ai-cursor">
          ▍
        </span>
      </Show>
    </div>
  );
}
