/**
 * Real notebooks other people wrote (../shared/corpus/ipynb, beside the repository; SOURCES.md says where each one
 * comes from), judged by nbformat itself (Debian's python3-nbformat, which .ci/run installs). For every file:
 *
 * - it imports (or, if nbformat refuses it too, is refused);
 * - it round-trips losslessly: nbformat reads our export as the same notebook it reads from the original, except for
 *   what `normalize` below lists, each a change a 4.5 file must make or an addition, never a loss;
 * - the export validates with nbformat (its 4.5 schema and its cell id rules);
 * - it is byte-stable: exporting the imported export gives the same bytes.
 *
 * Both readings are compared as JSON with number literals kept as written (`parseJson`), so `1.0` becoming `1` or a
 * large integer being rounded is a loss, as it is for the Python that reads the file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';
import { exportIpynb, importNotebook, isNbformatCellId, parseIpynb } from '../../src/model/ipynb';
import { parseJson } from '../../src/model/ipynb/exact-json';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const CORPUS = join(repoRoot, '..', 'shared', 'corpus', 'ipynb');
/** Debian's interpreter, where python3-nbformat is installed (a pyenv or venv python on PATH may lack it). */
const PYTHON = '/usr/bin/python3';
const ORACLE = fileURLToPath(new URL('./helpers/nbformat-oracle.py', import.meta.url));

// A missing corpus must fail the run, not pass it with nothing tested.
if (!existsSync(CORPUS)) {
  throw new Error(`The .ipynb corpus is missing: expected it at ${CORPUS} (CI clones the repository with ../shared beside it).`);
}
const FILES = readdirSync(CORPUS).filter((f) => f.endsWith('.ipynb')).sort();
const LISTED = (JSON.parse(readFileSync(join(CORPUS, 'sources.json'), 'utf8')) as unknown[]).length;

type Json = Record<string, unknown>;
type Read = { ok: true; notebook: string } | { ok: false; error: string };
interface Verdict {
  original: Read;
  exported: Read | null;
  errors: string[];
  originalErrors: string[];
}
interface Ours {
  error?: string;
  exported?: string;
  /** The export of the export, imported: must be the same bytes. */
  again?: string;
  /** The version the file was written in. */
  from?: [number, number];
  /** The cell ids the file itself holds (nbformat fills in missing and repeated ones when it reads). */
  ids?: unknown[];
  /** What the import said it repaired. */
  warnings?: string[];
}

const ours = new Map<string, Ours>();
const verdicts = new Map<string, Verdict>();

beforeAll(() => {
  for (const name of FILES) {
    const text = readFileSync(join(CORPUS, name), 'utf8');
    const parsed = parseIpynb(text);
    if (!parsed.ok) {
      ours.set(name, { error: parsed.error });
      continue;
    }
    const exported = exportIpynb(importNotebook(parsed.notebook, { fileName: name }));
    const reparsed = parseIpynb(exported);
    const again = reparsed.ok ? exportIpynb(importNotebook(reparsed.notebook, { fileName: name })) : `not read: ${reparsed.error}`;
    const { cells } = JSON.parse(text) as { cells?: Json[] };
    const ids = (cells ?? []).map((c) => c['id']);
    ours.set(name, { exported, again, ids, warnings: parsed.notebook.warnings, from: [parsed.notebook.nbformat, parsed.notebook.nbformatMinor] });
  }
  const input = FILES.map((name) => ({ original: join(CORPUS, name), exported: ours.get(name)!.exported ?? null }));
  const run = spawnSync(PYTHON, ['-W', 'ignore', ORACLE], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 30 });
  if (run.status !== 0) {
    throw new Error(`nbformat could not judge the corpus (is python3-nbformat installed? .ci/run installs it): ${run.stderr || run.error}`);
  }
  (JSON.parse(run.stdout) as Verdict[]).forEach((v, i) => verdicts.set(FILES[i]!, v));
}, 300_000);

