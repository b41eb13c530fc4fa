/**
 * The Variables panel's introspection (workers/python/anode_kernel/variables.py) in real Pyodide under Node:
 * what is listed and hidden, and that large objects are described without being repr'd whole.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { PyodideInterface } from 'pyodide';
import type { VariablesResult } from '../../src/kernel/protocol';
import { pyodideWithKernelSources } from './helpers/pyodide';

let pyodide: PyodideInterface;

/** Runs `code` in a fresh namespace and lists its variables as the kernel would. */
function variablesAfter(code: string, limit = 500): VariablesResult {
  const json = pyodide.runPython(`
from anode_kernel import variables as _v
_ns = {"__name__": "__main__"}
exec(${JSON.stringify(code)}, _ns)
_v.list_json(${limit}, _ns)
`) as string;
  return JSON.parse(json) as VariablesResult;
}

beforeAll(async () => {
  pyodide = await pyodideWithKernelSources();
}, 60_000);

describe('kernel variables', () => {
  it('lists user data with type, shape, size and a preview, sorted by name', () => {
    const r = variablesAfter('b = [1, 2, 3]\na = 42\nname = "Ada"\nd = {"x": 1}');
    expect(r.total).toBe(4);
    expect(r.variables.map((v) => [v.name, v.type, v.shape, v.preview])).toEqual([
      ['a', 'int', null, '42'],
      ['b', 'list', 'len 3', '[1, 2, 3]'],
      ['d', 'dict', 'len 1', "{'x': 1}"],
      ['name', 'str', 'len 3', "'Ada'"],
    ]);
    expect(r.variables[0]!.size).toBeGreaterThan(0);
  });

  it('hides modules, _names and IPython internals; functions and classes are marked, not dropped', () => {
    const r = variablesAfter(
      'import math\n_private = 1\nIn = []\nOut = {}\nexit = quit = get_ipython = print\n_i1 = "x"\n_oh = {}\ndef f(x): return x\nclass K: pass\nkept = 1',
    );
    expect(r.variables.map((v) => [v.name, v.kind])).toEqual([
      ['f', 'function'],
      ['K', 'class'],
      ['kept', 'data'],
    ]);
  });

  it('a 10-million-element list is described at once, never repr-d whole', () => {
    // A repr() of the whole list would reach the last element, whose __repr__ raises.
    const r = variablesAfter('class Loud:\n    def __repr__(self): raise RuntimeError("repr called")\nbig = list(range(10_000_000))\nbig.append(Loud())\nhuge = {i: i for i in range(1_000_000)}\nlong = "x" * 5_000_000', 10);
    const big = r.variables.find((v) => v.name === 'big')!;
    expect(big.shape).toBe('len 10000001');
    expect(big.preview).toBe('[0, 1, 2, 3, 4, 5, 6, 7, ...]');
    expect(r.variables.find((v) => v.name === 'huge')!.preview).toBe('{0: 0, 1: 1, 2: 2, 3: 3, 4: 4, ...}');
    expect(r.variables.find((v) => v.name === 'long')!.preview.length).toBeLessThanOrEqual(120);
    // Building the list takes seconds in wasm on a loaded machine; the look itself is not what is timed.
  }, 120_000);

  it('never calls the __repr__ of user objects, even inside containers', () => {
    const r = variablesAfter('class Loud:\n    def __repr__(self): raise RuntimeError("repr called")\nx = Loud()\nxs = [Loud()]');
    expect(r.variables.find((v) => v.name === 'x')!.preview).toBe('<Loud object>');
    expect(r.variables.find((v) => v.name === 'xs')!.preview).toBe('[<Loud>]');
  });

  it('describes at most `limit` variables and counts them all', () => {
    const r = variablesAfter('for i in range(1000): globals()[f"v{i:04}"] = i', 300);
    expect(r.variables).toHaveLength(300);
    // The loop variable `i` is a user variable too.
    expect(r.total).toBe(1001);
  });
});
