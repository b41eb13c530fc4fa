/** Where the code runs and how that kernel is doing: starting / idle / busy / dead, with the reason when dead. */
import { Show, createSignal, onCleanup, type JSX } from 'solid-js';
import type * as Y from 'yjs';
import { kernelMap, readKernel } from '../model';
import type { Kernel, KernelStatusInfo } from '../kernel';
import { fromY } from './reactive';

function bootText(s: KernelStatusInfo): string {
  if (!s.boot) return '';
  const how = s.boot.from === 'snapshot' ? 'from a saved snapshot of a fresh interpreter' : 'from scratch';
  return `Python started in ${(s.boot.ms / 1000).toFixed(2)} s, ${how}`;
}

export function KernelBadge(props: { doc: Y.Doc; kernel: Kernel; me: number }): JSX.Element {
  const [local, setLocal] = createSignal<KernelStatusInfo>(props.kernel.getStatus());
  onCleanup(props.kernel.onStatus(setLocal));
  const session = fromY(kernelMap(props.doc), () => readKernel(props.doc), false);
  // The document says whose kernel executes; when it is this tab's, its live status is the freshest.
  const remote = () => {
    const s = session();
    return s && s.executor.client !== props.me ? s : null;
  };
  const status = () => remote()?.status ?? local().status;
  const reason = () => (remote() ? remote()!.reason : local().reason);
  return (
    <div class="kernel-badge" data-status={status()} data-started-from={local().boot?.from} title={reason() ?? bootText(local())}>
      <span class="kernel-dot" aria-hidden="true" />
      <span>Python </span>
      <span data-testid="kernel-status" aria-live="polite">
        {status()}
      </span>
      <Show when={remote()}>{(r) => <span class="kernel-where"> · runs in {r().executor.name}’s browser</span>}</Show>
      <Show when={status() === 'dead' && reason()}>
        <span class="kernel-reason" role="alert">
          {' '}
          — {reason()}
        </span>
      </Show>
      <Show when={!local().isolated}>
        <span class="kernel-warn" title="This page is not cross-origin isolated: interrupt restarts the kernel and input() is unavailable">
          {' '}
          (not isolated)
        </span>
      </Show>
    </div>
  );
}
