/**
 * The installable, offline-first shell: service worker registration and update flow, online/offline, install
 * prompt, persistent storage and quota. `startPwa()` once from main.tsx; `<PwaStatus />` once at the app's top
 * level; `<StorageInfo />` in Settings.
 */
import { registerServiceWorker } from './register';
import { mountPwaStatus } from './mount';
import { watchNetwork } from './network';
import { watchInstall } from './install';
import { watchStorage } from './storage';

export { PwaStatus } from './PwaStatus';
export { StorageInfo } from './StorageInfo';
export { BUILD_ID, applyUpdate, needRefresh, offlineReady } from './register';
export { online } from './network';
export { canInstall, promptInstall } from './install';
export {
  formatBytes,
  isQuotaError,
  quotaWarning,
  refreshStorage,
  reportQuotaExceeded,
  requestPersistence,
  storage,
  type StorageState,
} from './storage';

/** Everything the page needs at load; safe to call more than once. */
export function startPwa(): void {
  watchNetwork();
  watchInstall();
  watchStorage();
  registerServiceWorker();
  mountPwaStatus();
}
