/**
 * A kernel that dies on its own (the worker crashed, ran out of memory) is started again after a short delay, so a
 * dead kernel never blocks the room: while it is dead this peer's presence says `failed`, the election passes the
 * role to another eligible peer at once (src/sync/election.ts), and when nobody else can execute the queue waits
 * only until the restart. A kernel that never booted (its files could not be loaded) is not restarted here: that
 * is the kernel client's own retry when the network comes back.
 */
import type { Kernel } from './types';

/** How long a dead kernel stays dead before it is started again. */
export const REVIVE_AFTER_MS = 3000;
/** At most this many automatic restarts within REVIVE_WINDOW_MS: a kernel that keeps dying stays dead, and says so. */
export const REVIVE_MAX = 3;
export const REVIVE_WINDOW_MS = 10 * 60_000;

export interface ReviveOptions {
  delayMs?: number;
  now?: () => number;
  /** Called before each automatic restart (for a notice: "Python died and was started again"). */
  onRevive?: (reason: string | undefined) => void;
}

/** Watches `kernel` and restarts it after it dies on its own. Returns a stop function. */
export function reviveDeadKernel(kernel: Kernel, opts: ReviveOptions = {}): () => void {
  const now = opts.now ?? Date.now;
  /** Sessions that reached idle or busy: only those died rather than failed to boot. */
  const booted = new Set<string>();
  const restarts: number[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const onStatus = (): void => {
    const s = kernel.getStatus();
    if (s.status === 'idle' || s.status === 'busy') booted.add(s.sessionId);
    if (s.status !== 'dead' || !booted.has(s.sessionId) || timer !== null) return;
    while (restarts.length && now() - restarts[0]! > REVIVE_WINDOW_MS) restarts.shift();
    if (restarts.length >= REVIVE_MAX) return;
    const dead = s.sessionId;
    timer = setTimeout(() => {
      timer = null;
      const cur = kernel.getStatus();
      // Restarted meanwhile (by the user, or a peer's request): nothing to do.
      if (cur.status !== 'dead' || cur.sessionId !== dead) return;
      restarts.push(now());
      opts.onRevive?.(cur.reason);
      void kernel.restart();
    }, opts.delayMs ?? REVIVE_AFTER_MS);
  };
  const off = kernel.onStatus(onStatus);
  onStatus();
  return () => {
    off();
    if (timer !== null) clearTimeout(timer);
  };
}
