/**
 * Asks, once per room, before another peer's code first runs in this browser, and says so when this device
 * declined (with a way back). The decision itself lives in src/sync/consent.ts.
 */
import { Show, createSignal, onCleanup, type JSX } from 'solid-js';
import type { ConsentQuestion, ExecutionConsent, RoomConsent } from '../sync';
import { Dialog } from './Dialog';
import type { NotebookSession } from './session';

export function ConsentPrompt(props: { session: NotebookSession }): JSX.Element {
  const [consent, setConsent] = createSignal<ExecutionConsent | null>(props.session.consent);
  const [question, setQuestion] = createSignal<ConsentQuestion | null>(null);
  const [answer, setAnswer] = createSignal<RoomConsent | null>(null);
  let off: (() => void) | null = null;
  const follow = (c: ExecutionConsent | null): void => {
    off?.();
    setConsent(c);
    const read = (): void => {
      setQuestion(c?.pending() ?? null);
      setAnswer(c?.current() ?? null);
    };
    off = c ? c.onChange(read) : null;
    read();
  };
  follow(props.session.consent);
  const offSession = props.session.onConsent(follow);
  onCleanup(() => {
    off?.();
    offSession();
  });

  /** The host of the Jupyter server this tab's kernel runs on, if it does: others' code runs there unsandboxed. */
  const onServer = (): string | null => props.session.kernel.getStatus().where?.host ?? null;

  return (
    <>
      <Show when={answer() === 'deny'}>
        <span class="consent-note" data-testid="consent-declined">
          Others’ code does not run in your browser here.{' '}
          <button class="link-btn" onClick={() => consent()?.decide(null)}>
            Ask me again
          </button>
        </span>
      </Show>
      <Show when={question()}>
        {(q) => (
          <Dialog title={`Run code from ${q().asker} ${onServer() ? `on your Jupyter server (${onServer()})` : 'in your browser'}?`} onClose={() => consent()?.decide('deny')}>
            <Show
              when={onServer()}
              fallback={
                <p data-testid="consent-question">
                  {q().asker} asked to run code in this notebook, and your browser is the one that runs the room’s code. It
                  runs sandboxed: it cannot reach your other notebooks, your settings or your API key, but it can use this
                  notebook’s files and the network from your machine.
                </p>
              }
            >
              <p data-testid="consent-question">
                {q().asker} asked to run code in this notebook, and this notebook’s kernel runs on your Jupyter server at {onServer()}: there the
                code is not sandboxed and can do whatever that server’s user can.
              </p>
            </Show>
            <p class="muted">Your answer is remembered for this room. “Run code for others” in Settings turns this off everywhere.</p>
            <div class="dialog-actions">
              <button onClick={() => consent()?.decide('deny')}>Don’t run</button>
              <button class="primary" onClick={() => consent()?.decide('allow')}>
                Run code from others
              </button>
            </div>
          </Dialog>
        )}
      </Show>
    </>
  );
}
