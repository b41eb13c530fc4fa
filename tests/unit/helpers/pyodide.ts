/** Pyodide under Node with the kernel's Python package (workers/python/) on its path, as the worker lays it out. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadPyodide, type PyodideInterface } from 'pyodide';

const PY_DIR = join(__dirname, '../../../workers/python');
const ROOT = '/home/pyodide/anode';

function writeTree(p: PyodideInterface, dir: string): void {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) writeTree(p, full);
    else if (name.endsWith('.py')) {
      const target = `${ROOT}/${relative(PY_DIR, full)}`;
      p.FS.mkdirTree(target.slice(0, target.lastIndexOf('/')));
      p.FS.writeFile(target, readFileSync(full, 'utf8'));
    }
  }
}

export async function pyodideWithKernelSources(): Promise<PyodideInterface> {
  const pyodide = await loadPyodide({ indexURL: join(__dirname, '../../../node_modules/pyodide/') });
  writeTree(pyodide, PY_DIR);
  pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(ROOT)})`);
  return pyodide;
}
