/** Large room messages as data-channel-sized frames: split, joined back byte for byte, small ones untouched. */
import { describe, expect, test } from 'vitest';
import { FRAME_BYTES, FrameJoiner, isFrame, splitMessage } from '../../src/sync/frames';

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = x = (x * 1103515245 + 12345) & 0xff;
  out[0] = 0; // a y-webrtc sync message starts with its type, 0
  return out;
}

describe('frames', () => {
  test('a message that fits goes as it is', () => {
    const m = bytes(FRAME_BYTES);
    expect(splitMessage(m, 1)).toEqual([m]);
    expect(isFrame(m)).toBe(false);
  });

  test('a 7 MB message (a 5 MB image in base64) becomes frames under the cap and joins back byte for byte', () => {
    const m = bytes(7_000_000);
    const frames = splitMessage(m, 42);
    expect(frames.length).toBe(Math.ceil(7_000_000 / (FRAME_BYTES - 13)));
    expect(frames.every((f) => f.byteLength <= FRAME_BYTES && isFrame(f))).toBe(true);
    const joiner = new FrameJoiner();
    const out = frames.map((f) => joiner.accept(f));
    expect(out.slice(0, -1).every((o) => o === null)).toBe(true);
    // Compared as buffers: element-wise deep equality of 7 MB takes a minute.
    expect(Buffer.compare(Buffer.from(out.at(-1)!), Buffer.from(m))).toBe(0);
  });

  test('messages in a row join one after the other; a small message that starts like a frame is framed', () => {
    const joiner = new FrameJoiner();
    const a = bytes(200_000, 3);
    const b = Uint8Array.of(0xfe, 1, 2);
    const got = [...splitMessage(a, 1), ...splitMessage(b, 2)].flatMap((f) => joiner.accept(f) ?? []);
    expect(got).toEqual([a, b]);
  });

  test('a message whose frames stop coming is dropped, and the next one still arrives', () => {
    const joiner = new FrameJoiner();
    const lost = splitMessage(bytes(300_000, 5), 7).slice(0, 2);
    const next = bytes(150_000, 9);
    const got = [...lost, ...splitMessage(next, 8)].flatMap((f) => joiner.accept(f) ?? []);
    expect(got).toEqual([next]);
  });
});
