/**
 * File contents between the peers of a room, on demand, over the WebRTC data channels y-webrtc already opened.
 * Bytes in the Y.Doc would be loaded on every open and sent whole to every joining peer, forever (a document keeps
 * its history); here they travel only to a peer that lacks them, in 60 KiB chunks, one file at a time, with the
 * sender pausing while the channel's buffer is full (a 50 MB file never sits in memory twice on the sender).
 *
 * A frame is "ANF1", a u32 header length, a JSON header, then the chunk's bytes. Frames are taken off the
 * channel before y-webrtc sees them (it would log and answer unknown messages). The receiver checks the SHA-256
 * of what it assembled against the manifest before storing it: a peer cannot substitute content. The channels
 * are DTLS-encrypted end to end between the two browsers (the signaling server never carries them).
 */
import type { NotebookRoom } from './room';
import { connectedPeers, encodeFrame, interceptFrames, type ConnLike, type Magic } from './peer-frames';
import type { NotebookFiles } from './notebook-files';
import { MAX_FILE_BYTES } from '../model';

const MAGIC: Magic = [0x41, 0x4e, 0x46, 0x31];
/** Under 64 KiB with its header, so that no layer below has to split it. */
const CHUNK = 60 * 1024;
/** The sender waits while more than this is queued in the channel. */
const HIGH_WATER = 1024 * 1024;
/** An attempt that receives nothing for this long moves to the next peer. */
const STALL_MS = 15_000;

type Header =
  | { t: 'want'; hash: string }
  | { t: 'none'; hash: string }
  | { t: 'chunk'; hash: string; i: number; n: number; size: number };

export interface TransferState {
  hash: string;
  /** 0..1 */
  done: number;
  from: string;
}

const encode = (header: Header, payload?: Uint8Array): Uint8Array => encodeFrame(MAGIC, header, payload);

const isHash = (h: unknown): h is string => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h);

interface Incoming {
  conn: ConnLike;
  hash: string;
  size: number;
  n: number;
  parts: Uint8Array[];
  got: number;
  resolve(ok: boolean): void;
  timer: ReturnType<typeof setTimeout>;
}

/** Serves this device's files to the room's peers and fetches the ones it lacks, until `destroy`. */
export class FileTransfer {
  private incoming: Incoming | null = null;
  private pumping = false;
  private again = false;
  private destroyed = false;
  private readonly listeners = new Set<(s: TransferState | null) => void>();
  private readonly offs: Array<() => void> = [];

  constructor(
    private readonly room: NotebookRoom,
    private readonly files: NotebookFiles,
  ) {
    const onPeers = (): void => {
      // A peer that left mid-transfer: move on to another now rather than after the stall timeout.
      const inc = this.incoming;
      if (inc && (!inc.conn.connected || inc.conn.peer.destroyed)) this.finish(false);
      this.kick();
    };
    this.offs.push(interceptFrames(room, MAGIC, (conn, header, payload) => void this.onFrame(conn, header as Header, payload), onPeers));
    this.offs.push(files.observe(() => this.kick()));
    const retry = setInterval(() => this.kick(), 5000);
    this.offs.push(() => clearInterval(retry));
    onPeers();
  }

  onProgress(fn: (s: TransferState | null) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private emit(s: TransferState | null): void {
    for (const fn of [...this.listeners]) fn(s);
  }

  private async onFrame(conn: ConnLike, header: Header, payload: Uint8Array): Promise<void> {
    if (!isHash(header.hash)) return;
    if (header.t === 'want') return this.serve(conn, header.hash);
    const inc = this.incoming;
    if (!inc || inc.conn !== conn || inc.hash !== header.hash) return;
    if (header.t === 'none') return this.finish(false);
    if (header.i !== inc.parts.length || header.size !== inc.size || header.size > MAX_FILE_BYTES) return this.finish(false);
    inc.n = header.n;
    inc.parts.push(payload.slice());
    inc.got += payload.length;
    if (inc.got > inc.size) return this.finish(false);
    clearTimeout(inc.timer);
    inc.timer = setTimeout(() => this.finish(false), STALL_MS);
    this.emit({ hash: inc.hash, done: inc.size ? inc.got / inc.size : 1, from: conn.remotePeerId });
    if (inc.parts.length < inc.n) return;
    const blob = new Blob(inc.parts as Uint8Array<ArrayBuffer>[]);
    this.finish(blob.size === inc.size && (await this.files.accept(inc.hash, blob)));
  }

  private finish(ok: boolean): void {
    const inc = this.incoming;
    if (!inc) return;
    clearTimeout(inc.timer);
    this.incoming = null;
    this.emit(null);
    inc.resolve(ok);
  }

  private async serve(conn: ConnLike, hash: string): Promise<void> {
    const blob = await this.files.get(hash);
    const peer = conn.peer;
    if (!blob) {
      if (!peer.destroyed) peer.send(encode({ t: 'none', hash }));
      return;
    }
    const n = Math.max(1, Math.ceil(blob.size / CHUNK));
    for (let i = 0; i < n; i++) {
      while (peer.bufferSize > HIGH_WATER && !peer.destroyed && !this.destroyed) await new Promise((r) => setTimeout(r, 10));
      if (peer.destroyed || this.destroyed) return;
      const part = new Uint8Array(await blob.slice(i * CHUNK, (i + 1) * CHUNK).arrayBuffer());
      try {
        peer.send(encode({ t: 'chunk', hash, i, n, size: blob.size }, part));
      } catch {
        return; // the channel closed under us: the receiver moves on to another peer
      }
    }
  }

  private kick(): void {
    if (this.destroyed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    void this.pump();
  }

  /** Fetches missing files one at a time, trying each connected peer in turn. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        for (const entry of await this.files.missing()) {
          if (this.destroyed) return;
          if (await this.files.has(entry.hash!)) continue;
          for (const conn of connectedPeers(this.room)) {
            if (await this.fetchFrom(conn, entry.hash!, entry.size)) break;
          }
        }
      } while (this.again && !this.destroyed);
    } finally {
      this.pumping = false;
    }
  }

  private fetchFrom(conn: ConnLike, hash: string, size: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.finish(false), STALL_MS);
      this.incoming = { conn, hash, size, n: Infinity, parts: [], got: 0, resolve, timer };
      try {
        conn.peer.send(encode({ t: 'want', hash }));
      } catch {
        this.finish(false);
      }
    });
  }

  destroy(): void {
    this.destroyed = true;
    this.finish(false);
    for (const off of this.offs) off();
    this.listeners.clear();
  }
}
