/**
 * The Python half of the kernel (workers/python/) in real Pyodide, run under Node: what a cell's events look
 * like for prints, results, the display protocol, errors, magics, input(), completion and inspection.
 * The browser worker around it is covered by tests/e2e/kernel-*.spec.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadPyodide, type PyodideInterface } from 'pyodide';
import type { KernelEvent } from '../../src/kernel/protocol';

const PY_DIR = join(__dirname, '../../workers/python');
const ROOT = '/home/pyodide/anode';

interface PyKernel {
  setup(send: (json: string) => void, readInput: (prompt: string, password: boolean) => string | undefined): string;
  run_cell(code: string): Promise<string>;
  complete(code: string, cursor: number): string;
  inspect_at(code: string, cursor: number): string | undefined;
}

let py: PyKernel;
let pyodide: PyodideInterface;
let events: KernelEvent[] = [];
let inputs: Array<string | undefined> = [];
let prompts: Array<[string, boolean]> = [];

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

async function run(code: string): Promise<{ status: string; executionCount: number; events: KernelEvent[] }> {
  events = [];
  const result = JSON.parse(await py.run_cell(code)) as { status: string; executionCount: number };
  return { ...result, events };
}

/** Stream text merged per stream name, as the notebook shows it. */
function text(evts: KernelEvent[], name: 'stdout' | 'stderr' = 'stdout'): string {
  return evts.map((e) => (e.type === 'stream' && e.name === name ? e.text : '')).join('');
}

function only<T extends KernelEvent['type']>(evts: KernelEvent[], type: T): Array<Extract<KernelEvent, { type: T }>> {
  return evts.filter((e): e is Extract<KernelEvent, { type: T }> => e.type === type);
}

const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

beforeAll(async () => {
  pyodide = await loadPyodide({ indexURL: join(__dirname, '../../node_modules/pyodide/') });
  writeTree(pyodide, PY_DIR);
  pyodide.runPython(`import sys; sys.path.insert(0, ${JSON.stringify(ROOT)})`);
  py = pyodide.pyimport('anode_kernel') as unknown as PyKernel;
  py.setup(
    (json) => events.push(JSON.parse(json) as KernelEvent),
    (prompt, password) => {
      prompts.push([prompt, password]);
      return inputs.shift();
    },
  );
}, 60_000);

