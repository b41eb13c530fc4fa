/**
 * Keeps the executor's view of its kernel's variables current: asks the kernel after every run (one question at
 * a time; runs finishing meanwhile ask once more), and says "none" when the interpreter is replaced. Where the
 * answer goes (presence, for every peer of a room) is the caller's business.
 */
import type { VariablesResult } from './protocol';
import type { Kernel } from './types';

/** Described at most: the panel filters these; `total` still counts them all. */
export const VARIABLES_LIMIT = 300;

export class VariablesWatcher {
  private busy = false;
  private again = false;
  private sessionId: string;
  /** Whether this session's variables have been looked at since its last run (a busy kernel answers nothing). */
  private stale = true;
  private readonly offStatus: () => void;

  constructor(
    private readonly kernel: Kernel,
    private readonly publish: (result: VariablesResult | null, sessionId: string) => void,
  ) {
    this.sessionId = kernel.getStatus().sessionId;
    this.offStatus = kernel.onStatus((st) => {
      if (st.sessionId !== this.sessionId) {
        // A new interpreter: the old variables are gone, whatever a look in flight answers.
        this.sessionId = st.sessionId;
        this.stale = true;
        this.publish(null, st.sessionId);
      }
      // Asked while the kernel was busy (Run all: the next cell had started), or a peer taking over a kernel that
      // already ran code: look once it is idle. A queue of runs is looked at once, at its end.
      if (st.status === 'idle' && this.stale) this.refresh();
    });
    if (kernel.getStatus().status === 'idle') this.refresh();
  }

  /** Looks at the variables again (after a run). */
  refresh(): void {
    this.stale = true;
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    const session = this.sessionId;
    void (this.kernel.variables?.(VARIABLES_LIMIT) ?? Promise.resolve(null))
      .then((result) => {
        if (!result || session !== this.sessionId) return;
        this.stale = false;
        this.publish(result, session);
      })
      .catch(() => {
        // The kernel went away mid-question: the status change says so.
      })
      .finally(() => {
        this.busy = false;
        if (this.again) {
          this.again = false;
          this.refresh();
        }
      });
  }

  destroy(): void {
    this.offStatus();
  }
}
