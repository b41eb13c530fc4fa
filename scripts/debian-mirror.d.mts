/** The apt packages the mirror is made from. */
export const DEBIAN_PACKAGES: string[];
/** Writes Debian's IPython as wheels plus a pyodide-lock.json into `dir` (default: tests/fixtures/debian/build). */
export function buildDebianMirror(dir?: string): { dir: string; lock: string; fresh: boolean };