describe('python kernel', () => {
  it('prints to stdout and stderr and shows the last expression as the result with its count', async () => {
    const r = await run('import sys\nprint("hello")\nprint("oops", file=sys.stderr)\n6 * 7');
    expect(r.status).toBe('ok');
    expect(text(r.events)).toBe('hello\n');
    expect(text(r.events, 'stderr')).toBe('oops\n');
    expect(only(r.events, 'execute_result')).toEqual([
      { type: 'execute_result', data: { 'text/plain': '42' }, metadata: {}, executionCount: r.executionCount },
    ]);
  });

  it('a huge list shows its first 1000 items then "...", as IPython does; a huge string is cut with a note', async () => {
    const r = await run('list(range(10**7))');
    const shown = only(r.events, 'execute_result')[0]!.data['text/plain'] as string;
    const lines = shown.split('\n');
    expect(lines).toHaveLength(1001);
    expect(lines[0]).toBe('[0,');
    expect(lines[999]).toBe(' 999,');
    expect(lines[1000]).toBe(' ...]');
    const d = only((await run('{i: str(i) for i in range(5000)}')).events, 'execute_result')[0]!.data['text/plain'] as string;
    expect(d.split('\n')[1]).toBe(" 1: '1',");
    expect(d.endsWith(' ...}')).toBe(true);
    const text = only((await run('"x" * 2_000_000')).events, 'execute_result')[0]!.data['text/plain'] as string;
    expect(text.length).toBeLessThan(600_000);
    expect(text).toMatch(/\[\.\.\. 1,500,002 more characters not shown\]$/);
  });

  it('a trailing semicolon suppresses the result; variables persist between cells', async () => {
    expect(only((await run('answer = 41 + 1;')).events, 'execute_result')).toEqual([]);
    expect(only((await run('answer;')).events, 'execute_result')).toEqual([]);
    expect(only((await run('answer')).events, 'execute_result')[0]!.data['text/plain']).toBe('42');
  });

  it('counts executions, errors included', async () => {
    const a = await run('1');
    const b = await run('1/0');
    const c = await run('2');
    expect([b.executionCount, c.executionCount]).toEqual([a.executionCount + 1, a.executionCount + 2]);
  });

  it('supports top-level await', async () => {
    const r = await run('import asyncio\nawait asyncio.sleep(0)\n"done"');
    expect(r.status).toBe('ok');
    expect(only(r.events, 'execute_result')[0]!.data['text/plain']).toBe("'done'");
  });

  it('shows a clean traceback of the user frames only, ending in ename: evalue', async () => {
    const r = await run('def inner(x):\n    return x / 0\n\ninner(1)');
    expect(r.status).toBe('error');
    const [err] = only(r.events, 'error');
    expect(err).toMatchObject({ ename: 'ZeroDivisionError', evalue: 'division by zero' });
    const tb = strip(err!.traceback.join('\n'));
    expect(tb).toContain('Cell In[');
    expect(tb).toContain('----> 4');
    expect(tb).toContain('return x / 0');
    expect(tb).toContain('in inner');
    expect(tb.trim().endsWith('ZeroDivisionError: division by zero')).toBe(true);
    expect(tb).not.toMatch(/_pyodide|_base\.py|anode_kernel|CodeRunner/);
    expect(err!.traceback.join('')).toContain('\x1b['); // coloured
  });

  it('infinite recursion gives a short traceback (repeated frames counted) and leaves the kernel usable', async () => {
    const r = await run('def down(n):\n    return down(n + 1)\n\ndown(0)');
    expect(r.status).toBe('error');
    const [err] = only(r.events, 'error');
    expect(err!.ename).toBe('RecursionError');
    const tb = strip(err!.traceback.join('\n'));
    expect(tb).toMatch(/\[\.\.\. skipping similar frames: down at line 2 \(\d+ times\)\]/);
    expect(tb.split('\n').length).toBeLessThan(60);
    expect(tb.trim().endsWith('RecursionError: maximum recursion depth exceeded')).toBe(true);
    expect(only((await run('6 * 7')).events, 'execute_result')[0]!.data['text/plain']).toBe('42');
  });

  it('mutual recursion is cut to its first and last frames', async () => {
    const r = await run('def ping(n):\n    return pong(n)\n\ndef pong(n):\n    return ping(n)\n\nping(0)');
    const tb = strip(only(r.events, 'error')[0]!.traceback.join('\n'));
    expect(tb).toMatch(/\[\.\.\. \d+ more frames \.\.\.\]/);
    expect(tb.split('\n').length).toBeLessThan(400);
  });

  it('reports a syntax error with the caret and no internal frames', async () => {
    const r = await run('if True\n    pass');
    const [err] = only(r.events, 'error');
    expect(err!.ename).toBe('SyntaxError');
    const tb = strip(err!.traceback.join('\n'));
    expect(tb).toContain('^');
    expect(tb).not.toMatch(/_pyodide|anode_kernel/);
  });

  it('shows chained exceptions like Python does', async () => {
    const r = await run('try:\n    {}["k"]\nexcept KeyError as e:\n    raise ValueError("bad key") from e');
    const tb = strip(only(r.events, 'error')[0]!.traceback.join('\n'));
    expect(tb).toContain('KeyError');
    expect(tb).toContain('direct cause');
    expect(tb.trim().endsWith('ValueError: bad key')).toBe(true);
  });

  it('a KeyboardInterrupt is reported as interrupted', async () => {
    const r = await run('raise KeyboardInterrupt');
    expect(r.status).toBe('interrupted');
    expect(only(r.events, 'error')[0]!.ename).toBe('KeyboardInterrupt');
  });

  it('sys.exit does not end the kernel', async () => {
    const r = await run('import sys\nsys.exit(3)');
    expect(only(r.events, 'error')[0]!.ename).toBe('SystemExit');
    expect((await run('1')).status).toBe('ok');
  });

  it('every _repr_*_ method reaches the bundle, richest types alongside text/plain', async () => {
    const r = await run(`
class Rich:
    def _repr_html_(self): return "<b>html</b>"
    def _repr_markdown_(self): return "# md"
    def _repr_svg_(self): return '<svg xmlns="http://www.w3.org/2000/svg"/>'
    def _repr_png_(self): return b"\\x89PNG"
    def _repr_jpeg_(self): return b"\\xff\\xd8\\xff"
    def _repr_json_(self): return {"a": 1}
    def _repr_latex_(self): return "$x^2$"
    def __repr__(self): return "Rich()"
Rich()`);
    const [res] = only(r.events, 'execute_result');
    expect(res!.data).toEqual({
      'text/html': '<b>html</b>',
      'text/markdown': '# md',
      'image/svg+xml': '<svg xmlns="http://www.w3.org/2000/svg"/>',
      'image/png': 'iVBORw==',
      'image/jpeg': '/9j/',
      'application/json': { a: 1 },
      'text/latex': '$x^2$',
      'text/plain': 'Rich()',
    });
  });

  it('_repr_mimebundle_ wins, with its metadata; a failing _repr_ is reported, not fatal', async () => {
    const r = await run(`
class B:
    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": "<i>b</i>", "text/plain": "B!"}, {"text/html": {"isolated": True}}
    def _repr_html_(self): return "never"
class Broken:
    def _repr_html_(self): raise RuntimeError("nope")
display(B())
display(Broken())`);
    const shown = only(r.events, 'display');
    expect(shown[0]).toMatchObject({ data: { 'text/html': '<i>b</i>', 'text/plain': 'B!' }, metadata: { 'text/html': { isolated: true } } });
    expect(shown[1]!.data['text/html']).toBeUndefined();
    expect(text(r.events, 'stderr')).toContain('nope');
  });

  it('IPython.display works offline: classes, display ids, update_display and clear_output', async () => {
    const r = await run(`
from IPython.display import display, HTML, Markdown, JSON, SVG, Image, Latex, Math, clear_output, update_display
h = display(HTML("<p>one</p>"), display_id=True)
h.update(Markdown("**two**"))
display(JSON({"k": [1, 2]}), Latex(r"$\\alpha$"), Math("x^2"), SVG('<svg xmlns="http://www.w3.org/2000/svg"/>'))
display(Image(data=b"\\x89PNG\\r\\n\\x1a\\n"))
update_display(HTML("<p>three</p>"), display_id=h.display_id)
clear_output(wait=True)
print("after")`);
    expect(r.status).toBe('ok');
    const [first, json, latex, math, svg, img] = only(r.events, 'display');
    expect(first).toMatchObject({ data: { 'text/html': '<p>one</p>' } });
    const id = first!.displayId!;
    expect(id).toBeTruthy();
    expect(only(r.events, 'update_display').map((u) => [u.displayId, Object.keys(u.data)[0]])).toEqual([
      [id, 'text/markdown'],
      [id, 'text/html'],
    ]);
    expect(json!.data['application/json']).toEqual({ k: [1, 2] });
    expect(latex!.data['text/latex']).toBe('$\\alpha$');
    expect(math!.data['text/latex']).toBe('$\\displaystyle x^2$');
    expect(svg!.data['image/svg+xml']).toContain('<svg');
    expect(img!.data['image/png']).toBe('iVBORw0KGgo=');
    const kinds = r.events.map((e) => e.type);
    expect(kinds.indexOf('clear_output')).toBeLessThan(kinds.lastIndexOf('stream'));
    expect(only(r.events, 'clear_output')[0]!.wait).toBe(true);
  });

  it('display is a builtin, like in Jupyter', async () => {
    const r = await run('display({"a": 1})');
    expect(only(r.events, 'display')[0]!.data['text/plain']).toBe("{'a': 1}");
  });

  it('input() asks the notebook and echoes the answer; getpass asks for a password', async () => {
    inputs = ['Ada', 's3cret'];
    prompts = [];
    const r = await run('name = input("Name? ")\nimport getpass\npw = getpass.getpass("Password: ")\nprint(name, len(pw))');
    expect(prompts).toEqual([
      ['Name? ', false],
      ['Password: ', true],
    ]);
    expect(text(r.events)).toBe('Name? Ada\nPassword: \nAda 6\n');
  });

  it('input() withdrawn by an interrupt raises KeyboardInterrupt', async () => {
    inputs = [undefined];
    const r = await run('input("? ")');
    expect(r.status).toBe('interrupted');
  });

  it('%pip install becomes an awaited install; unknown magics say they are unsupported', async () => {
    const r = await run('%timeit 1');
    expect(only(r.events, 'error')[0]).toMatchObject({ ename: 'NotImplementedError', evalue: '%timeit is not supported in this kernel' });
    const mod = pyodide.pyimport('anode_kernel.magics');
    expect(mod.transform_cell('%pip install -q anode-tiny other\nx = 1')).toBe(
      "await __import__('anode_kernel.packages').packages.pip_install(['anode-tiny', 'other'])\nx = 1",
    );
  });

  it('streams keep the order of writes across stdout and stderr', async () => {
    const r = await run('import sys\nfor i in range(3):\n    print("o", i)\n    print("e", i, file=sys.stderr)');
    const seq = only(r.events, 'stream').map((e) => `${e.name}:${e.text}`);
    expect(seq.join('')).toBe('stdout:o 0\nstderr:e 0\nstdout:o 1\nstderr:e 1\nstdout:o 2\nstderr:e 2\n');
  });

  it('completes names, attributes and keywords from the live namespace', async () => {
    await run('import os\nmy_variable = 1');
    const names = JSON.parse(py.complete('my_va', 5)) as { matches: string[]; from: number; to: number };
    expect(names).toEqual({ matches: ['my_variable'], from: 0, to: 5 });
    const attrs = JSON.parse(py.complete('x = os.pat', 10)) as { matches: string[]; from: number; to: number };
    expect(attrs.matches).toContain('path');
    expect(attrs.matches).toContain('pathsep');
    expect([attrs.from, attrs.to]).toEqual([7, 10]);
    expect((JSON.parse(py.complete('whi', 3)) as { matches: string[] }).matches).toContain('while');
  });

  it('inspects the name at the cursor or the call being typed', async () => {
    await run('def greet(name: str, excited: bool = False) -> str:\n    """Say hello."""\n    return name');
    expect(py.inspect_at('greet', 2)).toBe('greet(name: str, excited: bool = False) -> str\n\nSay hello.');
    expect(py.inspect_at('greet("a", ', 10)).toContain('greet(name: str');
    expect(py.inspect_at('nothing_here', 3)).toBeUndefined();
  });
});
