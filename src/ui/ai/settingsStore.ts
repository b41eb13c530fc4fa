/**
 * This device's AI settings as a signal, for views that show them (the settings form, the key's mask).
 * localStorage stays the only copy: the signal is re-read after every save here and on `storage` events
 * from other tabs. It never holds anything the document or a peer could see.
 */
import { createSignal, type Accessor } from 'solid-js';
import { AI_STORAGE_KEYS, forgetApiKey, readAiSettings, saveAiSettings, type AiSettings } from '../../ai';

const [current, setCurrent] = createSignal<AiSettings>(readAiSettings());
const reread = (): void => void setCurrent(readAiSettings());

const ourKeys = new Set<string>(Object.values(AI_STORAGE_KEYS));
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (e) => {
    if (e.key === null || ourKeys.has(e.key)) reread();
  });
}

/** The settings as last saved on this device (reactive). */
export const aiSettings: Accessor<AiSettings> = current;

/** Saves some fields (blank removes them) and updates the signal. */
export function saveSettings(patch: Parameters<typeof saveAiSettings>[0]): void {
  saveAiSettings(patch);
  reread();
}

/** "Forget key": removes the key from this device. */
export function forgetKey(): void {
  forgetApiKey();
  reread();
}
