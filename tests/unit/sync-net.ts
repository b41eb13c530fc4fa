/**
 * A simulated room for unit tests: several peers, each with its own Y.Doc and Awareness, exchanging document
 * and awareness updates through queues that the test flushes. Holding messages back lets a test make changes
 * on several peers concurrently (as if the network were slow) and then let them meet.
 */
import * as Y from 'yjs';
import { Awareness, applyAwarenessUpdate, encodeAwarenessUpdate, removeAwarenessStates } from 'y-protocols/awareness';
import type { SettingsStore } from '../../src/sync/settings';
import type { TakeoverGate } from '../../src/sync/handover';

const NET = Symbol('net');

export function memoryStore(init: Record<string, string> = {}): SettingsStore & { data: Map<string, string> } {
  const data = new Map(Object.entries(init));
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

export interface SimPeer {
  name: string;
  doc: Y.Doc;
  awareness: Awareness;
  online: boolean;
}

type Msg = { to: SimPeer; kind: 'doc' | 'aw'; data: Uint8Array };

export class SimNet {
  readonly peers: SimPeer[] = [];
  private queue: Msg[] = [];

  /** A new peer, offline until `connect`. `clientID` fixes its id (election ties break on it). */
  peer(name: string, clientID?: number, doc: Y.Doc = new Y.Doc()): SimPeer {
    if (clientID !== undefined) doc.clientID = clientID;
    const awareness = new Awareness(doc);
    const p: SimPeer = { name, doc, awareness, online: false };
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === NET || !p.online) return;
      for (const o of this.others(p)) this.queue.push({ to: o, kind: 'doc', data: update });
    });
    awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      if (origin === NET || !p.online) return;
      const data = encodeAwarenessUpdate(awareness, [...added, ...updated, ...removed]);
      for (const o of this.others(p)) this.queue.push({ to: o, kind: 'aw', data });
    });
    this.peers.push(p);
    return p;
  }

  private others(p: SimPeer): SimPeer[] {
    return this.peers.filter((o) => o !== p && o.online);
  }

  /** Brings a peer online: it exchanges full document state and awareness with every online peer (queued). */
  connect(p: SimPeer): void {
    p.online = true;
    for (const o of this.others(p)) {
      this.queue.push({ to: o, kind: 'doc', data: Y.encodeStateAsUpdate(p.doc) });
      this.queue.push({ to: p, kind: 'doc', data: Y.encodeStateAsUpdate(o.doc) });
      this.queue.push({ to: o, kind: 'aw', data: encodeAwarenessUpdate(p.awareness, [...p.awareness.getStates().keys()]) });
      this.queue.push({ to: p, kind: 'aw', data: encodeAwarenessUpdate(o.awareness, [...o.awareness.getStates().keys()]) });
    }
  }

  /**
   * Takes a peer off the network. `clean`: its tab closed properly, so the others drop its presence at once;
   * otherwise (a crash, a lost network) they keep seeing it until `expire` (awareness's 30 s timeout).
   */
  disconnect(p: SimPeer, clean: boolean): void {
    if (clean) {
      // A null state is how y-protocols encodes "gone"; its typings do not admit it.
      const gone = new Map([[p.awareness.clientID, null]]) as unknown as Map<number, Record<string, unknown>>;
      const data = encodeAwarenessUpdate(p.awareness, [p.awareness.clientID], gone);
      for (const o of this.others(p)) this.queue.push({ to: o, kind: 'aw', data });
    }
    this.flush();
    p.online = false;
    // What p knew of the others is stale now; it times them out too.
    removeAwarenessStates(p.awareness, [...p.awareness.getStates().keys()].filter((c) => c !== p.awareness.clientID), 'timeout');
  }

  /** The awareness timeout passes for `gone` everywhere else. */
  expire(gone: SimPeer): void {
    for (const o of this.peers) {
      if (o !== gone && o.awareness.getStates().has(gone.awareness.clientID)) {
        removeAwarenessStates(o.awareness, [gone.awareness.clientID], 'timeout');
      }
    }
  }

  /** Delivers queued messages (and those they cause) until the network is quiet. */
  flush(limit = 10_000): void {
    let n = 0;
    while (this.queue.length) {
      if (++n > limit) throw new Error('network did not settle');
      const m = this.queue.shift()!;
      if (!m.to.online) continue;
      if (m.kind === 'doc') Y.applyUpdate(m.to.doc, m.data, NET);
      else applyAwarenessUpdate(m.to.awareness, m.data, NET);
    }
  }

  destroy(): void {
    for (const p of this.peers) {
      p.awareness.destroy();
      p.doc.destroy();
    }
  }
}

/** Stands in for a NotebookRoom's status: tests decide when it has settled or lost the network. */
export class FakeGate implements TakeoverGate {
  private st = { settled: false, isolated: false };
  private fns = new Set<() => void>();
  status() {
    return this.st;
  }
  onStatus(fn: () => void) {
    this.fns.add(fn);
    return () => void this.fns.delete(fn);
  }
  set(p: Partial<{ settled: boolean; isolated: boolean }>): void {
    this.st = { ...this.st, ...p };
    for (const f of this.fns) f();
  }
}
