/// <reference lib="webworker" />
/**
 * The host worker: the app's side of the kernel sandbox's requests, off the page's main thread (which is busy
 * rendering the app while Python starts). It runs in the app's origin, so its fetches go through the service
 * worker and it can read the stored interpreter snapshot; what it answers is decided by ./host-fetch.ts.
 */
import { serveHost, type HostFetchScope } from './host-fetch';
import { readSnapshot } from './snapshot';

/** One per kernel worker: its host port and what it may fetch. */
export interface HostAssignment {
  port: MessagePort;
  scope: HostFetchScope;
}

self.addEventListener('message', (e: MessageEvent<HostAssignment>) => {
  const { port, scope } = e.data;
  serveHost(port, scope, () => readSnapshot(__PYODIDE_VERSION__));
});
