/**
 * Edit capability of a room: who may change the notebook. An edit link carries an ECDSA P-256 private key, a
 * view link only its public key. When two peers connect, each signs a transcript bound to that very connection
 * (both DTLS certificate fingerprints, both y-webrtc peer ids, a fresh nonce of the verifier, the signer's Yjs
 * client id); the other side verifies it with the public key every link carries. Whoever cannot sign is a viewer
 * (./edit-guard.ts then drops its document writes). Plain WebCrypto: works in browsers and Node (unit tests).
 *
 * Why the fingerprints: a viewer connected to two editors could otherwise relay one editor's challenge to the
 * other and pass the answer back. Each DTLS connection has its own certificates, so a signature made for the
 * viewer's connection to editor B never verifies on its connection to editor A.
 */

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** One P-256 coordinate or scalar: 32 bytes. */
const N = 32;

/** An edit capability (private key, which includes the public one) or a view capability (public key only). */
export type Capability = { kind: 'edit'; d: Uint8Array; x: Uint8Array; y: Uint8Array } | { kind: 'view'; x: Uint8Array; y: Uint8Array };

export function toBase64Url(bytes: Uint8Array): string {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function fromBase64Url(s: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) return null;
  try {
    const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** A new edit capability (a fresh key pair). */
export async function newEditCapability(): Promise<Capability> {
  const pair = await crypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
  const d = fromBase64Url(jwk.d ?? '');
  const x = fromBase64Url(jwk.x ?? '');
  const y = fromBase64Url(jwk.y ?? '');
  if (!d || !x || !y) throw new Error('WebCrypto exported an incomplete key');
  return { kind: 'edit', d, x, y };
}

/** What a view link of the same room carries. */
export function viewCapability(cap: Capability): Capability {
  return { kind: 'view', x: cap.x, y: cap.y };
}

/** The capability as it goes in a link: `e` + base64url(d‖x‖y), or `v` + base64url(x‖y). */
export function encodeCapability(cap: Capability): string {
  const parts = cap.kind === 'edit' ? [cap.d, cap.x, cap.y] : [cap.x, cap.y];
  const out = new Uint8Array(parts.length * N);
  parts.forEach((p, i) => out.set(p, i * N));
  return (cap.kind === 'edit' ? 'e' : 'v') + toBase64Url(out);
}

/** The capability in a link segment, or null when it is malformed (a truncated paste). */
export function decodeCapability(s: string): Capability | null {
  const bytes = fromBase64Url(s.slice(1));
  if (!bytes) return null;
  if (s[0] === 'e' && bytes.length === 3 * N) return { kind: 'edit', d: bytes.slice(0, N), x: bytes.slice(N, 2 * N), y: bytes.slice(2 * N) };
  if (s[0] === 'v' && bytes.length === 2 * N) return { kind: 'view', x: bytes.slice(0, N), y: bytes.slice(N) };
  return null;
}

/** What one side of a connection signs (as signer) or checks (as verifier): everything that makes it unique. */
export interface Transcript {
  /** The y-webrtc room (topic). */
  room: string;
  signerPeer: string;
  verifierPeer: string;
  /** SHA-256 fingerprints of the DTLS certificates, as the SDPs state them ('' when unknown, e.g. in Node). */
  signerFingerprint: string;
  verifierFingerprint: string;
  /** The verifier's fresh random nonce for this connection. */
  nonce: string;
  /** The signer's Yjs client id: its presence counts as an editor's. */
  signerClient: number;
}

function transcriptBytes(t: Transcript): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(
    ['anode-edit-proof/1', t.room, t.signerPeer, t.verifierPeer, t.signerFingerprint, t.verifierFingerprint, t.nonce, String(t.signerClient)].join('\n'),
  );
}

/** Keys imported once per capability (importKey is async and not free). */
export interface CapabilityKeys {
  sign: CryptoKey | null;
  verify: CryptoKey;
}

export async function importCapability(cap: Capability): Promise<CapabilityKeys> {
  const pub = { kty: 'EC', crv: 'P-256', x: toBase64Url(cap.x), y: toBase64Url(cap.y), ext: true };
  const verify = await crypto.subtle.importKey('jwk', pub, ALG, false, ['verify']);
  const sign = cap.kind === 'edit' ? await crypto.subtle.importKey('jwk', { ...pub, d: toBase64Url(cap.d) }, ALG, false, ['sign']) : null;
  return { sign, verify };
}

/** The proof of edit capability for `t`, base64url; null for a viewer (no private key). */
export async function proveEdit(keys: CapabilityKeys, t: Transcript): Promise<string | null> {
  if (!keys.sign) return null;
  return toBase64Url(new Uint8Array(await crypto.subtle.sign(SIGN, keys.sign, transcriptBytes(t))));
}

/** Whether `proof` signs `t` with the room's edit key. Never throws: a malformed proof is just not one. */
export async function verifyEdit(keys: CapabilityKeys, t: Transcript, proof: unknown): Promise<boolean> {
  if (typeof proof !== 'string') return false;
  const sig = fromBase64Url(proof);
  if (!sig || sig.length !== 2 * N) return false;
  try {
    return await crypto.subtle.verify(SIGN, keys.verify, sig as Uint8Array<ArrayBuffer>, transcriptBytes(t));
  } catch {
    return false;
  }
}

/** A fresh nonce for one connection: 128 random bits. */
export function newNonce(): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
}

/** The SHA-256 certificate fingerprint an SDP states (`a=fingerprint:sha-256 AB:CD:…`), normalised; '' if none. */
export function sdpFingerprint(sdp: string | undefined): string {
  const m = /a=fingerprint:sha-256 ([0-9A-Fa-f:]+)/.exec(sdp ?? '');
  return m ? m[1]!.toUpperCase() : '';
}
