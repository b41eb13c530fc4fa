/**
 * The AI part of the Settings dialog: API key, model, base URL. Each field is saved on this device as soon as
 * it is committed (Enter or leaving the field), so the section works inside another form or on its own. The
 * key is never shown again once saved, only its mask.
 */
import { Show, createSignal, createUniqueId, type JSX } from 'solid-js';
import { DEFAULT_MODEL, MODEL_SUGGESTIONS, baseURLProblem, maskApiKey } from '../../ai';
import { aiSettings, forgetKey, saveSettings } from './settingsStore';
import './ai.css';

/** Commits on Enter without submitting a surrounding form twice over. */
function onEnter(commit: () => void): (e: KeyboardEvent) => void {
  return (e) => {
    if (e.key === 'Enter') commit();
  };
}

function ApiKeyField(): JSX.Element {
  const [draft, setDraft] = createSignal('');
  const commit = (): void => {
    if (!draft().trim()) return;
    saveSettings({ apiKey: draft() });
    setDraft('');
  };
  return (
    <div class="ai-field">
      <label>
        API key
        <input
          type="password"
          aria-label="API key"
          autocomplete="off"
          spellcheck={false}
          placeholder={aiSettings().apiKey ? 'Enter a new key to replace the saved one' : 'sk-ant-…'}
          value={draft()}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onChange={commit}
          onKeyDown={onEnter(commit)}
        />
      </label>
      <div class="ai-key-status">
        <span role="status" data-testid="ai-key-status">
          {aiSettings().apiKey ? `Key saved on this device: ${maskApiKey(aiSettings().apiKey)}` : 'No key saved.'}
        </span>
        <Show when={draft().trim()}>
          <button type="button" onClick={commit}>
            Save key
          </button>
        </Show>
        <button type="button" class="danger" aria-label="Forget key" disabled={!aiSettings().apiKey} onClick={() => forgetKey()}>
          Forget key
        </button>
      </div>
    </div>
  );
}

function ModelField(): JSX.Element {
  const listId = createUniqueId();
  const commit = (value: string): void => saveSettings({ model: value });
  return (
    <label>
      Model
      <input
        aria-label="Model"
        list={`ai-models-${listId}`}
        placeholder={DEFAULT_MODEL}
        value={aiSettings().model}
        onChange={(e) => commit(e.currentTarget.value)}
        onKeyDown={(e) => e.key === 'Enter' && commit(e.currentTarget.value)}
      />
      <datalist id={`ai-models-${listId}`}>
        {MODEL_SUGGESTIONS.map((m) => (
          <option value={m} />
        ))}
      </datalist>
    </label>
  );
}

function BaseUrlField(): JSX.Element {
  const [draft, setDraft] = createSignal(aiSettings().baseURL ?? '');
  const problem = (): string | null => baseURLProblem(draft());
  const commit = (): void => {
    if (!problem()) saveSettings({ baseURL: draft() });
  };
  return (
    <>
      <label>
        Base URL
        <input
          aria-label="Base URL"
          placeholder="https://api.anthropic.com"
          spellcheck={false}
          value={draft()}
          aria-invalid={problem() !== null}
          onInput={(e) => setDraft(e.currentTarget.value)}
          onChange={commit}
          onKeyDown={onEnter(commit)}
        />
      </label>
      <Show when={problem()}>
        {(p) => (
          <p class="ai-field-problem" role="alert">
            {p()}
          </p>
        )}
      </Show>
    </>
  );
}

/** The AI part of the Settings dialog: API key, model, base URL. */
export function AiSettingsSection(): JSX.Element {
  return (
    <fieldset class="ai-settings">
      <legend>AI</legend>
      <p class="hint">
        AI cells use your own Anthropic API key. It stays in this browser: never in a notebook, never sent to people you
        share with. Requests go straight from this browser to the API.
      </p>
      <ApiKeyField />
      <ModelField />
      <BaseUrlField />
      <p class="hint">Leave the Base URL blank for Anthropic’s API; set it for a proxy or a compatible endpoint.</p>
    </fieldset>
  );
}
