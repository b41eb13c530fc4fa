/** A failed turn: what happened and what to do, with a way to the settings when they are the fix. */
import { Show, type JSX } from 'solid-js';

/** Error kinds the user fixes in the AI settings. */
const SETTINGS_KINDS = new Set(['no_key', 'invalid_key', 'bad_settings', 'forbidden', 'not_found', 'billing']);

export interface AiErrorData {
  kind: string;
  title: string;
  message: string;
  retryAfterSeconds?: number;
}

export function ErrorView(props: { error: AiErrorData; onOpenSettings: () => void }): JSX.Element {
  return (
    <div class="ai-error" role="alert" data-testid="ai-error" data-kind={props.error.kind}>
      <p>
        <strong>{props.error.title}.</strong> {props.error.message}
      </p>
      <Show when={SETTINGS_KINDS.has(props.error.kind)}>
        <button type="button" onClick={() => props.onOpenSettings()}>
          Open AI settings
        </button>
      </Show>
    </div>
  );
}
