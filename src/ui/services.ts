/**
 * Page-wide services, created once at page open: the library, and the kernel (booting in parallel with the UI).
 */
import { createKernel, defaultIndexURL, DEFAULT_PACKAGE_BASE_URL, JupyterKernel, SwitchableKernel, type JupyterServer } from '../kernel';
import { Library } from '../sync';

export const PACKAGE_BASE_KEY = 'anode.packageBaseURL';

export function packageBaseURL(): string {
  return localStorage.getItem(PACKAGE_BASE_KEY) || DEFAULT_PACKAGE_BASE_URL;
}

export const library = new Library();

let kernel: SwitchableKernel | null = null;
let browserKernel: ReturnType<typeof createKernel> | null = null;

/** The tab's one kernel, started on first call (main.tsx calls it before rendering): Pyodide until a notebook picks another. */
export function tabKernel(): SwitchableKernel {
  if (!kernel) {
    browserKernel = createKernel({ indexURL: defaultIndexURL(), packageBaseURL: packageBaseURL() });
    kernel = new SwitchableKernel(browserKernel);
  }
  return kernel;
}

/**
 * Which kernel a notebook runs on, remembered on this device per notebook (like the API key, the token stays in this
 * device's localStorage: never in the document, never sent to peers).
 */
export type KernelChoice = { kind: 'browser' } | { kind: 'jupyter'; server: JupyterServer; kernelName: string; displayName: string };

const CHOICE_PREFIX = 'anode.kernelChoice.';

export function readKernelChoice(notebookId: string): KernelChoice {
  try {
    const c = JSON.parse(localStorage.getItem(CHOICE_PREFIX + notebookId) ?? 'null') as Partial<Extract<KernelChoice, { kind: 'jupyter' }>> | null;
    if (c?.kind === 'jupyter' && typeof c.server?.url === 'string' && typeof c.server.token === 'string' && typeof c.kernelName === 'string') {
      return { kind: 'jupyter', server: c.server, kernelName: c.kernelName, displayName: typeof c.displayName === 'string' ? c.displayName : c.kernelName };
    }
  } catch {
    // A damaged entry: the browser kernel.
  }
  return { kind: 'browser' };
}

export function writeKernelChoice(notebookId: string, choice: KernelChoice): void {
  if (choice.kind === 'browser') localStorage.removeItem(CHOICE_PREFIX + notebookId);
  else localStorage.setItem(CHOICE_PREFIX + notebookId, JSON.stringify(choice));
}

const serverFolder = (notebookId: string): string => `Anode/${notebookId}`;

function sameChoice(k: SwitchableKernel, choice: KernelChoice, notebookId: string): boolean {
  const w = k.where();
  if (choice.kind === 'browser') return w.kind === 'browser';
  const inner = k.inner();
  return inner instanceof JupyterKernel && inner.matches(choice.server, choice.kernelName, serverFolder(notebookId));
}

/** Puts the tab's kernel on `choice` (a Jupyter kernel is started on the server; a switch back keeps Pyodide's state). */
export function applyKernelChoice(choice: KernelChoice, notebookId: string): SwitchableKernel {
  const k = tabKernel();
  if (sameChoice(k, choice, notebookId)) return k;
  const wasBrowser = k.where().kind === 'browser';
  if (choice.kind === 'browser') {
    k.use(browserKernel!, { kind: 'browser' }, { disposeOld: true });
    return k;
  }
  // The notebook's files live in a folder of its own on the server, shared by every executor of this notebook there.
  const jk = new JupyterKernel({ server: choice.server, kernelName: choice.kernelName, appOrigin: location.origin, folder: serverFolder(notebookId) });
  k.use(jk, jk.where, { disposeOld: !wasBrowser });
  return k;
}
