/**
 * Seeded fuzzing of the importer: valid notebooks from the corpus, mutated (fields dropped, wrong types, values
 * swapped, files truncated, random bytes spliced in), must each either import as a valid document that exports
 * valid nbformat 4.5, or be refused with a message. Nothing may throw. A failure prints the seed and iteration.
 */
import { describe, expect, test } from 'vitest';
import { CELL_TYPES, createNotebookDoc, readMeta, type NewCell, type Output } from '../../src/model';
import { exportIpynb, exportHtml, exportPercentScript, importNotebook, parseIpynb } from '../../src/model/ipynb';
import { GOOD, cells, fixture } from '../fixtures/notebooks/helpers';
import { validateNbformat45 } from '../fixtures/notebooks/nbformat-schema';
import { rng } from './helpers/random';


type Rand = () => number;
const pick = <T,>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const ODD_VALUES: unknown[] = [
  null, 0, -1, 1.5, 1e308, '', 'x', '%%ai', '\u0000', '🚀', true, false, [], [null], ['a', 1], {}, { output_type: 'stream' },
  { 'text/plain': 5 }, 'attachment:a.png', '<script>alert(1)</script>', '__proto__', Array(3).fill('line\n'),
];

/** Every container (object or array) in a JSON value, with its path depth-first. */
function containers(root: unknown): Array<Record<string, unknown> | unknown[]> {
  const out: Array<Record<string, unknown> | unknown[]> = [];
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null) continue;
    out.push(v as Record<string, unknown> | unknown[]);
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
  return out;
}

/** One structural mutation of a parsed notebook, in place. */
function mutateJson(r: Rand, nb: unknown): void {
  const target = pick(r, containers(nb));
  if (Array.isArray(target)) {
    if (!target.length) return void target.push(structuredClone(pick(r, ODD_VALUES)));
    const i = Math.floor(r() * target.length);
    switch (Math.floor(r() * 4)) {
      case 0: target.splice(i, 1); break;
      case 1: target[i] = structuredClone(pick(r, ODD_VALUES)); break;
      case 2: target.splice(i, 0, structuredClone(target[Math.floor(r() * target.length)])); break;
      default: target.reverse();
    }
    return;
  }
  const keys = Object.keys(target);
  const key = keys.length && r() < 0.85 ? pick(r, keys) : pick(r, ['id', 'cell_type', 'source', 'outputs', 'metadata', 'attachments', 'execution_count', 'nbformat', 'output_type', 'name', 'text', 'data', 'transient', 'anode', 'cell_type']);
  switch (Math.floor(r() * 4)) {
    case 0: delete target[key]; break;
    case 1: target[key] = structuredClone(pick(r, ODD_VALUES)); break;
    case 2: target[key] = structuredClone(target[pick(r, keys.length ? keys : [key])]); break;
    default: target[key] = typeof target[key] === 'string' ? (target[key] as string).slice(0, Math.floor(r() * 10)) : [target[key]];
  }
}

/** One textual mutation: truncation, random bytes spliced in, or a character flipped. */
function mutateText(r: Rand, text: string): string {
  const at = Math.floor(r() * text.length);
  switch (Math.floor(r() * 4)) {
    case 0: return text.slice(0, at);
    case 1: {
      const junk = Array.from({ length: 1 + Math.floor(r() * 8) }, () => String.fromCharCode(Math.floor(r() * 0x3000))).join('');
      return text.slice(0, at) + junk + text.slice(at);
    }
    case 2: return text.slice(0, at) + pick(r, ['"', '{', '}', '[', ']', ',', ':', '\\', 'n', '0']) + text.slice(at + 1);
    default: return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 40));
  }
}

/** The property: refused with a message, or imported into a valid document that exports valid files. */
function check(text: string, where: string): 'imported' | 'refused' {
  const r = parseIpynb(text);
  if (!r.ok) {
    expect(r.error, where).toMatch(/\S/);
    expect(r.error, where).not.toMatch(/undefined|\[object Object\]/);
    return 'refused';
  }
  const doc = importNotebook(r.notebook, { fileName: 'fuzz.ipynb' });
  expect(readMeta(doc)?.title, where).toBe(r.notebook.title?.trim() || 'fuzz');
  const snap = cells(doc);
  for (const c of snap) expect(c.problem, where).toBeUndefined();
  expect(new Set(snap.map((c) => c.id)).size, where).toBe(snap.length);
  const exported = exportIpynb(doc);
  expect(validateNbformat45(JSON.parse(exported)), where).toEqual([]);
  const again = parseIpynb(exported);
  expect(again.ok, where).toBe(true);
  if (again.ok) expect(cells(importNotebook(again.notebook)), where).toEqual(snap);
  exportPercentScript(doc);
  expect(exportHtml(doc), where).not.toMatch(/<script/i);
  return 'imported';
}

// The large-source notebook is left out: it would only slow each iteration down without new shapes.
const BASES = GOOD.filter((n) => !n.startsWith('large')).map((n) => [n, fixture(n)] as const);

