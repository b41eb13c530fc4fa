/**
 * Sealed messages for a blind relay (./relay.ts): what a relay stores and forwards is ciphertext it cannot read,
 * signed by the room's edit key when an editor wrote it, so peers can tell an editor's update from anyone else's.
 *
 * A sealed message is `version ‖ signature length ‖ signature ‖ iv ‖ AES-GCM(kind ‖ payload)`; the kind (a document
 * update or a presence) is inside the signed ciphertext, so one can never be passed off as the other. The AES key comes from
 * the room secret (PBKDF2, as y-webrtc derives its signaling key, but with a salt of its own so the two never
 * share a key); the signature is ECDSA P-256 over `iv ‖ ciphertext` with the edit capability's private key
 * (./edit-auth.ts), which only edit links carry. A view link holds the secret, so a viewer can read and could
 * write ciphertext, but cannot sign: peers drop its document updates (see ./relay.ts).
 */
import type { CapabilityKeys } from './edit-auth';

const VERSION = 1;
const IV_BYTES = 12;
/** An ECDSA P-256 signature in WebCrypto's raw form (r ‖ s). */
const SIG_BYTES = 64;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
/** What a sealed message carries. */
export type SealKind = 'update' | 'presence';
const KIND_BYTE: Record<SealKind, number> = { update: 1, presence: 2 };

/** The AES-GCM key of a room's relay traffic, from its secret. */
export async function relayKey(secret: string, room: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt: new TextEncoder().encode(`anode-relay/${room}`), iterations: 100_000, hash: 'SHA-256' },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** `payload` (of `kind`) encrypted with `key`, signed when `keys` can sign (an editor's), unsigned otherwise. */
export async function seal(payload: Uint8Array, key: CryptoKey, keys: CapabilityKeys | null, kind: SealKind): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const plain = new Uint8Array(1 + payload.length);
  plain[0] = KIND_BYTE[kind];
  plain.set(payload, 1);
  const cipher = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, plain));
  const body = new Uint8Array(IV_BYTES + cipher.length);
  body.set(iv);
  body.set(cipher, IV_BYTES);
  const sig = keys?.sign ? new Uint8Array(await crypto.subtle.sign(SIGN, keys.sign, body)) : new Uint8Array(0);
  const out = new Uint8Array(2 + sig.length + body.length);
  out[0] = VERSION;
  out[1] = sig.length;
  out.set(sig, 2);
  out.set(body, 2 + sig.length);
  return out;
}

/** What a sealed message held, and whether the room's edit key signed it. */
export interface Opened {
  payload: Uint8Array;
  signed: boolean;
}

/**
 * Opens a sealed message of `kind`: null when it is malformed, of another kind, or does not decrypt with `key`
 * (another room's, or junk).
 * `signed` is true only for a valid signature by the room's edit key; in a room without a capability (links from
 * before view links) every holder edits, so every message counts as signed.
 */
export async function unseal(sealed: Uint8Array, key: CryptoKey, keys: CapabilityKeys | null, kind: SealKind): Promise<Opened | null> {
  if (sealed.length < 2 + IV_BYTES + 16 || sealed[0] !== VERSION) return null;
  const sigLen = sealed[1]!;
  if (sigLen !== 0 && sigLen !== SIG_BYTES) return null;
  const sig = sealed.subarray(2, 2 + sigLen);
  const body = sealed.slice(2 + sigLen);
  if (body.length < IV_BYTES + 16) return null;
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: body.subarray(0, IV_BYTES) }, key, body.subarray(IV_BYTES)));
  } catch {
    return null;
  }
  if (plain[0] !== KIND_BYTE[kind]) return null;
  const payload = plain.subarray(1);
  if (!keys) return { payload, signed: true };
  let signed = false;
  if (sigLen) {
    try {
      signed = await crypto.subtle.verify(SIGN, keys.verify, sig.slice() as Uint8Array<ArrayBuffer>, body);
    } catch {
      signed = false;
    }
  }
  return { payload, signed };
}
