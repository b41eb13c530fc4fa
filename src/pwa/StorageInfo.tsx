/** Storage usage, quota and persistence, for the Settings dialog. */
import { Show, onMount, type JSX } from 'solid-js';
import { formatBytes, quotaWarning, refreshStorage, requestPersistence, storage } from './storage';
import './pwa.css';

export function StorageInfo(): JSX.Element {
  onMount(() => void refreshStorage());
  const pct = (): string => {
    const s = storage();
    return s && s.quota > 0 ? `${((s.usage / s.quota) * 100).toFixed(s.usage / s.quota < 0.01 ? 2 : 0)}%` : '';
  };
  return (
    <div class="pwa-storage" data-testid="storage-info">
      <Show when={storage()} fallback={<p>This browser does not report storage usage.</p>}>
        {(s) => (
          <>
            <p classList={{ 'pwa-warning-text': quotaWarning() }}>
              {formatBytes(s().usage)} used of {formatBytes(s().quota)} available to this site ({pct()}).
            </p>
            <p>
              <Show
                when={s().persisted}
                fallback={
                  <>
                    The browser may clear notebooks stored here when disk space runs low.{' '}
                    <button type="button" onClick={() => void requestPersistence()}>
                      Keep my data
                    </button>
                  </>
                }
              >
                Storage is persistent: the browser will not clear your notebooks on its own.
              </Show>
            </p>
          </>
        )}
      </Show>
    </div>
  );
}
