/**
 * The install prompt. Chromium fires `beforeinstallprompt` when the install criteria are met; we keep the event
 * and offer an "Install app" button instead of the browser's mini-infobar. Other browsers never fire it, and then
 * no button shows (their own menu installs).
 */
import { createSignal } from 'solid-js';

/** Not in TypeScript's DOM lib (Chromium-only). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

const [installEvent, setInstallEvent] = createSignal<BeforeInstallPromptEvent | null>(null);
const [installed, setInstalled] = createSignal(false);

export const canInstall = (): boolean => installEvent() !== null && !installed();
export { installed };

let started = false;

export function watchInstall(): void {
  if (started) return;
  started = true;
  if (window.matchMedia?.('(display-mode: standalone)').matches) setInstalled(true);
  window.addEventListener('beforeinstallprompt', (e) => {
    e.preventDefault();
    setInstallEvent(e as BeforeInstallPromptEvent);
  });
  window.addEventListener('appinstalled', () => {
    setInstalled(true);
    setInstallEvent(null);
  });
}

/** Shows the browser's install dialog; the event can be used once, so it is dropped either way. */
export async function promptInstall(): Promise<boolean> {
  const e = installEvent();
  if (!e) return false;
  setInstallEvent(null);
  await e.prompt();
  return (await e.userChoice).outcome === 'accepted';
}
