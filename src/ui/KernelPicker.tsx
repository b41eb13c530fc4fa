/**
 * The kernel picker (the kernel badge opens it): Python in this browser, or a kernel on a Jupyter server (URL and
 * token, then the server's kernelspecs). The choice is remembered per notebook on this device; when connecting
 * fails, the connection doctor (src/kernel/jupyter/doctor.ts) says why and shows the command that fixes it.
 */
import { For, Show, createSignal, type JSX } from 'solid-js';
import { Dialog } from './Dialog';
import { JupyterConnectError, JupyterKernel, diagnose, listKernelSpecs, parseServerInput, type ConnectFailure, type Diagnosis, type KernelSpecInfo } from '../kernel';
import { applyKernelChoice, readKernelChoice, writeKernelChoice, type KernelChoice } from './services';

export function KernelPicker(props: { notebookId: string; onClose: () => void }): JSX.Element {
  const saved = readKernelChoice(props.notebookId);
  const [kind, setKind] = createSignal<KernelChoice['kind']>(saved.kind);
  const [url, setUrl] = createSignal(saved.kind === 'jupyter' ? saved.server.url : 'http://127.0.0.1:8888/');
  const [token, setToken] = createSignal(saved.kind === 'jupyter' ? saved.server.token : '');
  const [specs, setSpecs] = createSignal<KernelSpecInfo[] | null>(null);
  const [spec, setSpec] = createSignal(saved.kind === 'jupyter' ? saved.kernelName : '');
  const [busy, setBusy] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal<Diagnosis | null>(null);

  const ctx = () => ({ appOrigin: location.origin, serverUrl: parseServerInput(url(), token())?.url ?? url(), token: parseServerInput(url(), token())?.token ?? token() });
  const explain = (failure: ConnectFailure): void => {
    setProblem(diagnose(failure, ctx()));
  };

  const connect = async (): Promise<void> => {
    setProblem(null);
    setSpecs(null);
    const server = parseServerInput(url(), token());
    if (!server) return explain({ kind: 'bad-url' });
    setBusy('Asking the server for its kernels…');
    try {
      const list = await listKernelSpecs(server);
      setSpecs(list);
      if (!list.some((s) => s.name === spec())) setSpec(list[0]?.name ?? '');
    } catch (e) {
      explain(e instanceof JupyterConnectError ? e.failure : { kind: 'network' });
    } finally {
      setBusy(null);
    }
  };

  /** Switches this notebook's kernel; the dialog stays open until the kernel is ready, or says why it is not. */
  const use = async (choice: KernelChoice): Promise<void> => {
    setProblem(null);
    writeKernelChoice(props.notebookId, choice);
    const kernel = applyKernelChoice(choice, props.notebookId);
    const inner = kernel.inner();
    if (!(inner instanceof JupyterKernel)) return props.onClose();
    setBusy('Starting the kernel…');
    const status = await new Promise<'idle' | 'dead'>((resolve) => {
      const check = (): boolean => {
        const s = inner.getStatus().status;
        if (s === 'idle' || s === 'busy' || s === 'dead') {
          resolve(s === 'dead' ? 'dead' : 'idle');
          return true;
        }
        return false;
      };
      if (check()) return;
      const off = inner.onStatus(() => check() && off());
    });
    setBusy(null);
    if (status === 'idle') return props.onClose();
    explain(inner.failure ?? { kind: 'network' });
  };

  return (
    <Dialog title="Kernel" onClose={() => props.onClose()}>
      <form
        class="kernel-picker"
        onSubmit={(e) => {
          e.preventDefault();
          if (kind() === 'browser') void use({ kind: 'browser' });
          else if (!specs()) void connect();
          else {
            const s = specs()!.find((x) => x.name === spec());
            const server = parseServerInput(url(), token());
            if (s && server) void use({ kind: 'jupyter', server, kernelName: s.name, displayName: s.displayName });
          }
        }}
      >
        <label class="check">
          <input type="radio" name="kernel-kind" checked={kind() === 'browser'} onChange={() => setKind('browser')} />
          Python in this browser (Pyodide)
        </label>
        <label class="check">
          <input type="radio" name="kernel-kind" checked={kind() === 'jupyter'} onChange={() => setKind('jupyter')} />
          Jupyter server…
        </label>
        <Show when={kind() === 'jupyter'}>
          <fieldset>
            <label>
              Server URL
              <input aria-label="Jupyter server URL" value={url()} onInput={(e) => (setUrl(e.currentTarget.value), setSpecs(null))} />
            </label>
            <label>
              Token (kept on this device only)
              <input aria-label="Jupyter token" type="password" autocomplete="off" value={token()} onInput={(e) => (setToken(e.currentTarget.value), setSpecs(null))} />
            </label>
            <Show when={specs()}>
              {(list) => (
                <label>
                  Kernel
                  <select aria-label="Kernelspec" value={spec()} onChange={(e) => setSpec(e.currentTarget.value)}>
                    <For each={list()}>{(s) => <option value={s.name}>{s.displayName}</option>}</For>
                  </select>
                </label>
              )}
            </Show>
          </fieldset>
        </Show>
        <Show when={busy()}>{(b) => <p class="muted" role="status">{b()}</p>}</Show>
        <Show when={problem()}>
          {(d) => (
            <div class="doctor" role="alert" data-cause={d().cause}>
              <p class="doctor-title">{d().title}</p>
              <p>{d().detail}</p>
              <Show when={d().fix}>{(fix) => <pre data-testid="doctor-fix"><code>{fix()}</code></pre>}</Show>
            </div>
          )}
        </Show>
        <div class="dialog-actions">
          <button type="submit" disabled={busy() !== null}>
            {kind() === 'browser' ? 'Use this browser' : specs() ? 'Use this kernel' : 'Connect'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
