import { describe, expect, it } from 'vitest';
import { VariablesWatcher, type Kernel, type KernelStatusInfo, type VariablesResult } from '../../src/kernel';

/** Just the part of a kernel the watcher uses: status, its changes, and the variables question. */
function kernelStub() {
  let status: KernelStatusInfo = { status: 'idle', isolated: true, sessionId: 's1' };
  const listeners = new Set<(s: KernelStatusInfo) => void>();
  let names = ['a'];
  let asked = 0;
  const kernel = {
    getStatus: () => status,
    onStatus: (cb: (s: KernelStatusInfo) => void) => (listeners.add(cb), () => listeners.delete(cb)),
    variables: async (): Promise<VariablesResult | null> => {
      asked++;
      if (status.status !== 'idle') return null;
      return { variables: names.map((name) => ({ name, type: 'int', kind: 'data', shape: null, size: 28, preview: '1' })), total: names.length };
    },
  } as unknown as Kernel;
  return {
    kernel,
    set(next: Partial<KernelStatusInfo>) {
      status = { ...status, ...next };
      listeners.forEach((fn) => fn(status));
    },
    define(...n: string[]) {
      names = n;
    },
    asked: () => asked,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('VariablesWatcher', () => {
  it('publishes after a run, once the kernel is idle when the run left it busy, and nothing for a new interpreter', async () => {
    const k = kernelStub();
    const seen: Array<string[] | null> = [];
    const w = new VariablesWatcher(k.kernel, (r) => seen.push(r ? r.variables.map((v) => v.name) : null));
    await tick();
    expect(seen).toEqual([['a']]);

    // Run all: the next cell is already running when the previous one ends.
    k.set({ status: 'busy' });
    k.define('a', 'b');
    w.refresh();
    await tick();
    expect(seen).toHaveLength(1);
    k.define('a', 'b', 'c');
    k.set({ status: 'idle' });
    await tick();
    expect(seen.at(-1)).toEqual(['a', 'b', 'c']);

    k.set({ status: 'starting', sessionId: 's2' });
    expect(seen.at(-1)).toBeNull();
    w.destroy();
  });
});
