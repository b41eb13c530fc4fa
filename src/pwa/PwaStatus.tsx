/**
 * The app-wide PWA strip, rendered once at the top level: offline indicator, "new version" banner, install
 * button, storage warning. Fixed in a corner so it never shifts the notebook.
 */
import { Show, createEffect, createSignal, onCleanup, type JSX } from 'solid-js';
import { online } from './network';
import { BUILD_ID, applyUpdate, dismissUpdate, needRefresh, offlineReady, setOfflineReady } from './register';
import { canInstall, promptInstall } from './install';
import { formatBytes, quotaExceeded, quotaWarning, storage } from './storage';
import './pwa.css';

const BACK_ONLINE_MS = 3000;
const OFFLINE_READY_MS = 6000;

export function PwaStatus(): JSX.Element {
  // "Back online" shows briefly after an offline spell, so the change is noticed both ways.
  const [backOnline, setBackOnline] = createSignal(false);
  let wasOffline = !online();
  createEffect(() => {
    if (!online()) {
      wasOffline = true;
      setBackOnline(false);
    } else if (wasOffline) {
      wasOffline = false;
      setBackOnline(true);
      const t = setTimeout(() => setBackOnline(false), BACK_ONLINE_MS);
      onCleanup(() => clearTimeout(t));
    }
  });
  createEffect(() => {
    if (!offlineReady()) return;
    const t = setTimeout(() => setOfflineReady(false), OFFLINE_READY_MS);
    onCleanup(() => clearTimeout(t));
  });
  return (
    <div class="pwa-status" data-build={BUILD_ID} data-online={online() ? 'true' : 'false'}>
      <Show when={!online()}>
        <div class="pwa-pill pwa-offline" role="status" data-testid="pwa-offline" title="Notebooks and Python keep working; sharing and package downloads wait for the network.">
          Offline
        </div>
      </Show>
      <Show when={online() && backOnline()}>
        <div class="pwa-pill pwa-online" role="status" data-testid="pwa-online">
          Back online
        </div>
      </Show>
      <Show when={offlineReady()}>
        <div class="pwa-pill pwa-online" role="status" data-testid="pwa-offline-ready">
          Ready to work offline
        </div>
      </Show>
      <Show when={needRefresh()}>
        <div class="pwa-banner" role="alert" data-testid="pwa-update">
          <span>A new version is available.</span>
          <button type="button" class="pwa-primary" data-testid="pwa-reload" onClick={() => void applyUpdate()}>
            Reload
          </button>
          <button type="button" onClick={dismissUpdate}>
            Later
          </button>
        </div>
      </Show>
      <Show when={quotaWarning()}>
        <div class="pwa-banner pwa-warning" role="alert" data-testid="pwa-quota">
          <Show
            when={quotaExceeded()}
            fallback={
              <span>
                Storage is almost full ({formatBytes(storage()?.usage ?? 0)} of {formatBytes(storage()?.quota ?? 0)}):
                export or delete notebooks before changes can no longer be saved.
              </span>
            }
          >
            <span>Storage is full: the last changes may not have been saved. Export your notebooks, then free space.</span>
          </Show>
        </div>
      </Show>
      <Show when={canInstall()}>
        <button type="button" class="pwa-pill pwa-install" data-testid="pwa-install" onClick={() => void promptInstall()}>
          Install app
        </button>
      </Show>
    </div>
  );
}
