/** Hash routes: `#/` home, `#/n/<id>` a notebook, `#/r/...` a share link. The hash keeps every route static-hostable. */
import { createSignal, type Accessor } from 'solid-js';

export type Route =
  | { kind: 'home' }
  | { kind: 'notebook'; id: string }
  | { kind: 'room'; hash: string }
  | { kind: 'unknown'; hash: string };

export function parseRoute(hash: string): Route {
  const h = hash.replace(/^#/, '');
  if (h === '' || h === '/') return { kind: 'home' };
  const nb = /^\/n\/([a-z0-9]{1,64})$/.exec(h);
  if (nb) return { kind: 'notebook', id: nb[1]! };
  if (h.startsWith('/r/')) return { kind: 'room', hash: '#' + h };
  return { kind: 'unknown', hash: h };
}

const [route, setRoute] = createSignal<Route>(parseRoute(location.hash));
window.addEventListener('hashchange', () => setRoute(parseRoute(location.hash)));

/** The current route, as a signal. */
export const currentRoute: Accessor<Route> = route;

export function navigate(hash: string, replace = false): void {
  if (replace) {
    history.replaceState(null, '', hash);
    setRoute(parseRoute(hash));
  } else location.hash = hash;
}

export function notebookHash(id: string): string {
  return `#/n/${id}`;
}