const CELL_FIELDS: Record<string, string[]> = {
  code: ['id', 'cell_type', 'metadata', 'source', 'outputs', 'execution_count'],
  markdown: ['id', 'cell_type', 'metadata', 'source', 'attachments'],
  raw: ['id', 'cell_type', 'metadata', 'source', 'attachments'],
};
const OUTPUT_FIELDS: Record<string, string[]> = {
  stream: ['output_type', 'name', 'text'],
  display_data: ['output_type', 'data', 'metadata'],
  execute_result: ['output_type', 'execution_count', 'data', 'metadata'],
  error: ['output_type', 'ename', 'evalue', 'traceback'],
};
const pick = (o: Json, keys: string[]): Json => Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A file from a future 4.x, as 4.5 holds it: fields 4.5 does not define left out, unknown cells raw, unknown outputs gone. */
function asFormat45(nb: Json): Json {
  const cells = (nb['cells'] as Json[]).map((c) => {
    const type = String(c['cell_type']);
    if (!CELL_FIELDS[type]) return { id: c['id'], cell_type: 'raw', metadata: c['metadata'], source: c['source'] ?? '' };
    const cell = pick(c, CELL_FIELDS[type]);
    if (type === 'code') {
      cell['outputs'] = (c['outputs'] as Json[])
        .filter((o) => OUTPUT_FIELDS[String(o['output_type'])])
        .map((o) => pick(o, OUTPUT_FIELDS[String(o['output_type'])]!));
    }
    return cell;
  });
  return { ...pick(nb, ['metadata', 'nbformat', 'nbformat_minor']), cells };
}

/** The repairs the import reported (see `normalize`), applied to nbformat's reading of an invalid file. */
function repair(nb: Json, warnings: string[]): void {
  const cells = nb['cells'] as Json[];
  for (const w of warnings) {
    const cell = /^cell (\d+): metadata field "(.+)" had an invalid value and was dropped$/.exec(w);
    if (cell) delete (cells[Number(cell[1]) - 1]!['metadata'] as Json)[cell[2]!];
    const notebook = /^notebook metadata field "(.+)" had an invalid value and was dropped$/.exec(w);
    if (notebook) delete (nb['metadata'] as Json)[notebook[1]!];
  }
  for (const c of cells) {
    for (const o of (c['outputs'] as Json[] | undefined) ?? []) {
      if ((o['output_type'] === 'display_data' || o['output_type'] === 'execute_result') && !o['metadata']) o['metadata'] = {};
      const fields = OUTPUT_FIELDS[String(o['output_type'])];
      if (fields) for (const k of Object.keys(o)) if (!fields.includes(k)) delete o[k];
    }
  }
}

/**
 * nbformat's reading of the original and of our export, made comparable. Each difference allowed here is one a
 * 4.5 file must have, or something added, never a loss:
 * - `nbformat_minor` is 5: Anode writes 4.5, as JupyterLab does when it saves an older file;
 * - a cell id the file did not hold (before 4.5, or v3 cells, for which nbformat makes random ones), or one that
 *   nbformat rejects or that repeats an earlier one, is a new valid id: 4.5 requires unique valid ids;
 * - a file from a future minor loses what 4.5 does not define (see `asFormat45`): the export claims 4.5, so it must
 *   validate as 4.5;
 * - `metadata.title` is added when the file had none: it is the title Anode showed (the file name, or a v3 file's
 *   `name`, which nbformat drops), so that the notebook keeps it when imported again;
 * - `kernelspec` and `language_info` are added when the file had none or an invalid one: an Anode notebook is a
 *   Python notebook, and Jupyter picks the kernel from these;
 * - in a file nbformat finds invalid (and only there), what the import said it repaired is repaired: a metadata
 *   field of the wrong type is dropped; an output's missing `metadata` is `{}` and a field its type does not
 *   define (a stream's `metadata`) is left out, as the import always does; so that the export validates.
 */
