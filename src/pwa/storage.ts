/**
 * Persistent storage and quota. Notebooks live only in IndexedDB: without `persist()` the browser may evict them
 * under storage pressure, and a full quota makes writes fail. We ask for persistence at load (Chromium grants it
 * silently to engaged or installed sites; Firefox asks), report usage/quota, and warn well before the quota is
 * reached and whenever a write fails with QuotaExceededError.
 */
import { createSignal } from 'solid-js';

export interface StorageState {
  usage: number;
  quota: number;
  persisted: boolean | null;
}

/** Warn from this fraction of the quota: the warning must come while edits can still be saved or exported. */
export const QUOTA_WARN_RATIO = 0.9;
const REFRESH_MS = 60_000;

const [storage, setStorage] = createSignal<StorageState | null>(null);
const [quotaExceeded, setQuotaExceeded] = createSignal(false);
export { storage, quotaExceeded };

/** Usage at or above the warning ratio, or a write already refused. */
export const quotaWarning = (): boolean => {
  const s = storage();
  return quotaExceeded() || (s !== null && s.quota > 0 && s.usage / s.quota >= QUOTA_WARN_RATIO);
};

export async function refreshStorage(): Promise<StorageState | null> {
  const api = navigator.storage;
  if (!api?.estimate) return null;
  const [est, persisted] = await Promise.all([api.estimate(), api.persisted ? api.persisted() : Promise.resolve(null)]);
  const state = { usage: est.usage ?? 0, quota: est.quota ?? 0, persisted };
  setStorage(state);
  return state;
}

/** Asks for persistent storage (idempotent); returns whether data is now persistent. */
export async function requestPersistence(): Promise<boolean> {
  const api = navigator.storage;
  if (!api?.persist) return false;
  const ok = (await api.persisted?.()) || (await api.persist());
  await refreshStorage();
  return ok;
}

/** For code that catches a failed write itself (e.g. persistence): shows the quota warning. */
export function reportQuotaExceeded(): void {
  setQuotaExceeded(true);
  void refreshStorage();
}

export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

let started = false;

export function watchStorage(): void {
  if (started) return;
  started = true;
  void requestPersistence().catch(() => undefined);
  setInterval(() => void refreshStorage().catch(() => undefined), REFRESH_MS);
  // IndexedDB and localStorage writes that fail for quota surface here unless their caller handled them.
  window.addEventListener('unhandledrejection', (e) => isQuotaError(e.reason) && reportQuotaExceeded());
  window.addEventListener('error', (e) => isQuotaError(e.error) && reportQuotaExceeded());
}

export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n < 10 && i > 0 ? n.toFixed(1) : Math.round(n)} ${units[i]}`;
}
