/** Online/offline as the browser sees it (navigator.onLine and its events), as a Solid signal. */
import { createSignal } from 'solid-js';

const [online, setOnline] = createSignal(typeof navigator === 'undefined' ? true : navigator.onLine);
export { online };

let started = false;

export function watchNetwork(): void {
  if (started) return;
  started = true;
  window.addEventListener('online', () => setOnline(true));
  window.addEventListener('offline', () => setOnline(false));
}
