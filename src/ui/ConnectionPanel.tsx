/**
 * The room's connections, opened from the room status in the collaboration bar: each signaling server and whether
 * it answers, how each peer is reached (direct, relayed by TURN, connecting, failed), and, when links fail, why
 * in words a user can act on.
 */
import { For, Show, createSignal, onCleanup, type JSX } from 'solid-js';
import { linkProblem, type NotebookRoom, type PeerLink, type RelayState, type RoomStatus } from '../sync';

const KIND_TEXT: Record<PeerLink['kind'], string> = {
  direct: 'direct',
  relayed: 'relayed by TURN',
  connecting: 'connecting…',
  failed: 'failed',
};

const RELAY_TEXT: Record<RelayState, string> = {
  connected: 'connected',
  connecting: 'connecting…',
  unreachable: 'not answering (retrying)',
};

/** How often the links are read while the panel is open (getStats is cheap, not free). */
const REFRESH_MS = 2000;

export function ConnectionPanel(props: { room: NotebookRoom; status: RoomStatus }): JSX.Element {
  const [links, setLinks] = createSignal<PeerLink[]>([]);
  const read = (): void => void props.room.links().then(setLinks, () => undefined);
  read();
  const timer = setInterval(read, REFRESH_MS);
  onCleanup(() => clearInterval(timer));
  const problem = () => linkProblem(links(), props.status.failedLinks, props.status.turn);
  return (
    <div class="connection-panel" role="region" aria-label="Connections" data-testid="connections">
      <h3>Signaling</h3>
      <ul>
        <For each={props.status.signalingUrls} fallback={<li>none configured: this notebook syncs between this browser’s tabs only</li>}>
          {(url) => (
            <li data-signaling-url={url}>
              {url}: {props.status.connectedSignaling.includes(url) ? 'connected' : 'not answering'}
            </li>
          )}
        </For>
      </ul>
      <h3>Peers</h3>
      <ul>
        <For each={links()} fallback={<li>{props.status.bcPeers ? `${props.status.bcPeers} tab(s) of this browser` : 'nobody connected'}</li>}>
          {(link, i) => (
            <li data-link={link.kind}>
              Peer {i() + 1}: {KIND_TEXT[link.kind]}
            </li>
          )}
        </For>
      </ul>
      <p class="hint">{props.status.turn ? 'A TURN relay is configured.' : 'No TURN relay configured (Settings → Collaboration).'}</p>
      <Show when={!props.status.webrtc}>
        <p class="error" role="alert">
          {props.status.relay
            ? 'This browser has no WebRTC: the room reaches others through the relay only.'
            : 'This browser has no WebRTC and no relay is configured: the notebook syncs between this browser’s tabs only.'}
        </p>
      </Show>
      <h3>Relay</h3>
      <Show
        when={props.status.relay}
        fallback={<p>None configured (Settings → Collaboration). Rooms larger than about 20 people, or networks that block WebRTC, need one.</p>}
      >
        {(relay) => (
          <>
            <p data-relay={relay().state}>
              {relay().url}: {RELAY_TEXT[relay().state]}
              {relay().state === 'connected' ? ` · ${relay().peers} other(s) through it` : ''}
            </p>
            <p class="hint">
              End-to-end encrypted: the relay stores and forwards only ciphertext it cannot read; it sees who connects, when,
              and how much.
            </p>
            <Show when={relay().rejected > 0}>
              <p class="hint">{relay().rejected} change(s) through the relay were not signed by an editor and were ignored.</p>
            </Show>
          </>
        )}
      </Show>
      <Show when={problem()}>
        <p class="error" role="alert">
          {problem()}
        </p>
      </Show>
    </div>
  );
}
