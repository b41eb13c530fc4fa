/**
 * Service worker registration and the update flow. Updates never swap code under an open notebook: the new
 * worker waits, `needRefresh` turns on, and only the user's "Reload" activates it (notebooks live in IndexedDB,
 * so the reload loses nothing).
 */
import { createSignal } from 'solid-js';
import { registerSW } from 'virtual:pwa-register';

const [needRefresh, setNeedRefresh] = createSignal(false);
const [offlineReady, setOfflineReady] = createSignal(false);
export { needRefresh, offlineReady, setOfflineReady };

/** How often an open tab asks the host for a new deployment (also on coming back online or to the tab). */
const UPDATE_CHECK_MS = 60 * 60 * 1000;
const COI_RELOAD_KEY = 'anode.coiReload';

let updateSW: ((reloadPage?: boolean) => Promise<void>) | null = null;
let started = false;

/**
 * A host that cannot send COOP/COEP leaves the first page load not cross-origin isolated; the service worker adds
 * the headers to what it serves, so once it controls the tab one reload makes it isolated. Once per tab session
 * at most: a browser that will not isolate (or has no SharedArrayBuffer) must not reload forever.
 */
function reloadOnceForIsolation(): void {
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (window.crossOriginIsolated === true || sessionStorage.getItem(COI_RELOAD_KEY)) return;
    sessionStorage.setItem(COI_RELOAD_KEY, '1');
    location.reload();
  });
}

function scheduleUpdateChecks(reg: ServiceWorkerRegistration): void {
  // An offline check throws: nothing to do, the next one will tell.
  const check = (): void => void reg.update().catch(() => undefined);
  setInterval(check, UPDATE_CHECK_MS);
  window.addEventListener('online', check);
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && check());
}

/** Registers the service worker (once per page). Safe where service workers do not exist (it does nothing). */
export function registerServiceWorker(): void {
  // `vite dev` builds no worker (and one would fight HMR); production builds always have one.
  if (started || import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  started = true;
  reloadOnceForIsolation();
  updateSW = registerSW({
    immediate: true,
    onNeedRefresh: () => setNeedRefresh(true),
    onOfflineReady: () => setOfflineReady(true),
    onRegisteredSW: (_url, reg) => reg && scheduleUpdateChecks(reg),
    onRegisterError: (e: unknown) => console.warn('Anode: the service worker could not be registered', e),
  });
}

/** Activates the waiting version; the page reloads into it when it takes control. */
export async function applyUpdate(): Promise<void> {
  setNeedRefresh(false);
  await updateSW?.(true);
}

/** "Later": hide the banner for this page; the waiting version activates when every tab of the app is closed. */
export function dismissUpdate(): void {
  setNeedRefresh(false);
}

/** This build's identity (for the UI and for tests telling two deployments apart). */
export const BUILD_ID: string = __ANODE_BUILD_ID__;
