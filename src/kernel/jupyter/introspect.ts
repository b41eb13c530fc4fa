/**
 * The Variables panel and the variable explorer on a Jupyter kernel: the same Python helpers the browser kernel
 * runs (workers/python/anode_kernel/variables.py and explore.py: bounded, no repr of user objects), installed in
 * the remote interpreter as modules on first use and asked through `user_expressions` of a silent
 * execute_request (no execution count, no history, no output in any cell). The answer is a Python string, which
 * comes back as its repr; base64 makes that repr trivial to read whatever the JSON holds.
 */
import variablesSource from '../../../workers/python/anode_kernel/variables.py?raw';
import exploreSource from '../../../workers/python/anode_kernel/explore.py?raw';
import sqlSource from '../../../workers/python/anode_kernel/sql.py?raw';
import type { InspectRequest, VariablesResult } from '../protocol';
import type { JupyterMessage } from './messages';

/**
 * Python that installs the helpers as the package `anode_kernel` unless present. Run in a scratch namespace
 * (`exec(..., {})`), so the user's namespace gains no names. JSON string literals are Python string literals.
 */
export function installCode(): string {
  const install = [
    'import sys, types',
    "pkg = types.ModuleType('anode_kernel'); pkg.__path__ = []; sys.modules['anode_kernel'] = pkg",
    `for name, src in (('variables', ${JSON.stringify(variablesSource)}), ('explore', ${JSON.stringify(exploreSource)}), ('sql', ${JSON.stringify(sqlSource)})):`,
    "    mod = types.ModuleType('anode_kernel.' + name); mod.__package__ = 'anode_kernel'",
    '    sys.modules[mod.__name__] = mod; setattr(pkg, name, mod)',
    "    exec(compile(src, '<anode_kernel/' + name + '.py>', 'exec'), mod.__dict__)",
  ].join('\n');
  return `if 'anode_kernel.sql' not in __import__('sys').modules: exec(${JSON.stringify(install)}, {})`;
}

/** A user expression whose value is the base64 of the JSON that `call` of helper module `module` returns. */
export function encoded(module: 'variables' | 'explore' | 'sql', call: string): string {
  return `__import__('base64').b64encode(__import__('sys').modules['anode_kernel.${module}'].${call}.encode()).decode()`;
}

const count = (n: number): number => Math.max(0, Math.floor(n));

export function variablesExpression(limit: number): string {
  return encoded('variables', `list_json(${count(limit)})`);
}

export function inspectExpression(name: string, request: InspectRequest): string {
  const args = [JSON.stringify(name), JSON.stringify(JSON.stringify(request.path)), count(request.offset), count(request.limit), JSON.stringify(request.view)];
  return encoded('explore', `inspect_json(${args.join(', ')})`);
}

/** The JSON text a silent execute_reply's expression `key` answered, or null (an error, or not a string). */
export function expressionText(reply: JupyterMessage, key: string): string | null {
  const all = reply.content['user_expressions'];
  const r = all && typeof all === 'object' ? (all as Record<string, unknown>)[key] : null;
  if (!r || typeof r !== 'object' || (r as { status?: unknown }).status !== 'ok') return null;
  const plain = ((r as { data?: Record<string, unknown> }).data ?? {})['text/plain'];
  if (typeof plain !== 'string' || !/^'[A-Za-z0-9+/=]*'$/.test(plain)) return null;
  try {
    const bytes = Uint8Array.from(atob(plain.slice(1, -1)), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return null;
  }
}

/** A variables answer, checked for shape (the server is the user's own, but a reply is still just data). */
export function readVariables(text: string | null): VariablesResult | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as Partial<VariablesResult>;
    if (!Array.isArray(v.variables) || typeof v.total !== 'number') return null;
    return { variables: v.variables, total: v.total };
  } catch {
    return null;
  }
}