function normalize(original: Json, exported: Json, { from, ids, warnings }: Ours, invalid: boolean): { expected: Json; actual: Json } {
  const expected = from![0] === 4 && from![1] > 5 ? asFormat45(original) : structuredClone(original);
  const actual = structuredClone(exported);
  expected['nbformat_minor'] = 5;
  const seen = new Set<string>();
  (expected['cells'] as Json[]).forEach((cell, i) => {
    const id = ids![i];
    const kept = from![0] === 4 && typeof id === 'string' && isNbformatCellId(id) && !seen.has(id);
    if (typeof id === 'string') seen.add(id);
    const out = (actual['cells'] as Json[])[i];
    if (!kept && out) cell['id'] = out['id'];
  });
  if (invalid) repair(expected, warnings!);
  const em = expected['metadata'] as Json;
  const am = actual['metadata'] as Json;
  if (em['title'] === undefined) delete am['title'];
  const ks = em['kernelspec'];
  if (!(isObj(ks) && typeof ks['name'] === 'string' && typeof ks['display_name'] === 'string')) {
    delete em['kernelspec'];
    delete am['kernelspec'];
  }
  if (!isObj(em['language_info'])) {
    delete em['language_info'];
    delete am['language_info'];
  }
  return { expected, actual };
}

/** Where two JSON values first differ ("$.cells[3].metadata: missing jupyter"), or null when they are equal. */
function firstDifference(actual: unknown, expected: unknown, path = '$'): string | null {
  if (Array.isArray(expected) && Array.isArray(actual)) {
    for (let i = 0; i < Math.max(actual.length, expected.length); i++) {
      if (i >= actual.length) return `${path}: ${expected.length - actual.length} item(s) missing from index ${i}`;
      if (i >= expected.length) return `${path}: ${actual.length - expected.length} item(s) added at index ${i}`;
      const d = firstDifference(actual[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (isObj(expected) && isObj(actual)) {
    for (const k of Object.keys(expected)) if (!Object.hasOwn(actual, k)) return `${path}: missing ${k}`;
    for (const k of Object.keys(actual)) if (!Object.hasOwn(expected, k)) return `${path}: added ${k}`;
    for (const k of Object.keys(expected)) {
      const d = firstDifference(actual[k], expected[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  return a === e ? null : `${path}: ${(a ?? 'undefined').slice(0, 200)} instead of ${(e ?? 'undefined').slice(0, 200)}`;
}

test('the corpus is all there', () => {
  expect(FILES.length).toBe(LISTED);
  expect(FILES.length).toBeGreaterThanOrEqual(75);
});

// Generous: the largest files take seconds to compare on a loaded two-core machine.
describe.each(FILES)('%s', { timeout: 60_000 }, (name) => {
  test('imports whenever nbformat reads it', () => {
    const verdict = verdicts.get(name)!;
    const mine = ours.get(name)!;
    if (verdict.original.ok) expect(mine.error, 'nbformat reads this file').toBeUndefined();
    else expect(mine.error, `nbformat refuses it: ${verdict.original.error}`).toBeDefined();
  });

  test('round-trips losslessly', () => {
    const { original, exported, originalErrors } = verdicts.get(name)!;
    const mine = ours.get(name)!;
    if (!original.ok) return;
    expect(exported?.ok, 'nbformat reads the export').toBe(true);
    if (!exported?.ok) return;
    const { expected, actual } = normalize(parseJson(original.notebook) as Json, parseJson(exported.notebook) as Json, mine, originalErrors.length > 0);
    expect(firstDifference(actual, expected)).toBeNull();
  });

  test('the export validates with nbformat', () => {
    const verdict = verdicts.get(name)!;
    if (!verdict.original.ok) return;
    expect(verdict.errors).toEqual([]);
  });

  test('exporting the imported export gives the same bytes', () => {
    const mine = ours.get(name)!;
    if (mine.error) return;
    expect(mine.again === mine.exported, 'export → import → export changed the file').toBe(true);
  });
});
