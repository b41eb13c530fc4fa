/**
 * The Variables panel and explorer on a Jupyter kernel: the helpers' install code and expressions, run by real
 * CPython with Debian's IPython exactly as ipykernel runs a silent execute_request (`run_cell` of the code, then
 * `InteractiveShell.user_expressions`), and the reply read back as the app reads it.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { encoded, expressionText, inspectExpression, installCode, readVariables, variablesExpression } from '../../src/kernel/jupyter/introspect';
import { jupyterSql, resultJson } from '../../src/kernel/jupyter/sql';
import type { JupyterMessage } from '../../src/kernel/jupyter/messages';
import { readInspectResult } from '../../src/kernel/inspect';

const PYTHON = '/usr/bin/python3';

/** Runs `userCode` in a fresh IPython shell, then the silent request (install code, expressions); the reply's user_expressions. */
function silentRequest(userCode: string, code: string, expressions: Record<string, string>): Record<string, unknown> {
  const script = `
import json, sys
from traitlets.config import Config
from IPython.core.interactiveshell import InteractiveShell
c = Config(); c.HistoryManager.hist_file = ':memory:'
sh = InteractiveShell.instance(config=c)
sh.run_cell(sys.argv[1], store_history=True)
before = set(sh.user_ns)
r = sh.run_cell(sys.argv[2], store_history=False, silent=True)
assert r.success, r
out = sh.user_expressions(json.loads(sys.argv[3]))
out['__leaked__'] = sorted(set(sh.user_ns) - before)
print(json.dumps(out))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script, userCode, code, JSON.stringify(expressions)], { encoding: 'utf8' })) as Record<string, unknown>;
}

const reply = (userExpressions: Record<string, unknown>): JupyterMessage =>
  ({ channel: 'shell', header: {}, parent_header: {}, metadata: {}, content: { status: 'ok', user_expressions: userExpressions } }) as unknown as JupyterMessage;

describe('introspection on a Jupyter kernel (real CPython + IPython)', () => {
  it('lists the user variables without leaking a name into the namespace, and pages a big list', () => {
    const user = "xs = list(range(100000))\nd = {'k': [1, 2], 'é': 'ü'}\nimport math\n_hidden = 1";
    const out = silentRequest(user, installCode(), {
      vars: variablesExpression(50),
      page: inspectExpression('xs', { path: [], offset: 500, limit: 3, view: 'auto' }),
      tree: inspectExpression('d', { path: [], offset: 0, limit: 10, view: 'auto' }),
      gone: inspectExpression('nope', { path: [], offset: 0, limit: 10, view: 'auto' }),
    });
    expect(out['__leaked__']).toEqual([]);
    const vars = readVariables(expressionText(reply(out), 'vars'));
    expect(vars?.variables.map((v) => v.name).sort()).toEqual(['d', 'xs']);
    const xs = vars!.variables.find((v) => v.name === 'xs')!;
    expect(JSON.stringify(xs)).toContain('100000');
    const page = readInspectResult(expressionText(reply(out), 'page'));
    expect(JSON.stringify(page)).toContain('500');
    expect(JSON.stringify(page)).toContain('502');
    expect(JSON.stringify(page)).not.toContain('503');
    const tree = readInspectResult(expressionText(reply(out), 'tree'));
    expect(JSON.stringify(tree)).toContain('é');
    const gone = readInspectResult(expressionText(reply(out), 'gone'));
    expect(JSON.stringify(gone)).toMatch(/no longer defined/);
  });

  it('an expression that failed (helpers missing) reads as no answer, and installing twice changes nothing', () => {
    const missing = silentRequest('x = 1', '', { vars: variablesExpression(10) });
    expect(expressionText(reply(missing), 'vars')).toBeNull();
    const twice = silentRequest('x = 1', `${installCode()}\n${installCode()}`, { vars: variablesExpression(10) });
    expect(readVariables(expressionText(reply(twice), 'vars'))?.variables.map((v) => v.name)).toEqual(['x']);
  });

  it('reads only a base64 string repr: anything else is no answer', () => {
    expect(expressionText(reply({ a: { status: 'ok', data: { 'text/plain': "'e30='" } } }), 'a')).toBe('{}');
    expect(expressionText(reply({ a: { status: 'ok', data: { 'text/plain': '{}' } } }), 'a')).toBeNull();
    expect(expressionText(reply({ a: { status: 'error', ename: 'KeyError' } }), 'a')).toBeNull();
    expect(readVariables('{"variables": "no", "total": 1}')).toBeNull();
  });
});

describe('SQL cells on a Jupyter kernel (real CPython + IPython + pandas)', () => {
  it('exports a DataFrame and parameters, and binds a result with typed columns (big ints, NaN) as a DataFrame', async () => {
    const user = "import pandas as pd\nsales = pd.DataFrame({'city': ['Lyon', 'Nantes'], 'n': [3, 4]})\nlimit = 2";
    const meta = resultJson(
      [
        { name: 'id', kind: 'int', typed: 0 },
        { name: 'ratio', kind: 'float', typed: 1 },
        { name: 'city', kind: 'str', values: ['Lyon', 'Nantes'] },
      ],
      [new BigInt64Array([9007199254740993n, -1n]), new Float64Array([0.5, Number.NaN])],
      false,
    );
    const asked: string[] = [];
    const answers = new Map<string, string>();
    // The bridge's expressions, answered by one real IPython shell in order (as the kernel would).
    const sql = jupyterSql(async (expression) => {
      asked.push(expression);
      return answers.get(expression) ?? null;
    });
    const calls = [sql.tables(), sql.exportTable('sales'), sql.values(['limit']), sql.importResult('_sql', [], [], false)];
    await Promise.all(calls.map((p) => p.catch(() => undefined)));
    const importExpr = encoded('sql', `import_result("_sql", ${JSON.stringify(meta)}, [])`);
    const exprs: Record<string, string> = Object.fromEntries(asked.slice(0, 3).map((e, i) => [`q${i}`, e]));
    exprs['imp'] = importExpr;
    exprs['check'] = "__import__('base64').b64encode(repr((type(_sql).__name__, _sql['id'].tolist(), str(_sql['ratio'].tolist()), _sql['city'].tolist())).encode()).decode()";
    const out = silentRequest(user, installCode(), exprs);
    const text = (k: string): string => expressionText(reply(out), k)!;
    for (let i = 0; i < 3; i++) answers.set(asked[i]!, text(`q${i}`));
    const again = jupyterSql(async (expression) => answers.get(expression) ?? null);
    expect(await again.tables()).toContainEqual({ name: 'sales', columns: ['city', 'n'] });
    const exported = await again.exportTable('sales');
    expect(exported.rows).toBe(2);
    expect(exported.columns.find((c) => c.name === 'n')?.values).toEqual([3, 4]);
    expect(await again.values(['limit'])).toEqual({ limit: 2 });
    expect(text('imp')).toBe('DataFrame');
    expect(text('check')).toBe("('DataFrame', [9007199254740993, -1], '[0.5, nan]', ['Lyon', 'Nantes'])");
  });

  it('says what went wrong: sql.py’s error answer, or no answer at all', async () => {
    const failing = jupyterSql(async () => "\u0000error:NameError: name 'nope' is not defined");
    await expect(failing.exportTable('nope')).rejects.toThrow("NameError: name 'nope' is not defined");
    await expect(jupyterSql(async () => null).tables()).rejects.toThrow(/did not answer/);
  });
});
