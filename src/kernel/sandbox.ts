/**
 * The kernel sandbox: Python runs in a worker owned by an iframe with `sandbox="allow-scripts"` (no
 * allow-same-origin), so its origin is opaque. From there, code in a notebook (or from a room's guest) reaches none
 * of the app's storage (IndexedDB, localStorage, Cache Storage: SecurityError), no service worker, no parent window,
 * no cookie, and the app's own URLs answer it nothing (cross-origin without CORS). What it can use: the network,
 * and what the page chooses to hand it.
 *
 * `allow="cross-origin-isolated"` delegates the page's isolation to the frame (it inherits COEP from the page, as a
 * srcdoc document), so SharedArrayBuffer still works there. A SharedArrayBuffer cannot be shared with another
 * origin's agent cluster, so the frame creates the interrupt and input() buffers itself, hands them to its worker,
 * and writes them when the page asks (interrupt, input reply) over a MessagePort. Comlink and the kernel's
 * messages go over a port straight between the page and the worker: the frame relays nothing of them.
 *
 * The worker is a classic worker from a blob URL: an opaque origin can neither load a worker from the app's URL
 * nor start a module worker from a blob (both seen failing in Chromium), so the page fetches the built worker's
 * source and passes it down.
 *
 * Cost, measured (`npm run bench`): Chromium runs the sandboxed frame in a process of its own (about 0.2 s to
 * start, in parallel with the page), and nothing compiled is cached for an opaque origin, so the interpreter's
 * wasm is compiled on every boot.
 */
import { INPUT_BUFFER_BYTES, INPUT_CANCELLED, INPUT_HEADER_BYTES, INPUT_REPLIED } from './protocol';

/** One kernel worker in the sandbox. The ports are the page's ends; commands reach the frame in order. */
export interface SandboxedWorker {
  /** Comlink and kernel messages (the worker's `rpc`). */
  rpc: MessagePort;
  /** The worker's file and snapshot requests (./host-fetch.ts), answered by the host worker. */
  host: MessagePort;
  /** Whether the worker got shared buffers (interrupt and input() work), known once it is spawned. */
  isolated: Promise<boolean>;
  /** Sets SIGINT in the interrupt buffer and wakes a sleep; resolves once the frame has written it. */
  interrupt(): Promise<void>;
  /** Answers a pending input() (null: withdrawn; Python raises KeyboardInterrupt). */
  replyInput(text: string | null): void;
  terminate(): void;
  /** The worker failed to load or threw outside any call. */
  onError(cb: (message: string) => void): void;
}

export interface KernelSandbox {
  spawn(): SandboxedWorker;
  dispose(): void;
}

interface RelayConstants {
  inputBufferBytes: number;
  inputHeaderBytes: number;
  inputReplied: number;
  inputCancelled: number;
}

/** Page to frame, on the frame's port. */
type FrameCommand =
  | { spawn: number; source: string }
  | { interrupt: number }
  | { input: number; text: string | null }
  | { terminate: number };

/** Frame to page. */
type FrameEvent = { spawned: number; isolated: boolean } | { workerError: number; message: string } | { interrupted: number };

/**
 * The frame's whole program, stringified into its srcdoc: it must not refer to anything outside itself. It
 * accepts one port from its parent, then only commands on that port; the worker's own messages are ignored.
 */
function relay(c: RelayConstants): void {
  let port: MessagePort | null = null;
  let sourceURL: string | null = null;
  let source = '';
  const workers = new Map<number, { worker: Worker; interrupt: SharedArrayBuffer | null; input: SharedArrayBuffer | null }>();
  const onCommand = (msg: FrameCommand, ports: readonly MessagePort[]): void => {
    const out = port!;
    if ('spawn' in msg) {
      const isolated = self.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function';
      if (!sourceURL || source !== msg.source) {
        source = msg.source;
        sourceURL = URL.createObjectURL(new Blob([msg.source], { type: 'text/javascript' }));
      }
      const worker = new Worker(sourceURL, { name: 'anode-kernel' });
      const interrupt = isolated ? new SharedArrayBuffer(4) : null;
      const input = isolated ? new SharedArrayBuffer(c.inputBufferBytes) : null;
      workers.set(msg.spawn, { worker, interrupt, input });
      worker.addEventListener('error', (e) => {
        out.postMessage({ workerError: msg.spawn, message: e.message || 'the kernel worker failed to load' } satisfies FrameEvent);
      });
      const [rpc, host] = ports;
      worker.postMessage({ anodeInit: true, rpc, host, interruptBuffer: interrupt, inputBuffer: input }, [rpc!, host!]);
      out.postMessage({ spawned: msg.spawn, isolated } satisfies FrameEvent);
      return;
    }
    if ('interrupt' in msg) {
      const w = workers.get(msg.interrupt);
      if (w?.interrupt) {
        new Uint8Array(w.interrupt)[0] = 2; // SIGINT
        Atomics.notify(new Int32Array(w.interrupt), 0);
      }
      out.postMessage({ interrupted: msg.interrupt } satisfies FrameEvent);
      return;
    }
    if ('input' in msg) {
      const buffer = workers.get(msg.input)?.input;
      if (!buffer) return;
      const header = new Int32Array(buffer, 0, 2);
      if (msg.text === null) {
        Atomics.store(header, 0, c.inputCancelled);
      } else {
        const bytes = new TextEncoder().encode(msg.text);
        const n = Math.min(bytes.length, buffer.byteLength - c.inputHeaderBytes);
        new Uint8Array(buffer, c.inputHeaderBytes, n).set(bytes.subarray(0, n));
        Atomics.store(header, 1, n);
        Atomics.store(header, 0, c.inputReplied);
      }
      Atomics.notify(header, 0);
      return;
    }
    const w = workers.get(msg.terminate);
    workers.delete(msg.terminate);
    w?.worker.terminate();
  };
  const onHello = (e: MessageEvent): void => {
    if (e.source !== parent || (e.data as { anodeKernelHost?: unknown } | null)?.anodeKernelHost !== true || !e.ports[0]) return;
    removeEventListener('message', onHello);
    port = e.ports[0];
    port.onmessage = (m: MessageEvent<FrameCommand>) => onCommand(m.data, m.ports);
  };
  addEventListener('message', onHello);
  parent.postMessage({ anodeKernelFrame: 'ready' }, '*');
}

