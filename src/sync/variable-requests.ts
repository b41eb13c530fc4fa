/**
 * A peer's variable explorer asks the executor's kernel for a slice of a variable (src/kernel/inspect.ts), over the
 * room's WebRTC data channels (./peer-frames.ts), not the document: slices are as ephemeral as the kernel, the
 * document would keep each one in its history forever and send it to every peer that joins, and only the asker
 * needs it. Presence (awareness) would send it to every peer too, again with every heartbeat.
 *
 * The asker does not know which data channel leads to the executor (y-webrtc's peer ids are not awareness client
 * ids), so a question goes to every connected peer, addressed to the executor's client id; only that peer answers,
 * on the channel the question came in on. Answers are validated like any peer input (readInspectResult).
 */
import type { InspectRequest, InspectResult } from '../kernel/protocol';
import { readInspectRequest, readInspectResult } from '../kernel/inspect';
import { connectedPeers, encodeFrame, interceptFrames, type ConnLike, type Magic } from './peer-frames';
import type { NotebookRoom } from './room';

const MAGIC: Magic = [0x41, 0x4e, 0x56, 0x31]; // "ANV1"
/** An executor that does not answer within this is reported as unreachable. */
const ANSWER_MS = 20_000;
/** Questions a peer serves at once; more are answered "busy" (each is a call into the kernel). */
const MAX_SERVING = 4;

type Header =
  | { t: 'ask'; id: string; to: number; name: string; request: InspectRequest }
  | { t: 'answer'; id: string; result: unknown };

/** This peer's kernel answering (null: it cannot now, e.g. busy running a cell or not the executor). */
export type ServeInspect = (name: string, request: InspectRequest) => Promise<InspectResult | null>;

const fail = (error: string, missing = false): InspectResult => ({ view: 'error', error, missing });

export class VariableRequests {
  private readonly pending = new Map<string, { resolve(r: InspectResult): void; timer: ReturnType<typeof setTimeout> }>();
  private serving = 0;
  private nextId = 0;
  private readonly off: () => void;

  constructor(
    private readonly room: NotebookRoom,
    private readonly me: () => number,
    private readonly serve: ServeInspect,
  ) {
    this.off = interceptFrames(room, MAGIC, (conn, header) => void this.onFrame(conn, header as Record<string, unknown>));
  }

  /** Asks the executor (by its client id) for a slice of `name`. Never rejects: failures are error results. */
  ask(executor: number, name: string, request: InspectRequest): Promise<InspectResult> {
    const conns = connectedPeers(this.room);
    if (!conns.length) return Promise.resolve(fail('Not connected to the browser that runs the code yet: try again in a moment.'));
    const id = `${this.me()}-${this.nextId++}-${Math.random().toString(36).slice(2)}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, fail('The browser that runs the code did not answer.')), ANSWER_MS);
      this.pending.set(id, { resolve, timer });
      const frame = encodeFrame(MAGIC, { t: 'ask', id, to: executor, name, request } satisfies Header);
      for (const conn of conns) {
        try {
          conn.peer.send(frame);
        } catch {
          // That channel closed meanwhile; the executor may be on another.
        }
      }
    });
  }

  private settle(id: string, result: InspectResult): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(result);
  }

  private async onFrame(conn: ConnLike, h: Record<string, unknown>): Promise<void> {
    if (typeof h.id !== 'string' || h.id.length > 200) return;
    if (h.t === 'answer') return this.settle(h.id, readInspectResult(h.result));
    if (h.t !== 'ask' || h.to !== this.me() || typeof h.name !== 'string') return;
    const request = readInspectRequest(h.request);
    if (!request) return;
    let result: InspectResult;
    if (this.serving >= MAX_SERVING) result = fail('The kernel is answering other questions: try again in a moment.');
    else {
      this.serving++;
      try {
        result = (await this.serve(h.name.slice(0, 200), request)) ?? fail('Python is busy running code: the view updates when it is idle.');
      } catch {
        result = fail('The kernel could not answer (it may have restarted).');
      } finally {
        this.serving--;
      }
    }
    if (conn.peer.destroyed) return;
    try {
      conn.peer.send(encodeFrame(MAGIC, { t: 'answer', id: h.id, result } satisfies Header));
    } catch {
      // The asker left.
    }
  }

  destroy(): void {
    this.off();
    for (const id of [...this.pending.keys()]) this.settle(id, fail('Left the room.'));
  }
}