// 300 imports and exports per seed: about 2 s on an idle machine, several times that while the kernel tests or a
// browser share its two cores.
describe('the importer under mutated input never throws', { timeout: 30_000 }, () => {
  test.each([1, 2, 3, 4])('structural mutations of parsed JSON (seed %i)', (seed) => {
    const r = rng(seed);
    const tally = { imported: 0, refused: 0 };
    for (let i = 0; i < 300; i++) {
      const [name, text] = pick(r, BASES);
      const nb: unknown = JSON.parse(text);
      const n = 1 + Math.floor(r() * 3);
      for (let k = 0; k < n; k++) mutateJson(r, nb);
      tally[check(JSON.stringify(nb), `seed ${seed}, iteration ${i}, ${name}`)]++;
    }
    // Both outcomes must actually occur, or the mutations are not exercising anything.
    expect(tally.imported).toBeGreaterThan(20);
    expect(tally.refused).toBeGreaterThan(20);
  });

  test.each([11, 12, 13])('textual mutations: truncation, random bytes, flipped characters (seed %i)', (seed) => {
    const r = rng(seed);
    for (let i = 0; i < 300; i++) {
      const [name, text] = pick(r, BASES);
      check(mutateText(r, text), `seed ${seed}, iteration ${i}, ${name}`);
    }
  });

  test('every prefix of a small notebook is refused or imported, never thrown on', () => {
    const text = fixture('attachments.v4.1.ipynb');
    for (let i = 0; i <= text.length; i += 7) check(text.slice(0, i), `prefix ${i}`);
  });

  test('random bytes', () => {
    const r = rng(99);
    for (let i = 0; i < 200; i++) {
      const bytes = Array.from({ length: Math.floor(r() * 200) }, () => String.fromCharCode(Math.floor(r() * 256))).join('');
      expect(check(bytes, `random ${i}`)).toBe('refused');
    }
  });
});

/** Text that stresses line handling: empty, CRLF, lone CR, Unicode line separators, magics, emoji, RTL. */
function randomText(r: Rand): string {
  const parts = ['', 'x', '\n', '\r\n', '\r', '\u2028', '\u0085', '%%ai', '%%sql', '%%ai model\n', '# %%', '🚀', 'שלום', ' ', '\t', 'print(1)', '$x$', '<b>', '"'];
  return Array.from({ length: Math.floor(r() * 8) }, () => pick(r, parts)).join('');
}

function randomOutput(r: Rand): Output {
  switch (Math.floor(r() * 4)) {
    case 0: return { output_type: 'stream', name: pick(r, ['stdout', 'stderr'] as const), text: randomText(r) };
    case 1: return { output_type: 'display_data', data: { 'text/plain': randomText(r), 'image/svg+xml': randomText(r), 'application/json': { a: [randomText(r)] } }, metadata: r() < 0.5 ? {} : { isolated: true } };
    case 2: return { output_type: 'execute_result', execution_count: r() < 0.2 ? null : Math.floor(r() * 100), data: { 'text/html': randomText(r), 'image/png': 'iVBORw0KGgo=\n' }, metadata: {} };
    default: return { output_type: 'error', ename: randomText(r), evalue: randomText(r), traceback: [randomText(r), randomText(r)] };
  }
}

function randomCell(r: Rand): NewCell {
  const type = pick(r, CELL_TYPES);
  const metadata: Record<string, unknown> = {};
  if (r() < 0.3) metadata['tags'] = ['a', 'b'];
  if (r() < 0.3) metadata['anode'] = { note: randomText(r) };
  if (r() < 0.2) metadata[randomText(r) || 'k'] = { nested: [1, null, randomText(r)] };
  const runs = type === 'code' || type === 'ai' || type === 'sql';
  // On code cells a metadata key named "attachments" is plain metadata; markdown and raw cells have the field.
  if (runs && r() < 0.3) metadata['attachments'] = { 'a b.png': { 'image/png': 'iVBORw0KGgo=' } };
  const attachments = !runs && r() < 0.4 ? { 'a b.png': { 'image/png': 'iVBORw0KGgo=\n' }, 'c.svg': { 'image/svg+xml': randomText(r) } } : undefined;
  return {
    ...(attachments ? { attachments } : {}),
    type,
    source: randomText(r),
    metadata,
    outputs: runs ? Array.from({ length: Math.floor(r() * 4) }, () => randomOutput(r)) : [],
    executionCount: runs && r() < 0.7 ? Math.floor(r() * 50) : null,
  };
}

describe('random Anode notebooks round trip through .ipynb', () => {
  test.each([21, 22, 23])('export, parse and import give back every cell exactly (seed %i)', (seed) => {
    const r = rng(seed);
    for (let i = 0; i < 150; i++) {
      // At least one cell: an empty file imports with one empty cell, like a new notebook (tested elsewhere).
      const doc = createNotebookDoc({ title: randomText(r) || 'T', cells: Array.from({ length: 1 + Math.floor(r() * 6) }, () => randomCell(r)) });
      const exported = exportIpynb(doc);
      expect(validateNbformat45(JSON.parse(exported)), `seed ${seed}, notebook ${i}`).toEqual([]);
      const back = parseIpynb(exported);
      if (!back.ok) throw new Error(`seed ${seed}, notebook ${i}: ${back.error}`);
      expect(back.notebook.warnings, `seed ${seed}, notebook ${i}`).toEqual([]);
      expect(cells(importNotebook(back.notebook)), `seed ${seed}, notebook ${i}`).toEqual(cells(doc));
    }
  });
});
