/**
 * The Python half of the kernel (workers/python/) in real Pyodide, run under Node, with IPython's shell made as
 * the worker makes it (Debian's IPython 8.5 from scripts/debian-mirror.mjs, imported from its wheels): what a
 * cell's events look like for prints, results, the display protocol, errors, magics, `?`, In/Out, input(),
 * completion and inspection. The browser worker around it is covered by tests/e2e/kernel-*.spec.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PyodideInterface } from 'pyodide';
import { pyodideWithKernelSources } from './helpers/pyodide';
import type { KernelEvent, VariablesResult } from '../../src/kernel/protocol';
import { buildDebianMirror } from '../../scripts/debian-mirror.mjs';
import { cellOrder, createNotebookDoc, snapshotCell } from '../../src/model';
import { exportIpynb, importNotebook } from '../../src/model/ipynb';
import { OutputWriter } from '../../src/kernel/outputWriter';
import { mustParse } from '../fixtures/notebooks/helpers';
import { validateNbformat45 } from '../fixtures/notebooks/nbformat-schema';


interface PyKernel {
  prepare(ipython: boolean, key: string): string;
  setup(send: (json: string) => void, readInput: (prompt: string, password: boolean) => string | undefined): string;
  run_cell(code: string): Promise<string>;
  transform_cell(code: string): string;
  complete(code: string, cursor: number): string;
  inspect_at(code: string, cursor: number): string | undefined;
  deliver_comm(message: string, parentId: string): boolean;
}

let py: PyKernel;
let pyodide: PyodideInterface;
let events: KernelEvent[] = [];
let inputs: Array<string | undefined> = [];
let prompts: Array<[string, boolean]> = [];

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
  pyodide = await pyodideWithKernelSources();
  // As workers/kernel.worker.ts does: IPython's wheels imported in place, then the shell made.
  const mirror = buildDebianMirror();
  const lock = JSON.parse(readFileSync(mirror.lock, 'utf8')) as { packages: Record<string, { file_name: string }> };
  const wheels = ['ipython', 'backcall', 'decorator', 'matplotlib-inline', 'pickleshare', 'prompt-toolkit', 'pygments', 'stack-data', 'executing', 'asttokens', 'pure-eval', 'six', 'traitlets', 'wcwidth'].map((key) => {
    const path = `/home/pyodide/anode-shell/${lock.packages[key]!.file_name}`;
    pyodide.FS.mkdirTree('/home/pyodide/anode-shell');
    pyodide.FS.writeFile(path, readFileSync(join(mirror.dir, lock.packages[key]!.file_name)));
    return path;
  });
  pyodide.runPython(`import sys; sys.path.extend(${JSON.stringify(wheels)})`);
  py = pyodide.pyimport('anode_kernel') as unknown as PyKernel;
  expect(JSON.parse(py.prepare(true, 'test'))).toEqual({ ipython: '8.5.0' });
  py.setup(
    (json) => events.push(JSON.parse(json) as KernelEvent),
    (prompt, password) => {
      prompts.push([prompt, password]);
      return inputs.shift();
    },
  );
}, 240_000); // IPython's import is most of it; a loaded shared machine has taken minutes

describe('python kernel', () => {
  it('a fresh kernel\'s namespace holds only what Jupyter\'s does: no modules of the kernel\'s own', async () => {
    const r = await run("sorted(k for k in globals() if not k.startswith('_'))");
    expect(only(r.events, 'execute_result')[0]!.data['text/plain']).toBe("['In', 'Out', 'exit', 'get_ipython', 'quit']");
  });

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
  }, 60_000); // ten million ints are built first: seconds on a loaded machine

  it('a representation too large for the notebook is dropped before it leaves Python, with a note in its text', async () => {
    const r = await run([
      'class Huge:',
      '    def _repr_png_(self): return b"\\x89PNG" + bytes(8_000_000)',
      '    def _repr_html_(self): return "<b>small</b>"',
      '    def __repr__(self): return "<Huge>"',
      'Huge()',
    ].join('\n'));
    const data = only(r.events, 'execute_result')[0]!.data;
    expect(Object.keys(data).sort()).toEqual(['text/html', 'text/plain']);
    expect(data['text/plain']).toBe('<Huge>\n[output truncated: image/png of 10.7 MB is too large to keep in the notebook]');
    const json = only((await run('from IPython.display import JSON, display\ndisplay(JSON({"x": "y" * 6_000_000}))')).events, 'display')[0]!.data;
    expect(json['application/json']).toBeUndefined();
    expect(json['text/plain']).toMatch(/\[output truncated: application\/json of 6\.0 MB is too large to keep in the notebook\]$/);
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
    expect(tb).toMatch(/Cell In ?\[\d+\], line 4/); // IPython 8.5 spells it "In [4]", 9.x "In[4]"
    expect(tb).toMatch(/----> 4/);
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

  it('mutual recursion gives a short traceback too', async () => {
    const r = await run('def ping(n):\n    return pong(n)\n\ndef pong(n):\n    return ping(n)\n\nping(0)');
    const tb = strip(only(r.events, 'error')[0]!.traceback.join('\n'));
    expect(tb.split('\n').length).toBeLessThan(400);
    expect(tb.trim().endsWith('RecursionError: maximum recursion depth exceeded')).toBe(true);
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
    // Said before the traceback is formatted, so that the page waits for the run to end instead of restarting.
    expect(r.events.findIndex((e) => e.type === 'stopping')).toBeLessThan(r.events.findIndex((e) => e.type === 'error'));
    expect(r.events.findIndex((e) => e.type === 'stopping')).toBeGreaterThanOrEqual(0);
  });

  it('sys.exit does not end the kernel', async () => {
    const r = await run('import sys\nsys.exit(3)');
    const [err] = only(r.events, 'error');
    expect(err!.ename).toBe('SystemExit');
    // IPython's short message, not a traceback.
    expect(strip(err!.traceback.join(''))).toBe('An exception has occurred, use %tb to see the full traceback.\nSystemExit: 3\n');
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

  it('_repr_mimebundle_ wins, with its metadata; a failing _repr_ is reported (as IPython does), not fatal', async () => {
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
    expect(only(r.events, 'error')[0]).toMatchObject({ ename: 'RuntimeError', evalue: 'nope' });
    expect(r.status).toBe('ok');
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
    const updates = only(r.events, 'update_display');
    expect(updates.map((u) => u.displayId)).toEqual([id, id]);
    expect(updates[0]!.data['text/markdown']).toBe('**two**');
    expect(updates[1]!.data['text/html']).toBe('<p>three</p>');
    expect(json!.data['application/json']).toEqual({ k: [1, 2] });
    expect(latex!.data['text/latex']).toBe('$\\alpha$');
    expect(math!.data['text/latex']).toBe('$\\displaystyle x^2$');
    expect(svg!.data['image/svg+xml']).toContain('<svg');
    expect(img!.data['image/png']).toMatch(/^iVBORw0KGgo=\n?$/); // IPython 8.5 ends its base64 with a newline
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

  it('%pip / !pip install become an awaited install; an unknown magic is a UsageError; !cmd says there is no shell', async () => {
    expect(py.transform_cell('%pip install -q anode-tiny other\nx = 1')).toBe(
      "await __import__('anode_kernel.packages').packages.pip_install(['anode-tiny', 'other'])\nx = 1\n",
    );
    expect(py.transform_cell('!pip install anode-tiny')).toContain("pip_install(['anode-tiny'])");
    const unknown = await run('%no_such_magic');
    expect(text(unknown.events, 'stderr')).toContain('UsageError: Line magic function `%no_such_magic` not found.');
    const shell = await run('!ls');
    expect(text(shell.events, 'stderr')).toContain('no shell');
    expect(text((await run('%%bash\nls')).events, 'stderr')).toContain('%%bash: this kernel runs in your browser');
  });

  it('runs IPython magics: %time, %timeit, %%capture, %who, %env, %pwd, %%writefile + %run, %load, %precision, %%html', async () => {
    expect(text((await run('%time x = sum(range(10))')).events)).toMatch(/CPU times: .*\nWall time: /);
    expect(text((await run('%timeit -n1 -r1 sum(range(10))')).events)).toMatch(/per loop \(mean ± std\. dev\. of 1 run, 1 loop each\)/);
    const cap = await run('%%capture captured\nprint("hidden")');
    expect(text(cap.events)).toBe('');
    expect(only((await run('captured.stdout')).events, 'execute_result')[0]!.data['text/plain']).toBe("'hidden\\n'");
    expect(text((await run('%who')).events)).toContain('x');
    expect(only((await run('%env HOME')).events, 'execute_result')[0]!.data['text/plain']).toBe("'/home/pyodide'");
    expect(only((await run('%pwd')).events, 'execute_result')[0]!.data['text/plain']).toMatch(/^'\//);
    await run('%%writefile /tmp/hello_anode.py\nprint("ran", __name__)');
    expect(text((await run('%run /tmp/hello_anode.py')).events)).toBe('ran __main__\n');
    expect(only((await run('%load /tmp/hello_anode.py')).events, 'set_next_input')).toEqual([
      { type: 'set_next_input', text: '# %load /tmp/hello_anode.py\nprint("ran", __name__)\n', replace: true },
    ]);
    await run('%precision 2');
    expect(only((await run('3.14159')).events, 'execute_result')[0]!.data['text/plain']).toBe('3.14');
    await run('%precision');
    expect(only((await run('%%html\n<b>bold</b>')).events, 'display')[0]!.data['text/html']).toContain('<b>bold</b>');
  });

  it('obj? and obj?? show IPython\'s help as the cell\'s output; In, Out, _, __, _i and _N are there', async () => {
    const help = await run('len?');
    const page = only(help.events, 'display')[0]!.data['text/plain'] as string;
    expect(strip(page)).toContain('Signature: len(obj, /)');
    expect(strip(page)).toContain('Return the number of items in a container.');
    const a = await run('6 * 7');
    await run('"second"');
    expect(only((await run('(_, __)')).events, 'execute_result')[0]!.data['text/plain']).toBe("('second', 42)");
    expect(only((await run(`Out[${a.executionCount}]`)).events, 'execute_result')[0]!.data['text/plain']).toBe('42');
    expect(only((await run(`_${a.executionCount} + 1`)).events, 'execute_result')[0]!.data['text/plain']).toBe('43');
    expect(only((await run(`In[${a.executionCount}]`)).events, 'execute_result')[0]!.data['text/plain']).toBe("'6 * 7'");
    expect(only((await run('_i')).events, 'execute_result')[0]!.data['text/plain']).toContain('In[');
  });

  it('get_ipython() is the shell, and a library that checks it takes its notebook path', async () => {
    const r = await run(`
def in_notebook():
    try:
        shell = get_ipython().__class__.__name__
    except NameError:
        return False
    return shell == "ZMQInteractiveShell" and "IPKernelApp" in get_ipython().config
in_notebook()`);
    expect(only(r.events, 'execute_result')[0]!.data['text/plain']).toBe('True');
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
    // IPython's completer replaces the whole dotted name.
    const attrs = JSON.parse(py.complete('x = os.pat', 10)) as { matches: string[]; from: number; to: number };
    expect(attrs.matches).toContain('os.path');
    expect(attrs.matches).toContain('os.pathsep');
    expect([attrs.from, attrs.to]).toEqual([4, 10]);
    expect((JSON.parse(py.complete('whi', 3)) as { matches: string[] }).matches).toContain('while');
  });

  it('inspects the name at the cursor or the call being typed', async () => {
    await run('def greet(name: str, excited: bool = False) -> str:\n    """Say hello."""\n    return name');
    expect(py.inspect_at('greet', 2)).toContain('greet(name: str, excited: bool = False) -> str');
    expect(py.inspect_at('greet', 2)).toContain('Say hello.');
    expect(py.inspect_at('greet("a", ', 10)).toContain('greet(name: str');
    expect(py.inspect_at('nothing_here', 3)).toBeUndefined();
  });

  it('the Variables look sees what cells defined in IPython’s namespace, and none of IPython’s own names', async () => {
    await run('import json\nscores = [1, 2, 3]\n_hidden = 1\nscores');
    const listed = JSON.parse(pyodide.runPython('from anode_kernel import variables as _v\n_v.list_json(300)') as string) as VariablesResult;
    const names = listed.variables.map((v) => v.name);
    expect(listed.variables.find((v) => v.name === 'scores')).toMatchObject({ type: 'list', shape: 'len 3', preview: '[1, 2, 3]' });
    for (const hidden of ['In', 'Out', '_', '_i', '_oh', '_dh', 'exit', 'quit', 'get_ipython', 'json', '_hidden', 'display']) expect(names).not.toContain(hidden);
  });

  it('%%time and %%timeit time a whole cell: its output, then the times', async () => {
    const timed = await run('%%time\ntotal = sum(range(10))\nprint("in the cell", total)');
    expect(timed.status).toBe('ok');
    expect(text(timed.events)).toMatch(/^in the cell 45\nCPU times: user .*total: .*\nWall time: .*\n$/);
    const loops = await run('%%timeit -n1 -r1\nsum(range(10))');
    expect(text(loops.events)).toMatch(/^\S+ \S+ ± \S+ \S+ per loop \(mean ± std\. dev\. of 1 run, 1 loop each\)\n$/);
  });

  it('%whos lists the variables with their type and value', async () => {
    await run('whos_number = 7\nwhos_text = "seven"');
    const listed = text((await run('%whos')).events);
    expect(listed).toMatch(/^Variable\s+Type\s+Data\/Info\n-+\n/);
    expect(listed).toMatch(/^whos_number\s+int\s+7$/m);
    expect(listed).toMatch(/^whos_text\s+str\s+seven$/m);
  });

  it('%cd changes the folder Python works in, and %pwd says which', async () => {
    const home = only((await run('%pwd')).events, 'execute_result')[0]!.data['text/plain'] as string;
    expect(text((await run('%cd /tmp')).events)).toBe('/tmp\n');
    expect(only((await run('%pwd')).events, 'execute_result')[0]!.data['text/plain']).toBe("'/tmp'");
    expect(only((await run('import os\nos.getcwd()')).events, 'execute_result')[0]!.data['text/plain']).toBe("'/tmp'");
    await run(`%cd ${home.slice(1, -1)}`);
    expect(only((await run('%pwd')).events, 'execute_result')[0]!.data['text/plain']).toBe(home);
  });

  it('%history shows the cells run so far, numbered with -n', async () => {
    const marked = await run('history_marker = 40 + 2');
    const all = text((await run('%history')).events);
    expect(all).toContain('history_marker = 40 + 2\n');
    expect(all.trimEnd().endsWith('%history')).toBe(true);
    const numbered = text((await run(`%history -n ${marked.executionCount}`)).events);
    expect(numbered).toMatch(new RegExp(`^\\s*${marked.executionCount}: history_marker = 40 \\+ 2\\n$`));
  });

  it('%config sets a shell option: with ast_node_interactivity "all" every expression of a cell is shown', async () => {
    await run("%config InteractiveShell.ast_node_interactivity = 'all'");
    try {
      const r = await run('1 + 1\n2 + 2');
      expect(only(r.events, 'execute_result').map((e) => e.data['text/plain'])).toEqual(['2', '4']);
    } finally {
      await run("%config InteractiveShell.ast_node_interactivity = 'last_expr'");
    }
    expect(only((await run('1 + 1\n2 + 2')).events, 'execute_result').map((e) => e.data['text/plain'])).toEqual(['4']);
  });

  it('%matplotlib inline asks for matplotlib to be loaded first; without it, the error names it', async () => {
    // The worker loads what a cell imports before running it (workers/packages.ts): the magic counts as an import.
    expect(py.transform_cell('%matplotlib inline')).toContain('import matplotlib');
    // The tests' package mirror has no matplotlib (a binary package): what a user sees when it cannot be had.
    const r = await run('%matplotlib inline');
    expect(r.status).toBe('error');
    expect(only(r.events, 'error')[0]).toMatchObject({ ename: 'ModuleNotFoundError', evalue: "No module named 'matplotlib'" });
  });

  it('%load_ext loads an extension written into the notebook\'s folder, and its magic works', async () => {
    // The worker moves Python into the notebook's folder after boot (workers/files.ts): a folder of its own here too.
    const home = only((await run('import os\nos.makedirs("/tmp/notebook_folder", exist_ok=True)\nos.getcwd()')).events, 'execute_result')[0]!.data['text/plain'] as string;
    await run('%cd /tmp/notebook_folder');
    try {
      await run([
        '%%writefile anode_tiny_ext.py',
        'def load_ipython_extension(ip):',
        '    ip.register_magic_function(lambda line: print("tiny says", line), "line", "tiny")',
      ].join('\n'));
      const loaded = await run('%load_ext anode_tiny_ext');
      expect(only(loaded.events, 'error')).toEqual([]);
      expect(loaded.status).toBe('ok');
      expect(text((await run('%tiny hello')).events)).toBe('tiny says hello\n');
    } finally {
      await run(`%cd ${home.slice(1, -1)}`);
    }
  });

  it('%xmode Minimal shortens tracebacks to the exception line; %xmode Context brings the frames back', async () => {
    await run('def fails(n):\n    return 1 / n');
    expect(text((await run('%xmode Minimal')).events)).toBe('Exception reporting mode: Minimal\n');
    try {
      const short = only((await run('fails(0)')).events, 'error')[0]!;
      expect(strip(short.traceback.join('\n')).trim()).toBe('ZeroDivisionError: division by zero');
    } finally {
      await run('%xmode Context');
    }
    const full = strip(only((await run('fails(0)')).events, 'error')[0]!.traceback.join('\n'));
    expect(full).toContain('----> 2     return 1 / n');
    expect(full).toContain('Traceback (most recent call last)');
  });

  it('%%markdown, %%latex and %%svg show the cell as markdown, LaTeX and SVG', async () => {
    const md = only((await run('%%markdown\n# Title\n*em*')).events, 'display');
    expect(md).toHaveLength(1);
    expect(md[0]!.data['text/markdown']).toBe('# Title\n*em*\n');
    expect(only((await run('%%latex\n$$x^2$$')).events, 'display')[0]!.data['text/latex']).toBe('$$x^2$$\n');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="5"/></svg>';
    expect(only((await run(`%%svg\n${svg}`)).events, 'display')[0]!.data['image/svg+xml']).toBe(svg);
  });

  it('obj?? shows the source of a user function', async () => {
    await run('def user_func(a, b=2):\n    "Adds."\n    return a + b  # the body');
    const page = strip(only((await run('user_func??')).events, 'display')[0]!.data['text/plain'] as string);
    expect(page).toContain('Signature: user_func(a, b=2)');
    expect(page).toMatch(/Source:\s+def user_func\(a, b=2\):\n\s+"Adds\."\n\s+return a \+ b  # the body/);
  });

  it('___ is the third-last result', async () => {
    await run('"first"');
    await run('"second"');
    await run('"third"');
    expect(only((await run('(___, __, _)')).events, 'execute_result')[0]!.data['text/plain']).toBe("('first', 'second', 'third')");
  });

  it('a class\'s _repr_pretty_ is its text, also inside containers; _ipython_display_ shows instead of the result', async () => {
    await run('class Pretty:\n    def _repr_pretty_(self, p, cycle):\n        p.text("pretty!")');
    expect(only((await run('Pretty()')).events, 'execute_result')[0]!.data['text/plain']).toBe('pretty!');
    expect(only((await run('[Pretty(), {"k": Pretty()}]')).events, 'execute_result')[0]!.data['text/plain']).toBe("[pretty!, {'k': pretty!}]");
    const shown = await run([
      'class Shows:',
      '    def _ipython_display_(self):',
      '        from IPython.display import HTML, display',
      '        display(HTML("<i>shown</i>"))',
      '        print("and printed")',
      'Shows()',
    ].join('\n'));
    expect(only(shown.events, 'display').map((e) => e.data['text/html'])).toEqual(['<i>shown</i>']);
    expect(text(shown.events)).toBe('and printed\n');
    expect(only(shown.events, 'execute_result')).toEqual([]);
  });

  it('`len?` help kept as a cell output exports to .ipynb and imports back the same', async () => {
    const help = await run('len?');
    const doc = createNotebookDoc({ cells: [{ type: 'code', source: 'len?' }] });
    const id = cellOrder(doc)[0]!;
    const writer = new OutputWriter(doc, id);
    writer.write(help.events);
    writer.flush();
    const outputs = snapshotCell(doc, id)!.outputs;
    expect(outputs).toHaveLength(1);
    const exported = exportIpynb(doc);
    const nb = JSON.parse(exported) as { cells: Array<{ outputs: Array<{ output_type: string; data: Record<string, unknown> }> }> };
    expect(validateNbformat45(nb)).toEqual([]);
    expect(nb.cells[0]!.outputs[0]!.output_type).toBe('display_data');
    expect(strip(([] as string[]).concat(nb.cells[0]!.outputs[0]!.data['text/plain'] as string | string[]).join(''))).toContain('Signature: len(obj, /)');
    const again = importNotebook(mustParse(exported));
    expect(snapshotCell(again, cellOrder(again)[0]!)!.outputs).toEqual(outputs);
  });

  it('comm.create_comm makes comms whose ipywidgets messages are kernel events; a page message runs on_msg', async () => {
    // Debian's comm and the e2e tests' ipywidgets 8 stand-in, imported as a user's `%pip install` would leave them.
    const mirror = buildDebianMirror();
    const lock = JSON.parse(readFileSync(mirror.lock, 'utf8')) as { packages: Record<string, { file_name: string }> };
    const commWheel = `/home/pyodide/anode-shell/${lock.packages.comm!.file_name}`;
    pyodide.FS.writeFile(commWheel, readFileSync(join(mirror.dir, lock.packages.comm!.file_name)));
    pyodide.FS.mkdirTree('/home/pyodide/testwidgets');
    pyodide.FS.writeFile('/home/pyodide/testwidgets/anode_testwidgets.py', readFileSync(join(__dirname, '../fixtures/widgets/anode_testwidgets.py')));
    pyodide.runPython(`import sys; sys.path.extend([${JSON.stringify(commWheel)}, '/home/pyodide/testwidgets'])`);
    const made = await run("import anode_testwidgets as w\ns = w.IntSlider(value=3)\ns.observe(lambda c: print('saw', c['new']), names='value')\nprint(s.model_id)");
    const opens = only(made.events, 'comm');
    expect(opens.map((e) => [e.msgType, e.targetName, (e.data.state as Record<string, unknown>)._model_name])).toEqual([
      ['comm_open', 'jupyter.widget', 'LayoutModel'],
      ['comm_open', 'jupyter.widget', 'SliderStyleModel'],
      ['comm_open', 'jupyter.widget', 'IntSliderModel'],
    ]);
    const id = text(made.events).trim();
    expect(opens[2]!.commId).toBe(id);
    events = [];
    const update = { msgType: 'comm_msg', commId: id, data: { method: 'update', state: { value: 8 }, buffer_paths: [] } };
    expect(py.deliver_comm(JSON.stringify(update), 'p1')).toBe(true);
    expect(text(events)).toBe('saw 8\n');
    expect(only(events, 'comm')).toEqual([
      { type: 'comm', msgType: 'comm_msg', commId: id, data: { method: 'echo_update', state: { value: 8 }, buffer_paths: [] }, metadata: {}, buffers: [] },
    ]);
    expect(py.deliver_comm(JSON.stringify({ ...update, commId: 'gone' }), 'p2')).toBe(false);
  });

  // Last: it empties the namespace the tests above share.
  it('%reset -f removes every variable, and the kernel goes on', async () => {
    await run('doomed = 5');
    expect(text((await run('%reset -f')).events)).toBe('');
    const gone = await run('doomed');
    expect(only(gone.events, 'error')[0]).toMatchObject({ ename: 'NameError', evalue: "name 'doomed' is not defined" });
    expect(only((await run('get_ipython().__class__.__name__')).events, 'execute_result')[0]!.data['text/plain']).toBe("'ZMQInteractiveShell'");
    expect(only((await run('6 * 7')).events, 'execute_result')[0]!.data['text/plain']).toBe('42');
  });
});

describe('python kernel without IPython (a package base that has none)', () => {
  it('still runs plain Python, and a magic says it needs IPython', async () => {
    const plain = await pyodideWithKernelSources();
    const k = plain.pyimport('anode_kernel') as unknown as PyKernel;
    expect(JSON.parse(k.prepare(false, 'test'))).toEqual({ ipython: null });
    const seen: KernelEvent[] = [];
    k.setup((json) => seen.push(JSON.parse(json) as KernelEvent), () => undefined);
    expect(JSON.parse(await k.run_cell('print("plain")\n6 * 7'))).toMatchObject({ status: 'ok' });
    expect(text(seen)).toBe('plain\n');
    expect(only(seen, 'execute_result')[0]!.data['text/plain']).toBe('42');
    seen.length = 0;
    await k.run_cell('%time 1');
    expect(only(seen, 'error')[0]).toMatchObject({ ename: 'NotImplementedError', evalue: '%time needs IPython, which this kernel could not load' });
  }, 120_000);
});
