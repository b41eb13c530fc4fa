/**
 * A cell's outputs as Jupyter shapes them: streams, results with their Out[n] prompt, rich displays and
 * errors, plus the input() prompt while Python waits for an answer. Purely a view of the document: the only
 * thing it writes is the user's answer to input(), through the model's replyInput (a getpass() answer never goes
 * into the document: see kernel/secret-input.ts).
 */
import type * as Y from 'yjs';
import type { Awareness } from 'y-protocols/awareness';
import { For, Match, Show, Switch, createSignal, onMount, type JSX } from 'solid-js';
import { LOCAL, replyInput, type ErrorOutput, type Output, type RunRecord } from '../../model';
import { deliverLocal, publishSealed, sealReply } from '../../kernel/secret-input';
import { AnsiText, stripAnsi } from './ansi';
import { MimeView } from './mime';
import { WidgetDocContext } from '../widgets/context';
import './outputs.css';

export interface OutputAreaProps {
  doc: Y.Doc;
  cellId: string;
  outputs: Output[];
  run: RunRecord | null;
  executionCount: number | null;
  /** The notebook's presence: a password answer for another peer's executor is sealed and published there. */
  awareness?: Awareness;
}

/** The model already applied carriage returns; a pending one at the very end only marks an open line. */
function streamText(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}

function errorText(out: ErrorOutput): string {
  const tb = (out.traceback ?? []).join('\n');
  const summary = `${out.ename}: ${out.evalue}`;
  // Imported notebooks may carry tracebacks without the final line: the error's name and message must show.
  if (!tb) return `\x1b[1;31m${out.ename}\x1b[0m: ${out.evalue}`;
  return stripAnsi(tb).includes(out.evalue ? summary : out.ename) ? tb : `${tb}\n\x1b[1;31m${out.ename}\x1b[0m: ${out.evalue}`;
}

export function OutputView(props: { output: Output; executionCount: number | null }): JSX.Element {
  const o = () => props.output;
  return (
    <Switch>
      <Match when={o().output_type === 'stream' && (o() as Extract<Output, { output_type: 'stream' }>)}>
        {(s) => (
          <pre class="anode-output anode-stream" classList={{ 'anode-stderr': s().name === 'stderr' }} data-output-type="stream" data-stream={s().name}>
            <AnsiText text={streamText(s().text)} />
          </pre>
        )}
      </Match>
      <Match when={o().output_type === 'error' && (o() as ErrorOutput)}>
        {(e) => (
          <pre class="anode-output anode-error" data-output-type="error" data-ename={e().ename}>
            <AnsiText text={errorText(e())} />
          </pre>
        )}
      </Match>
      <Match when={o().output_type === 'execute_result' && (o() as Extract<Output, { output_type: 'execute_result' }>)}>
        {(r) => (
          <div class="anode-output anode-result" data-output-type="execute_result">
            <span class="anode-prompt">Out[{r().execution_count ?? props.executionCount ?? ' '}]:</span>
            <div class="anode-result-body">
              <MimeView data={r().data} metadata={r().metadata} />
            </div>
          </div>
        )}
      </Match>
      <Match when={o().output_type === 'display_data' && (o() as Extract<Output, { output_type: 'display_data' }>)}>
        {(d) => (
          <div class="anode-output anode-display" data-output-type="display_data">
            <MimeView data={d().data} metadata={d().metadata} />
          </div>
        )}
      </Match>
    </Switch>
  );
}

interface InputPromptProps {
  doc: Y.Doc;
  runId: string;
  prompt: string;
  password: boolean;
  /** For a password: the executor's public key to seal the answer with. */
  sealKey?: string | undefined;
  awareness?: Awareness | undefined;
}

function InputPrompt(props: InputPromptProps): JSX.Element {
  let input!: HTMLInputElement;
  const [sent, setSent] = createSignal(false);
  const [failed, setFailed] = createSignal<string | null>(null);
  onMount(() => input.focus({ preventScroll: true }));
  const sendSecret = async (text: string): Promise<void> => {
    // The executor is this tab: the answer goes straight to it, in memory.
    if (deliverLocal(props.runId, text)) return;
    if (!props.sealKey || !props.awareness) throw new Error('This password cannot be sent safely (the executor gave no key): ask its user to type it.');
    publishSealed(props.awareness, await sealReply(props.sealKey, props.runId, text));
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (sent()) return;
    setSent(true);
    if (!props.password) {
      replyInput(props.doc, props.runId, input.value, LOCAL);
      return;
    }
    sendSecret(input.value).catch((err: unknown) => {
      setFailed(err instanceof Error ? err.message : String(err));
      setSent(false);
    });
  };
  return (
    <form class="anode-input" onSubmit={submit} data-testid="input-request">
      <label>
        <span class="anode-input-prompt">{props.prompt}</span>
        <input
          ref={input}
          type={props.password ? 'password' : 'text'}
          aria-label={props.prompt.trim() || 'Input'}
          autocomplete="off"
          spellcheck={false}
          disabled={sent()}
          onKeyDown={(e) => e.stopPropagation() /* keep notebook shortcuts (Shift+Enter, a, b, dd) out of the box */}
        />
      </label>
      <Show when={failed()}>{(why) => <p class="anode-input-error" role="alert">{why()}</p>}</Show>
    </form>
  );
}

/** Renders a cell's outputs and, while Python waits in input(), the answer box. */
export function OutputArea(props: OutputAreaProps): JSX.Element {
  return (
    <div class="anode-outputs" data-testid="output-area">
      <WidgetDocContext.Provider value={props.doc}>
        <For each={props.outputs}>{(out) => <OutputView output={out} executionCount={props.executionCount} />}</For>
      </WidgetDocContext.Provider>
      <Show when={props.run?.inputRequest ? props.run : null} keyed>
        {(run) => (
          <InputPrompt
            doc={props.doc}
            runId={run.id}
            prompt={run.inputRequest!.prompt}
            password={run.inputRequest!.password}
            sealKey={run.inputRequest!.key}
            awareness={props.awareness}
          />
        )}
      </Show>
    </div>
  );
}
