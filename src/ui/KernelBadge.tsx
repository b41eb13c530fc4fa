/**
 * Where the code runs and how that kernel is doing: starting / idle / busy / dead, with the reason when dead. Its
 * label opens the kernel picker (./KernelPicker.tsx).
 */
import { Show, createSignal, onCleanup, type JSX } from 'solid-js';
import type * as Y from 'yjs';
import { kernelMap, readKernel } from '../model';
import type { Kernel, KernelStatusInfo } from '../kernel';
import { KernelPicker } from './KernelPicker';
import { fromY } from './reactive';

function bootText(s: KernelStatusInfo): string {
  if (!s.boot) return '';
  const how = s.boot.from === 'snapshot' ? 'from a saved snapshot of a fresh interpreter' : 'from scratch';
  return `Python started in ${(s.boot.ms / 1000).toFixed(2)} s, ${how}`;
}

export function KernelBadge(props: { doc: Y.Doc; kernel: Kernel; me: number; notebookId: string }): JSX.Element {
  const [local, setLocal] = createSignal<KernelStatusInfo>(props.kernel.getStatus());
  const [picking, setPicking] = createSignal(false);
  onCleanup(props.kernel.onStatus(setLocal));
  const session = fromY(kernelMap(props.doc), () => readKernel(props.doc), false);
  // The document says whose kernel executes; when it is this tab's, its live status is the freshest.
  const remote = () => {
    const s = session();
    return s && s.executor.client !== props.me ? s : null;
  };
  const status = () => remote()?.status ?? local().status;
  const reason = () => (remote() ? remote()!.reason : local().reason);
  const label = () => {
    const w = local().where;
    return w ? `${w.kernel} on ${w.host}` : 'Python';
  };
  return (
    <div class="kernel-badge" data-status={status()} data-started-from={local().boot?.from} title={reason() ?? bootText(local())}>
      <span class="kernel-dot" aria-hidden="true" />
      <button class="kernel-pick" aria-label="Choose kernel" aria-haspopup="dialog" onClick={() => setPicking(true)}>
        {label()}
      </button>{' '}
      <span data-testid="kernel-status" aria-live="polite">
        {status()}
      </span>
      <Show when={remote()}>
        {(r) => (
          <span class="kernel-where" data-testid="kernel-where">
            {' '}
            · {r().executor.runtime === true
              ? `Code runs on ${r().executor.name}${r().where ? ` (${r().where!.kernel})` : ''}`
              : r().where
                ? `Code runs on ${r().executor.name}’s Jupyter server (${r().where!.kernel}, ${r().where!.host})`
                : `runs in ${r().executor.name}’s browser`}
          </span>
        )}
      </Show>
      <Show when={local().where && status() === 'starting' && reason()}>
        <span class="kernel-note" data-testid="kernel-note">
          {' '}
          — {reason()}
        </span>
      </Show>
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
      <Show when={picking()}>
        <KernelPicker notebookId={props.notebookId} onClose={() => setPicking(false)} />
      </Show>
    </div>
  );
}
