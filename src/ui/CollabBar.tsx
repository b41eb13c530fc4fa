/**
 * Who is here (avatars), whose browser runs the code, the room's connection state, and the Share button.
 */
import { For, Show, createMemo, createSignal, onCleanup, type JSX } from 'solid-js';
import { kernelMap, readKernel } from '../model';
import { linksOf, roomOf, shareHash, shareLinksFor, type RoomStatus } from '../sync';
import { fromY } from './reactive';
import { ConnectionPanel } from './ConnectionPanel';
import { ConsentPrompt } from './ConsentPrompt';
import { Dialog } from './Dialog';
import type { NotebookSession } from './session';
import { usePeers, useRole, type PeerView } from './presence';
import { collapseAvatars } from './avatars';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

function roomText(s: RoomStatus): string {
  const relayUp = s.relay?.state === 'connected';
  if (s.signaling === 'unreachable' && s.webrtcPeers === 0 && !relayUp) return 'No signaling server reachable: working alone';
  if (s.isolated) return 'Offline: your edits are kept and will merge when you reconnect';
  if (s.reconnecting) return 'Reconnecting: your edits are kept and will merge when the others are back';
  // The same people may be reached both ways: the larger count is who is here.
  const connected = Math.max(s.webrtcPeers + s.bcPeers, s.relay?.peers ?? 0);
  const via = relayUp ? ' · through the relay' : '';
  if (connected === 0) return `Shared · waiting for others${via}`;
  return `Shared · ${connected} connected${via}`;
}

