import type { PyodideInterface } from 'pyodide';

/**
 * Runs the worker's own set-up code in a throwaway namespace. Pyodide's default globals are `__main__`'s, and once
 * IPython's shell exists (a restored snapshot has it from the start) `__main__` is the notebook's namespace: an
 * `import sys` there would show up as a user variable.
 */
export function runPrivately(p: PyodideInterface, code: string): void {
  const scope = p.toPy({});
  try {
    p.runPython(code, { globals: scope });
  } finally {
    scope.destroy();
  }
}
