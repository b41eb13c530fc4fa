/**
 * Large messages as frames small enough for any WebRTC data channel, and back. Browsers cap one data channel
 * message (Chromium: 256 KiB); a frame is at most `FRAME_BYTES`. A message that fits goes as it is, so peers
 * without this code still understand every small message.
 *
 * Frame: MARK, message id (uint32), frame index (uint32), frame count (uint32), then that part of the message.
 * MARK (0xfe) is never the first byte of a y-webrtc message (a small varuint message type), and a message that
 * does start with it is framed even when small, so a receiver can always tell frames from messages.
 */

/** The largest frame sent, header included: well under every browser's data channel limit. */
export const FRAME_BYTES = 64 * 1024;
const MARK = 0xfe;
const HEADER = 13;

/** The frames of one message (`id` tells its frames from other messages' on the same channel). */
export function splitMessage(message: Uint8Array, id: number, frameBytes = FRAME_BYTES): Uint8Array[] {
  if (message.byteLength <= frameBytes && message[0] !== MARK) return [message];
  const body = frameBytes - HEADER;
  const count = Math.max(1, Math.ceil(message.byteLength / body));
  const frames: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const part = message.subarray(i * body, (i + 1) * body);
    const frame = new Uint8Array(HEADER + part.byteLength);
    const view = new DataView(frame.buffer);
    frame[0] = MARK;
    view.setUint32(1, id >>> 0);
    view.setUint32(5, i);
    view.setUint32(9, count);
    frame.set(part, HEADER);
    frames.push(frame);
  }
  return frames;
}

/** Whether `data` is a frame (else it is a whole message). */
export function isFrame(data: Uint8Array): boolean {
  return data.byteLength >= HEADER && data[0] === MARK;
}

/**
 * Joins the frames arriving on one channel (in order, as a reliable ordered data channel delivers them) into
 * their messages. A message whose frames stop coming is dropped when a newer message starts.
 */
export class FrameJoiner {
  private id = -1;
  private parts: Uint8Array[] = [];

  /** The whole message once `frame` was its last frame, else null. */
  accept(frame: Uint8Array): Uint8Array | null {
    const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
    const id = view.getUint32(1);
    const index = view.getUint32(5);
    const count = view.getUint32(9);
    if (id !== this.id || index !== this.parts.length) {
      this.id = id;
      this.parts = [];
      if (index !== 0) return null; // the middle of a message whose start was lost
    }
    this.parts.push(frame.subarray(HEADER));
    if (this.parts.length < count) return null;
    const size = this.parts.reduce((n, p) => n + p.byteLength, 0);
    const whole = new Uint8Array(size);
    let at = 0;
    for (const p of this.parts) {
      whole.set(p, at);
      at += p.byteLength;
    }
    this.id = -1;
    this.parts = [];
    return whole;
  }
}