export function CollabBar(props: { session: NotebookSession }): JSX.Element {
  const session = props.session;
  const peers = usePeers(session);
  const role = useRole(session);
  const [room, setRoom] = createSignal(session.room);
  const [status, setStatus] = createSignal<RoomStatus | null>(session.room?.status() ?? null);
  /** The links the Share dialog shows: "can edit" (null for a viewer, who has none to give) and "can view". */
  const [links, setLinks] = createSignal<{ edit: string | null; view: string } | null>(null);
  const [copied, setCopied] = createSignal<'edit' | 'view' | null>(null);
  const [showLinks, setShowLinks] = createSignal(false);
  const [shareError, setShareError] = createSignal<string | null>(null);
  const [showAll, setShowAll] = createSignal(false);
  const avatars = createMemo(() => collapseAvatars(peers()));
  let offStatus: (() => void) | null = null;
  const kernelSession = fromY(kernelMap(session.doc), () => readKernel(session.doc), false);
  const watch = (): void => {
    const r = room();
    offStatus?.();
    offStatus = r ? r.onStatus(setStatus) : null;
    setStatus(r?.status() ?? null);
  };
  watch();
  onCleanup(() => offStatus?.());
  // Rotated links: this tab (or another editor) moved the notebook to a new room.
  onCleanup(
    session.onRoomChange((r) => {
      setRoom(r);
      watch();
    }),
  );
  const [rotating, setRotating] = createSignal(false);
  const [rotated, setRotated] = createSignal(false);
  const rotate = async (): Promise<void> => {
    setRotating(true);
    setShareError(null);
    try {
      const key = await session.rotateLinks();
      const l = linksOf(key);
      setLinks({ edit: l.edit.url, view: l.view.url });
      setRotated(true);
    } catch (e) {
      setShareError(`Could not revoke the links: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      setRotating(false);
    }
  };

  const share = async (): Promise<void> => {
    setCopied(null);
    setShareError(null);
    setRotated(false);
    try {
      const made = await shareLinksFor(session.id);
      // A viewer passes on what it holds: its own view link.
      const own = roomOf(session.id);
      const key = made?.edit ?? own;
      if (!key) throw new Error('this notebook has no room');
      const base = `${location.origin}${location.pathname}${location.search}`;
      setLinks({ edit: made?.edit.url ?? null, view: made?.view.url ?? `${base}${shareHash(key)}` });
      setRoom(await session.share(key));
      watch();
    } catch (e) {
      setShareError(`Could not join the room: ${e instanceof Error ? e.message : String(e)}. Reload and try again.`);
    }
  };

  const executorText = (): string => {
    const r = role();
    // The failover rule (src/sync/failover.ts) says why code does not start: shown rather than a silent queue.
    if (r.acting && r.fenced) return 'Code runs in your browser · paused: no answer from the others (a network split?)';
    if (r.waiting && r.hold === 'quorum') return 'The executor stopped answering · waiting to hear from enough of the room';
    if (r.waiting && r.hold === 'catching-up') return 'Taking over · receiving the latest changes first';
    // A kernel on a Jupyter server, as the executor recorded it (kernel and host; the token stays with the executor).
    const k = kernelSession();
    const place = k?.where ? `Jupyter server (${k.where.kernel}, ${k.where.host})` : null;
    if (r.acting) return peers().length > 1 ? (place ? `Code runs on your ${place}` : 'Code runs in your browser') : '';
    if (r.executorPeer) {
      const name = r.executorPeer.user.name;
      const recorded = k?.executor.client === r.executor;
      // A runtime agent's name already says whose machine it is ("Ada’s runtime on gpu-box", src/runtime).
      if (r.executorPeer.runtime) return `Code runs on ${name}${recorded && k?.where ? ` (${k.where.kernel})` : ''}`;
      return place && recorded ? `Code runs on ${name}’s ${place}` : `Code runs in ${name}’s browser`;
    }
    if (r.waiting) return 'Connecting before running code…';
    return 'Nobody here can run code';
  };

  return (
    <div class="collab-bar">
      <Show when={executorText()}>
        <span class="executor" data-testid="executor">
          {executorText()}
        </span>
      </Show>
      <ConsentPrompt session={session} />
      <Show when={status()}>
        {(s) => (
          <span class="room-status-wrap">
            <button
              class="room-status link-btn"
              data-testid="room-status"
              data-signaling={s().signaling}
              aria-expanded={showLinks()}
              title="Connections"
              onClick={() => setShowLinks(!showLinks())}
            >
              {roomText(s())}
            </button>
            <Show when={showLinks() && room()}>{(r) => <ConnectionPanel room={r()} status={s()} />}</Show>
          </span>
        )}
      </Show>
      <ul class="avatars" aria-label="People here">
        <For each={avatars().shown}>{(p) => <Avatar peer={p} />}</For>
        <Show when={avatars().hidden.length}>
          <li class="avatar-more-wrap">
            <button
              class="avatar avatar-more"
              data-testid="more-peers"
              aria-expanded={showAll()}
              aria-label={`${avatars().hidden.length} more people here`}
              onClick={() => setShowAll(!showAll())}
            >
              +{avatars().hidden.length}
            </button>
            <Show when={showAll()}>
              <ul class="people-list" aria-label="Everyone here" data-testid="people-list">
                <For each={[...avatars().shown, ...avatars().hidden]}>
                  {(p) => (
                    <li>
                      <span class="dot" style={{ background: p.user.color }} />
                      {peerTitle(p)}
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </li>
        </Show>
      </ul>
      <button class="primary" aria-label="Share" onClick={() => void share()}>
        Share
      </button>
      <Show when={links()}>
        {(l) => (
          <Dialog title="Share this notebook" onClose={() => setLinks(null)}>
            <Show when={shareError()}>
              <p class="error" role="alert">
                {shareError()}
              </p>
            </Show>
            <Show when={l().edit}>
              {(edit) => (
                <ShareField label="Share link" title="Can edit" copied={copied() === 'edit'} onCopy={() => setCopied('edit')} url={edit()}>
                  Anyone with this link can open, edit and run this notebook with you.
                </ShareField>
              )}
            </Show>
            <ShareField label="View link" title="Can view" copied={copied() === 'view'} onCopy={() => setCopied('view')} url={l().view}>
              Anyone with this link sees the notebook live (cells, outputs, who is here) but cannot change it or run code: the
              other browsers refuse its changes.
            </ShareField>
            <p class="hint">The part after “#” never leaves your browsers.</p>
            <Show when={rotated()}>
              <p class="notice" role="status" data-testid="rotated">
                The old links no longer open this notebook: the editors here moved to a new room. Share these new links.
              </p>
            </Show>
            <Show when={l().edit && room()?.guard}>
              <p class="hint">
                A link went too far? Revoking gives this notebook new links; the editors here move along, everyone else
                (viewers included) is left out until they get a new link.
              </p>
            </Show>
            <div class="dialog-actions">
              <Show when={l().edit && room()?.guard}>
                <button class="danger" disabled={rotating()} onClick={() => void rotate()}>
                  {rotating() ? 'Revoking…' : 'Revoke links'}
                </button>
              </Show>
              <button class="primary" onClick={() => setLinks(null)}>
                Done
              </button>
            </div>
          </Dialog>
        )}
      </Show>
    </div>
  );
}

/** One link of the Share dialog, with what it allows and a Copy button. */
function ShareField(props: { label: string; title: string; url: string; copied: boolean; onCopy: () => void; children: JSX.Element }): JSX.Element {
  return (
    <section class="share-field">
      <h3>{props.title}</h3>
      <p>{props.children}</p>
      <input class="share-link" aria-label={props.label} readOnly value={props.url} onFocus={(e) => e.currentTarget.select()} />
      <button
        onClick={async () => {
          await navigator.clipboard?.writeText(props.url).catch(() => undefined);
          props.onCopy();
        }}
      >
        {props.copied ? 'Copied' : `Copy ${props.title.toLowerCase()} link`}
      </button>
    </section>
  );
}

function peerTitle(p: PeerView): string {
  return `${p.user.name}${p.me ? ' (you)' : ''}${p.offersExecution ? '' : ' · does not run code'}`;
}

function Avatar(props: { peer: PeerView }): JSX.Element {
  return (
    <li class="avatar" style={{ background: props.peer.user.color }} title={peerTitle(props.peer)} data-peer={props.peer.user.name}>
      {initials(props.peer.user.name) || '?'}
    </li>
  );
}
