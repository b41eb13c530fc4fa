/**
 * Settings kept on this device (localStorage), never in a notebook: who you are to others, whether this
 * machine runs code for a room, where packages and signaling come from, and the AI section.
 */
import { Show, createSignal, type JSX } from 'solid-js';
import { Dialog } from './Dialog';
import { AiSettingsSection } from './ai';
import { StorageInfo } from '../pwa';
import { PACKAGE_BASE_KEY, packageBaseURL } from './services';
import { DEFAULT_PACKAGE_BASE_URL } from '../kernel';
import {
  defaultIceServers,
  defaultRelayUrl,
  defaultSignalingUrls,
  iceServers,
  loadIdentity,
  parseIceServers,
  parseRelayUrl,
  parseSignalingUrls,
  neverRelay,
  relayUrl,
  setIceServers,
  setRelayUrl,
  setSignalingUrls,
  signalingUrls,
  type Presence,
} from '../sync';

export function SettingsDialog(props: { presence: Presence | null; onClose: () => void }): JSX.Element {
  const identity = loadIdentity();
  const [name, setName] = createSignal(identity.name);
  const [color, setColor] = createSignal(identity.color);
  const [offers, setOffers] = createSignal(props.presence?.local().offersExecution ?? true);
  const [pkgBase, setPkgBase] = createSignal(localStorage.getItem(PACKAGE_BASE_KEY) ?? '');
  const [signaling, setSignaling] = createSignal(signalingUrls().join(', '));
  const savedIce = iceServers();
  const [ice, setIce] = createSignal(savedIce?.length ? JSON.stringify(savedIce) : '');
  const [relay, setRelay] = createSignal(relayUrl() ?? '');
  const [noRelay, setNoRelay] = createSignal(neverRelay());
  const [saved, setSaved] = createSignal(false);
  const relayInvalid = () => relay().trim() !== '' && parseRelayUrl(relay()) === null;
  const pkgChanged = (): boolean => (pkgBase().trim() || DEFAULT_PACKAGE_BASE_URL) !== packageBaseURL();

  const save = (): void => {
    if (props.presence) {
      props.presence.setIdentity({ name: name(), color: color() });
      props.presence.setOffersExecution(offers());
    }
    if (pkgBase().trim()) localStorage.setItem(PACKAGE_BASE_KEY, pkgBase().trim());
    else localStorage.removeItem(PACKAGE_BASE_KEY);
    const urls = parseSignalingUrls(signaling());
    const isDefault = urls.join(',') === defaultSignalingUrls().join(',');
    setSignalingUrls(urls.length && !isDefault ? urls : null);
    const servers = parseIceServers(ice());
    setIceServers(servers === null || JSON.stringify(servers) === JSON.stringify(defaultIceServers()) ? null : servers);
    if (noRelay()) setRelayUrl('');
    else if (!relayInvalid()) {
      const r = parseRelayUrl(relay());
      setRelayUrl(r === defaultRelayUrl() ? null : r);
    }
    setSaved(true);
  };

  return (
    <Dialog title="Settings" onClose={() => props.onClose()}>
      <form
        class="settings"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <fieldset>
          <legend>You</legend>
          <label>
            Your name
            <input aria-label="Your name" value={name()} maxLength={40} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <label>
            Your colour
            <input aria-label="Your colour" type="color" value={color()} onInput={(e) => setColor(e.currentTarget.value)} />
          </label>
          <label class="check">
            <input type="checkbox" aria-label="Run code for others" checked={offers()} onChange={(e) => setOffers(e.currentTarget.checked)} />
            Let this machine run the room’s code (uncheck and your browser never runs other people’s code)
          </label>
        </fieldset>
        <fieldset>
          <legend>Python</legend>
          <label>
            Package base URL
            <input
              aria-label="Package base URL"
              placeholder={DEFAULT_PACKAGE_BASE_URL}
              value={pkgBase()}
              onInput={(e) => setPkgBase(e.currentTarget.value)}
            />
          </label>
          <Show when={saved() && pkgChanged()}>
            <p class="hint">Reload the page for the new package location to take effect.</p>
          </Show>
        </fieldset>
        <fieldset>
          <legend>Collaboration</legend>
          <label>
            Signaling servers (comma-separated)
            <input aria-label="Signaling servers" value={signaling()} onInput={(e) => setSignaling(e.currentTarget.value)} />
          </label>
          <label>
            STUN/TURN servers (stun:/turn: URLs, or JSON with username and credential; kept on this device only)
            <textarea
              aria-label="STUN/TURN servers"
              rows={2}
              spellcheck={false}
              placeholder='[{"urls": "turn:turn.example.org:3478", "username": "…", "credential": "…"}]'
              value={ice()}
              onInput={(e) => setIce(e.currentTarget.value)}
            />
          </label>
          <label>
            Relay server (optional: a y-websocket server, ws:// or wss://)
            <input
              aria-label="Relay server"
              placeholder="wss://relay.example.org/relay"
              value={relay()}
              disabled={noRelay()}
              onInput={(e) => setRelay(e.currentTarget.value)}
            />
          </label>
          <label class="check">
            <input type="checkbox" aria-label="Never use a relay" checked={noRelay()} onChange={(e) => setNoRelay(e.currentTarget.checked)} />
            Never sync through a relay, not even one a share link names (this device then reaches others over WebRTC only)
          </label>
          <Show when={relayInvalid()}>
            <p class="error" role="alert">
              Not a ws:// or wss:// URL: the relay setting was not changed.
            </p>
          </Show>
          <p class="hint">
            Rooms also sync through the relay: for rooms larger than about 20 people and for networks that block WebRTC.
            It is end-to-end encrypted: the relay stores and forwards only ciphertext, though it sees who connects, when,
            and how much.
          </p>
          <p class="hint">New rooms use them; reload to apply to a room already open.</p>
        </fieldset>
        <AiSettingsSection />
        <fieldset>
          <legend>Storage on this device</legend>
          <StorageInfo />
        </fieldset>
        <div class="dialog-actions">
          <Show when={saved()}>
            <span role="status" class="hint">
              Saved.
            </span>
          </Show>
          <button type="button" onClick={() => props.onClose()}>
            Close
          </button>
          <button type="submit" class="primary">
            Save
          </button>
        </div>
      </form>
    </Dialog>
  );
}
