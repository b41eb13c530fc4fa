/**
 * A widget model and the kernel session as Solid signals derived from the document (never a copy kept by hand):
 * each view re-reads its model when a transaction touches it.
 */
import * as Y from 'yjs';
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import { kernelMap, readKernel, readWidget, widgetsMap, type WidgetRecord } from '../../model';

export function useWidget(doc: Y.Doc, id: string): Accessor<WidgetRecord | null> {
  const [model, setModel] = createSignal(readWidget(doc, id), { equals: false });
  const map = widgetsMap(doc);
  const onChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>) => {
    if (events.some((e) => e.target === map ? (e as Y.YMapEvent<unknown>).keysChanged.has(id) : e.path[0] === id)) setModel(readWidget(doc, id));
  };
  map.observeDeep(onChange);
  onCleanup(() => map.unobserveDeep(onChange));
  return model;
}

/** The document's current kernel session id ('' when none). */
export function useSession(doc: Y.Doc): Accessor<string> {
  const [session, setSession] = createSignal(readKernel(doc)?.sessionId ?? '');
  const k = kernelMap(doc);
  const onChange = () => setSession(readKernel(doc)?.sessionId ?? '');
  k.observe(onChange);
  onCleanup(() => k.unobserve(onChange));
  return session;
}
