/**
 * Messages of Anode's own between the peers of a room, on the WebRTC data channels y-webrtc already opened (file
 * contents, variable slices). A frame is a 4-byte magic naming its protocol, a u32 header length, a JSON header,
 * then a binary payload. Frames are taken off the channel before y-webrtc sees them (it would log and answer
 * unknown messages); each protocol intercepts only its own magic and passes the rest on. The channels are
 * DTLS-encrypted between the two browsers (the signaling server never carries them).
 */
import type { NotebookRoom } from './room';

/** The part of simple-peer these protocols use (y-webrtc types its peers as any). */
export interface PeerLike {
  destroyed: boolean;
  bufferSize: number;
  send(data: Uint8Array): void;
  _onChannelMessage(event: { data: unknown }): void;
}
export interface ConnLike {
  connected: boolean;
  peer: PeerLike;
  remotePeerId: string;
}

export type Magic = readonly [number, number, number, number];

export function encodeFrame(magic: Magic, header: unknown, payload?: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + h.length + (payload?.length ?? 0));
  out.set(magic, 0);
  new DataView(out.buffer).setUint32(4, h.length);
  out.set(h, 8);
  if (payload) out.set(payload, 8 + h.length);
  return out;
}

/** The header (a JSON object, otherwise unchecked: the caller validates it) and payload of one of `magic`'s frames, else null. */
export function decodeFrame(magic: Magic, data: unknown): { header: unknown; payload: Uint8Array } | null {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : data instanceof Uint8Array ? data : null;
  if (!bytes || bytes.length < 8 || magic.some((b, i) => bytes[i] !== b)) return null;
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4);
  try {
    const header: unknown = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    return typeof header === 'object' && header !== null ? { header, payload: bytes.subarray(8 + n) } : null;
  } catch {
    return null;
  }
}

function allConns(room: NotebookRoom): Map<string, ConnLike> {
  // y-webrtc's room.webrtcConns: Map<peerId, WebrtcConn>, typed any.
  return (room.provider.room?.webrtcConns ?? new Map()) as Map<string, ConnLike>;
}

/** The room's open WebRTC connections. */
export function connectedPeers(room: NotebookRoom): ConnLike[] {
  const out: ConnLike[] = [];
  allConns(room).forEach((c) => {
    if (c.connected && c.peer && !c.peer.destroyed) out.push(c);
  });
  return out;
}

/**
 * Delivers `magic`'s frames from every peer of the room (present and future) to `onFrame` instead of y-webrtc,
 * until the returned function is called. `onPeers` also runs whenever the room's peers change.
 */
export function interceptFrames(
  room: NotebookRoom,
  magic: Magic,
  onFrame: (conn: ConnLike, header: unknown, payload: Uint8Array) => void,
  onPeers?: () => void,
): () => void {
  const hooked = new WeakSet<PeerLike>();
  let stopped = false;
  const hookAll = (): void => {
    allConns(room).forEach((conn) => {
      const peer = conn.peer;
      if (!peer || hooked.has(peer)) return;
      hooked.add(peer);
      const original = peer._onChannelMessage.bind(peer);
      peer._onChannelMessage = (event) => {
        const frame = decodeFrame(magic, event.data);
        if (!frame) return original(event);
        if (!stopped) onFrame(conn, frame.header, frame.payload);
      };
    });
  };
  const peersChanged = (): void => {
    hookAll();
    onPeers?.();
  };
  room.provider.on('peers', peersChanged);
  hookAll();
  return () => {
    stopped = true;
    room.provider.off('peers', peersChanged);
  };
}
