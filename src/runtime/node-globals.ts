/**
 * What the browser gives the room and the Jupyter client and Node 20 lacks: a WebSocket (y-webrtc's signaling,
 * the kernel's channels) from `ws`, and WebRTC (simple-peer under y-webrtc, through src/sync/framed-rtc.ts) from
 * `@roamhq/wrtc`, a binding with prebuilt binaries published on npm. Imported first by the agent's entry, so every
 * module after it finds them as globals, as in a page.
 */
import { createRequire } from 'node:module';
import WebSocket from 'ws';

// A native CommonJS addon: required, not imported, so the bundle leaves it to Node as it is.
const wrtc = createRequire(import.meta.url)('@roamhq/wrtc') as typeof import('@roamhq/wrtc');
const g = globalThis as Record<string, unknown>;
g.WebSocket ??= WebSocket;
g.RTCPeerConnection ??= wrtc.RTCPeerConnection;
g.RTCSessionDescription ??= wrtc.RTCSessionDescription;
g.RTCIceCandidate ??= wrtc.RTCIceCandidate;
