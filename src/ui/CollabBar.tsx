/**
 * Who is here (avatars), whose browser runs the code, the room's connection state, and the Share button.
 */
import { For, Show, createSignal, onCleanup, type JSX } from 'solid-js';
import { kernelMap, readKernel } from '../model';
import { shareLinkFor, type RoomStatus } from '../sync';
import { fromY } from './reactive';
import { ConnectionPanel } from './ConnectionPanel';
import { ConsentPrompt } from './ConsentPrompt';
import { Dialog } from './Dialog';
import type { NotebookSession } from './session';
import { usePeers, useRole } from './presence';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
}

function roomText(s: RoomStatus): string {
  if (s.signaling === 'unreachable' && s.webrtcPeers === 0) return 'No signaling server reachable: working alone';
  if (s.isolated) return 'Offline: your edits are kept and will merge when you reconnect';
  if (s.reconnecting) return 'Reconnecting: your edits are kept and will merge when the others are back';
  if (s.webrtcPeers + s.bcPeers === 0) return 'Shared · waiting for others';
  return `Shared · ${s.webrtcPeers + s.bcPeers} connected`;
}

export function CollabBar(props: { session: NotebookSession }): JSX.Element {
  const session = props.session;
  const peers = usePeers(session);
  const role = useRole(session);
  const [room, setRoom] = createSignal(session.room);
  const [status, setStatus] = createSignal<RoomStatus | null>(session.room?.status() ?? null);
  const [link, setLink] = createSignal<string | null>(null);
  const [copied, setCopied] = createSignal(false);
  const [showLinks, setShowLinks] = createSignal(false);
  const [shareError, setShareError] = createSignal<string | null>(null);
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

  const share = async (): Promise<void> => {
    const l = shareLinkFor(session.id);
    setLink(l.url);
    setCopied(false);
    setShareError(null);
    try {
      setRoom(await session.share(l));
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
        <For each={peers()}>
          {(p) => (
            <li
              class="avatar"
              style={{ background: p.user.color }}
              title={`${p.user.name}${p.me ? ' (you)' : ''}${p.offersExecution ? '' : ' · does not run code'}`}
              data-peer={p.user.name}
            >
              {initials(p.user.name) || '?'}
            </li>
          )}
        </For>
      </ul>
      <button class="primary" aria-label="Share" onClick={() => void share()}>
        Share
      </button>
      <Show when={link()}>
        {(l) => (
          <Dialog title="Share this notebook" onClose={() => setLink(null)}>
            <p>Anyone with this link can open, edit and run this notebook with you. The secret after the last “/” never leaves your browsers.</p>
            <Show when={shareError()}>
              <p class="error" role="alert">
                {shareError()}
              </p>
            </Show>
            <input class="share-link" aria-label="Share link" readOnly value={l()} onFocus={(e) => e.currentTarget.select()} />
            <div class="dialog-actions">
              <button
                onClick={async () => {
                  await navigator.clipboard?.writeText(l()).catch(() => undefined);
                  setCopied(true);
                }}
              >
                {copied() ? 'Copied' : 'Copy link'}
              </button>
              <button class="primary" onClick={() => setLink(null)}>
                Done
              </button>
            </div>
          </Dialog>
        )}
      </Show>
    </div>
  );
}
