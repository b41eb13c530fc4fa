/** Routes: home, a notebook, a share link, or "not found". First visit with no notebooks: a new Untitled one. */
import { Match, Switch, createEffect, createMemo, createSignal, type JSX } from 'solid-js';
import { currentRoute, navigate, notebookHash } from './router';
import { Home } from './Home';
import { NotebookView } from './NotebookView';
import { NotFound } from './NotFound';
import { library } from './services';
import { createNotebook } from './notebooks';
import { parseShareLink, rememberLink } from '../sync';

/** With no notebooks yet, a user lands in a new "Untitled" notebook; otherwise on the home list. */
async function landing(): Promise<void> {
  await library.whenLoaded;
  const list = library.list();
  if (list.length === 0) navigate(notebookHash(await createNotebook()), true);
}

/** A share link: remember the room on this device, then open its notebook (it syncs from the peers). */
function RoomLink(props: { hash: string }): JSX.Element {
  const key = parseShareLink(props.hash);
  if (!key) return <NotFound message="This share link is incomplete or damaged: ask for the link again." />;
  rememberLink(key);
  queueMicrotask(() => navigate(notebookHash(key.room), true));
  return <div class="loading">Joining…</div>;
}

export function App(): JSX.Element {
  const route = currentRoute;
  const notebookRoute = createMemo(() => {
    const r = route();
    return r.kind === 'notebook' ? r : null;
  }, undefined, { equals: (a, b) => a?.id === b?.id });
  // The first visit to home in this tab may land in a new notebook; after that (and after a reload of this
  // tab) home is shown at once. A resource keyed on "first visit" never resolved once that turned false.
  const [landed, setLanded] = createSignal(sessionStorage.getItem('anode.landed') !== null);
  createEffect(() => {
    if (route().kind !== 'home' || landed()) return;
    sessionStorage.setItem('anode.landed', '1');
    void landing().finally(() => setLanded(true));
  });
  return (
    <Switch>
      <Match when={route().kind === 'home' && landed()}>
        <Home />
      </Match>
      <Match when={notebookRoute()} keyed>
        {(r) => <NotebookView id={r.id} />}
      </Match>
      <Match when={route().kind === 'room' && route()} keyed>
        {(r) => <RoomLink hash={(r as { hash: string }).hash} />}
      </Match>
      <Match when={route().kind === 'unknown'}>
        <NotFound message={`There is no page at “${location.hash}”.`} />
      </Match>
    </Switch>
  );
}
