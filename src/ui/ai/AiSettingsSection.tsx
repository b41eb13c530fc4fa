import type { JSX } from 'solid-js';

/** The AI part of the Settings dialog: API key, model, base URL. */
export function AiSettingsSection(): JSX.Element {
  return null;
}