function frameDocument(): string {
  const constants: RelayConstants = {
    inputBufferBytes: INPUT_BUFFER_BYTES,
    inputHeaderBytes: INPUT_HEADER_BYTES,
    inputReplied: INPUT_REPLIED,
    inputCancelled: INPUT_CANCELLED,
  };
  return `<!doctype html><meta charset="utf-8"><script>(${relay.toString()})(${JSON.stringify(constants)})</script>`;
}

/**
 * Creates the sandbox frame (hidden, in `document.body`). `workerSource` gives the built kernel worker's code;
 * it is asked for on each spawn (the caller caches it).
 */
export function createKernelSandbox(workerSource: () => Promise<string>): KernelSandbox {
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', 'allow-scripts');
  frame.setAttribute('allow', 'cross-origin-isolated');
  frame.setAttribute('aria-hidden', 'true');
  frame.title = 'Python sandbox';
  // Not display:none: Chromium gives a process whose frames are all hidden background CPU priority, and under load
  // the kernel then starves. One transparent pixel in the viewport, out of the way, keeps it foreground.
  frame.style.cssText = 'position:fixed;left:0;top:0;width:1px;height:1px;border:0;opacity:0;pointer-events:none';
  frame.dataset['anodeKernelSandbox'] = '';
  frame.srcdoc = frameDocument();

  let nextId = 1;
  const spawned = new Map<number, (isolated: boolean) => void>();
  const interrupted = new Map<number, Array<() => void>>();
  const errors = new Map<number, (message: string) => void>();
  const port = new Promise<MessagePort>((resolve) => {
    const onReady = (e: MessageEvent): void => {
      if (e.source !== frame.contentWindow || (e.data as { anodeKernelFrame?: unknown } | null)?.anodeKernelFrame !== 'ready') return;
      window.removeEventListener('message', onReady);
      const channel = new MessageChannel();
      frame.contentWindow!.postMessage({ anodeKernelHost: true }, '*', [channel.port2]);
      channel.port1.onmessage = (m: MessageEvent<FrameEvent>) => {
        const ev = m.data;
        if ('spawned' in ev) {
          spawned.get(ev.spawned)?.(ev.isolated === true);
          spawned.delete(ev.spawned);
        } else if ('workerError' in ev) {
          errors.get(ev.workerError)?.(String(ev.message));
        } else if ('interrupted' in ev) {
          interrupted.get(ev.interrupted)?.shift()?.();
        }
      };
      resolve(channel.port1);
    };
    window.addEventListener('message', onReady);
  });
  document.body.append(frame);

  const send = (cmd: FrameCommand, transfer: Transferable[] = []): void => {
    void port.then((p) => p.postMessage(cmd, transfer));
  };

  return {
    spawn(): SandboxedWorker {
      const id = nextId++;
      const rpc = new MessageChannel();
      const host = new MessageChannel();
      const isolated = new Promise<boolean>((resolve) => spawned.set(id, resolve));
      void Promise.all([port, workerSource()]).then(
        ([p, source]) => p.postMessage({ spawn: id, source } satisfies FrameCommand, [rpc.port2, host.port2]),
        (e: unknown) => errors.get(id)?.(`the kernel's code could not be loaded (${e instanceof Error ? e.message : String(e)})`),
      );
      return {
        rpc: rpc.port1,
        host: host.port1,
        isolated,
        interrupt: () =>
          new Promise<void>((resolve) => {
            interrupted.set(id, [...(interrupted.get(id) ?? []), resolve]);
            send({ interrupt: id });
          }),
        replyInput: (text) => send({ input: id, text }),
        terminate: () => {
          errors.delete(id);
          spawned.delete(id);
          interrupted.get(id)?.forEach((resolve) => resolve());
          interrupted.delete(id);
          send({ terminate: id });
          rpc.port1.close();
          host.port1.close();
        },
        onError: (cb) => errors.set(id, cb),
      };
    },
    dispose(): void {
      frame.remove();
    },
  };
}
