/**
 * Answers to `getpass()` (a password `input()`) never enter the document. A plain `input()` answer travels in the
 * run record, so every peer sees it and every copy of the notebook keeps it on disk; a password must reach only
 * the executor's kernel. So for a password request the executor makes an ephemeral ECDH key pair (P-256) and puts
 * only its public key in the request. The answer goes
 * - in the executor's own tab (a notebook alone, or the executor's user answering): straight to the waiting
 *   request in memory;
 * - from another peer: sealed with AES-GCM under a key agreed between a fresh key pair of the answering peer and
 *   the request's public key, and published in that peer's presence (awareness: sent to the room, never stored,
 *   gone when the peer leaves), where only the executor, holding the private key, can open it. The private key
 *   lives in the executor's memory for that one request, so a sealed answer cannot be opened later either.
 */
import type { Awareness } from 'y-protocols/awareness';

/** The awareness field that carries a sealed answer. */
export const SEALED_FIELD = 'sealedInput';

/** How long a peer keeps its sealed answer published (the executor reads it at once when connected). */
const PUBLISH_MS = 30_000;

export interface SealedReply {
  runId: string;
  /** The answering peer's ephemeral public key (raw P-256, base64). */
  pub: string;
  iv: string;
  data: string;
}

const ECDH = { name: 'ECDH', namedCurve: 'P-256' } as const;

function toBase64(bytes: ArrayBuffer | Uint8Array): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

async function sharedKey(privateKey: CryptoKey, publicRaw: string, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  const pub = await crypto.subtle.importKey('raw', fromBase64(publicRaw), ECDH, false, []);
  return crypto.subtle.deriveKey({ name: 'ECDH', public: pub }, privateKey, { name: 'AES-GCM', length: 256 }, false, [usage]);
}

/** The executor's side of one password request: the public key to publish, and the opener of sealed answers. */
export interface SecretBox {
  publicKey: string;
  /** The answer, or null when `reply` was not sealed for this box (another request, or garbage). */
  open(reply: SealedReply): Promise<string | null>;
}

export async function newSecretBox(): Promise<SecretBox> {
  const pair = await crypto.subtle.generateKey(ECDH, false, ['deriveKey']);
  const publicKey = toBase64(await crypto.subtle.exportKey('raw', pair.publicKey));
  return {
    publicKey,
    async open(reply) {
      try {
        const key = await sharedKey(pair.privateKey, reply.pub, 'decrypt');
        const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(reply.iv), additionalData: new TextEncoder().encode(reply.runId) }, key, fromBase64(reply.data));
        return new TextDecoder().decode(plain);
      } catch {
        return null;
      }
    },
  };
}

/** Seals `text` for the request whose public key is `publicKey`; the run id is bound in (it cannot be replayed to another). */
export async function sealReply(publicKey: string, runId: string, text: string): Promise<SealedReply> {
  const mine = await crypto.subtle.generateKey(ECDH, true, ['deriveKey']);
  const key = await sharedKey(mine.privateKey, publicKey, 'encrypt');
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(runId) }, key, new TextEncoder().encode(text));
  return { runId, pub: toBase64(await crypto.subtle.exportKey('raw', mine.publicKey)), iv: toBase64(iv), data: toBase64(data) };
}

/** A peer's published sealed answer, or null when its state holds none (or not one of this shape). */
export function readSealed(state: unknown): SealedReply | null {
  const v = (state as Record<string, unknown> | null | undefined)?.[SEALED_FIELD];
  if (typeof v !== 'object' || v === null) return null;
  const o = v as Record<string, unknown>;
  return typeof o.runId === 'string' && typeof o.pub === 'string' && typeof o.iv === 'string' && typeof o.data === 'string'
    ? { runId: o.runId, pub: o.pub, iv: o.iv, data: o.data }
    : null;
}

/** Publishes a sealed answer in this peer's presence for a while. */
export function publishSealed(awareness: Awareness, reply: SealedReply): void {
  awareness.setLocalStateField(SEALED_FIELD, reply);
  setTimeout(() => {
    if (readSealed(awareness.getLocalState())?.data === reply.data) awareness.setLocalStateField(SEALED_FIELD, null);
  }, PUBLISH_MS);
}

/** Calls `onAnswer` with the first sealed answer for `runId` that `box` opens. Returns a stop function. */
export function watchSealed(awareness: Awareness, runId: string, box: SecretBox, onAnswer: (text: string) => void): () => void {
  let done = false;
  const tried = new Set<string>();
  const check = (): void => {
    awareness.getStates().forEach((state, client) => {
      if (client === awareness.clientID) return;
      const reply = readSealed(state);
      if (!reply || reply.runId !== runId || tried.has(reply.data)) return;
      tried.add(reply.data);
      void box.open(reply).then((text) => {
        if (text === null || done) return;
        done = true;
        onAnswer(text);
      });
    });
  };
  awareness.on('change', check);
  check();
  return () => {
    done = true;
    awareness.off('change', check);
  };
}

/** Requests waiting in this tab, by run id: an answer typed here never leaves memory. */
const waiting = new Map<string, (text: string) => void>();

export function awaitLocal(runId: string, onAnswer: (text: string) => void): () => void {
  waiting.set(runId, onAnswer);
  return () => {
    if (waiting.get(runId) === onAnswer) waiting.delete(runId);
  };
}

/** Hands an answer to a request waiting in this tab; false when the request waits elsewhere (another peer). */
export function deliverLocal(runId: string, text: string): boolean {
  const deliver = waiting.get(runId);
  if (!deliver) return false;
  waiting.delete(runId);
  deliver(text);
  return true;
}
