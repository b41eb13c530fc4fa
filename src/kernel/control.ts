/**
 * Interrupt and restart requests that peers write into the document (the Stop and Restart buttons of a peer who
 * does not execute): the executor carries them out. The browser tab (src/ui/session.ts) and the runtime agent
 * (src/runtime) follow them the same way.
 */
import type * as Y from 'yjs';
import { kernelMap, readKernelControl } from '../model';

/**
 * Calls `act` for every new request while `acting()` says this peer executes; a request seen before (or written
 * while another peer executed) is never carried out again. Returns the unsubscribe function.
 */
export function followKernelControl(doc: Y.Doc, acting: () => boolean, act: (action: 'interrupt' | 'restart') => void): () => void {
  const seen = new Set<string>([readKernelControl(doc)?.id ?? '']);
  const map = kernelMap(doc);
  const onChange = (): void => {
    const c = readKernelControl(doc);
    if (!c || seen.has(c.id)) return;
    seen.add(c.id);
    if (acting()) act(c.action);
  };
  map.observe(onChange);
  return () => map.unobserve(onChange);
}
