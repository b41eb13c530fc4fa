/**
 * Page-wide services, created once at page open: the library, and the kernel (booting in parallel with the UI).
 */
import { createKernel, defaultIndexURL, DEFAULT_PACKAGE_BASE_URL, type Kernel } from '../kernel';
import { Library } from '../sync';

export const PACKAGE_BASE_KEY = 'anode.packageBaseURL';

export function packageBaseURL(): string {
  return localStorage.getItem(PACKAGE_BASE_KEY) || DEFAULT_PACKAGE_BASE_URL;
}

export const library = new Library();

let kernel: Kernel | null = null;

/** The tab's one Python kernel, started on first call (main.tsx calls it before rendering). */
export function tabKernel(): Kernel {
  kernel ??= createKernel({ indexURL: defaultIndexURL(), packageBaseURL: packageBaseURL() });
  return kernel;
}
