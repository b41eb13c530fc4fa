/**
 * y-webrtc sends every document update as one data channel message, a new peer's whole first sync included, and
 * ignores a failed send: an update over the browser's message cap (Chromium: 256 KiB; one pasted screenshot, a
 * large output, or simply a big notebook) never arrives, and every later update of that peer then waits on it.
 * simple-peer (under y-webrtc) takes its RTCPeerConnection class as an option (`wrtc`); this one gives it data
 * channels that send large messages as frames and join them on receipt (./frames.ts), below y-webrtc.
 */
import { FrameJoiner, isFrame, splitMessage } from './frames';

/** Makes `channel` send large binary messages as frames and deliver joined messages to its `onmessage`. */
function frameChannel(channel: RTCDataChannel): RTCDataChannel {
  const send = channel.send.bind(channel);
  let nextId = 0;
  channel.send = (data: string | Blob | ArrayBuffer | ArrayBufferView): void => {
    if (!ArrayBuffer.isView(data)) return send(data as string);
    // A data channel sends only views of plain ArrayBuffers (never shared memory).
    const bytes = new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    for (const frame of splitMessage(bytes, nextId++)) send(frame as Uint8Array<ArrayBuffer>);
  };
  // simple-peer listens through `onmessage`; it is kept here and fed whole messages from our own listener.
  let handler: ((this: RTCDataChannel, ev: MessageEvent) => unknown) | null = null;
  Object.defineProperty(channel, 'onmessage', { configurable: true, get: () => handler, set: (h: typeof handler) => (handler = h) });
  const joiner = new FrameJoiner();
  channel.addEventListener('message', (event: MessageEvent) => {
    const data: unknown = event.data;
    if (!(data instanceof ArrayBuffer) || !isFrame(new Uint8Array(data))) {
      handler?.call(channel, event);
      return;
    }
    const whole = joiner.accept(new Uint8Array(data));
    if (whole) handler?.call(channel, new MessageEvent('message', { data: whole.buffer }));
  });
  return channel;
}

/**
 * simple-peer's `wrtc` option: the browser's WebRTC, with an RTCPeerConnection whose data channels (made here or
 * opened by the other side) carry large messages. The class is made on first call: Node (unit tests) has no
 * RTCPeerConnection to extend (null there).
 */
export function framedWrtc(): Record<string, unknown> | null {
  if (typeof RTCPeerConnection === 'undefined') return null;
  FramedPeerConnection ??= class extends RTCPeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      // Registered before simple-peer sets `ondatachannel`, so it runs first.
      this.addEventListener('datachannel', (e) => frameChannel(e.channel));
    }

    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      return frameChannel(super.createDataChannel(label, init));
    }
  };
  return { RTCPeerConnection: FramedPeerConnection, RTCSessionDescription, RTCIceCandidate };
}

let FramedPeerConnection: typeof RTCPeerConnection | undefined;
