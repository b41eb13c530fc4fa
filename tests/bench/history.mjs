#!/usr/bin/env node
/**
 * Version history and variables, measured:
 * - storage after 10,000 edits: a 20-cell notebook typed into for about four hours (one edit every 1.5 s: mostly
 *   characters, some deleted ranges, new and deleted cells), a pause every 20 edits, a run replacing a cell's
 *   30 KB plot every 100 edits. Compared: the document with
 *   Yjs's gc (what Anode keeps), the same document with gc:false (what Yjs snapshots would need every peer to
 *   load and sync), every checkpoint state written, and what the retention rule keeps (src/sync/history.ts with
 *   src/sync/retention.ts, over fake IndexedDB);
 * - opening the History panel of a 500-cell notebook with 60 stored checkpoints (reading the list), and opening one
 *   version against now (decode its state, compare every cell);
 * - the Variables panel's look after a run with 1,000 globals (workers/python/anode_kernel/variables.py in Pyodide
 *   under Node: the kernel's share; the worker message and presence update around it are not included).
 *
 * Usage: node tests/bench/history.mjs [--reps 5]. Prints a table and one `HISTORY_BENCH {...}` line (medians).
 * TypeScript sources are loaded through Vite's SSR module loader.
 */
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import * as Y from 'yjs';
import { loadPyodide } from 'pyodide';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = process.argv.slice(2);
const REPS = Number(args[args.indexOf('--reps') + 1] || 5) || 5;

const vite = await createServer({ configFile: false, root, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false } });
const model = await vite.ssrLoadModule('/src/model/index.ts');
const { NotebookHistory } = await vite.ssrLoadModule('/src/sync/history.ts');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const who = { name: 'Ada', color: '#b58900' };

/** A seeded PRNG, so every run types the same edits. */
function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

async function storageAfterEdits() {
  const rand = rng(7);
  const doc = model.createNotebookDoc({ cells: Array.from({ length: 20 }, (_, i) => ({ source: `# cell ${i}\n` })) });
  const nogc = new Y.Doc({ gc: false });
  Y.applyUpdate(nogc, Y.encodeStateAsUpdate(doc));
  doc.on('update', (u) => Y.applyUpdate(nogc, u));
  let now = Date.UTC(2026, 0, 5, 9);
  const history = await NotebookHistory.open('bench', doc, { me: () => who, nameOf: () => null, idb: new IDBFactory(), now: () => now, pauseMs: 1e9 });
  let written = 0;
  const words = ['value', ' = ', 'df', '.groupby(', '"city"', ')', '\n', 'print(', 'x', ' + ', '1', 'sum('];
  for (let i = 1; i <= 10_000; i++) {
    now += 1500;
    const ids = model.cellOrder(doc);
    const id = ids[Math.floor(rand() * ids.length)];
    const r = rand();
    if (r < 0.01) model.insertCell(doc, Math.floor(rand() * ids.length), { source: '# new\n' }, model.LOCAL);
    else if (r < 0.015 && ids.length > 5) model.deleteCell(doc, id, model.LOCAL);
    else {
      const text = model.getCell(doc, id).get('source');
      if (r < 0.08 && text.length > 10) {
        const at = Math.floor(rand() * (text.length - 5));
        doc.transact(() => text.delete(at, 5), model.LOCAL);
      } else doc.transact(() => text.insert(Math.floor(rand() * (text.length + 1)), words[Math.floor(rand() * words.length)]), model.LOCAL);
    }
    if (i % 100 === 0) {
      // A run: the cell's plot replaced by a new one (30 KB of base64, a small matplotlib PNG).
      const png = Array.from({ length: 30_000 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'[Math.floor(rand() * 64)]).join('');
      model.clearOutputs(doc, id, model.EXECUTOR);
      model.appendOutputs(doc, id, [{ output_type: 'display_data', data: { 'image/png': png }, metadata: {} }], model.EXECUTOR);
    }
    if (i % 20 === 0) {
      now += 4000;
      await history.checkpoint('edit');
      written += history.list().at(-1)?.size ?? 0;
    }
  }
  await history.flushed();
  const kept = history.list();
  history.destroy();
  return {
    edits: 10_000,
    doc_bytes: Y.encodeStateAsUpdate(doc).byteLength,
    doc_nogc_bytes: Y.encodeStateAsUpdate(nogc).byteLength,
    checkpoints_written_bytes: written,
    checkpoints_kept: kept.length,
    checkpoints_kept_bytes: kept.reduce((n, c) => n + c.size, 0),
  };
}

async function panelOf500Cells() {
  const cells = Array.from({ length: 500 }, (_, i) => ({ source: `# cell ${i}\nimport math\nvalue_${i} = math.sqrt(${i})\nprint(value_${i})`, outputs: [{ output_type: 'stream', name: 'stdout', text: `${Math.sqrt(i)}\n` }] }));
  const doc = model.createNotebookDoc({ cells });
  const idb = new IDBFactory();
  let now = Date.UTC(2026, 0, 5, 9);
  const h = await NotebookHistory.open('big', doc, { me: () => who, nameOf: () => null, idb, now: () => now, coalesceMs: 0 });
  // One edit every 50 s: all within the hour the retention keeps whole, so 60 checkpoints stay.
  for (let i = 0; i < 60; i++) {
    now += 50_000;
    model.setSource(doc, model.cellOrder(doc)[i * 7], `changed ${i}`, model.LOCAL);
    await h.checkpoint('edit');
  }
  await h.flushed();
  h.destroy();
  const list = [];
  const view = [];
  let cpsCount = 0;
  for (let r = 0; r < REPS; r++) {
    let t = performance.now();
    const again = await NotebookHistory.open('big', doc, { me: () => who, nameOf: () => null, idb, now: () => now });
    const cps = again.list();
    cpsCount = cps.length;
    list.push(performance.now() - t);
    t = performance.now();
    const v = await again.version(cps[0].id);
    const rows = model.compareVersions(v, model.versionOf(doc));
    view.push(performance.now() - t);
    if (rows.length !== 500) throw new Error(`compared ${rows.length} cells, not 500`);
    again.destroy();
  }
  return { checkpoints: cpsCount, state_bytes: Y.encodeStateAsUpdate(doc).byteLength, open_list_ms: median(list), open_version_ms: median(view) };
}

function writeTree(p, dir, base, rootDir) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) writeTree(p, full, base, rootDir);
    else if (name.endsWith('.py')) {
      const target = `${rootDir}/${relative(base, full)}`;
      p.FS.mkdirTree(target.slice(0, target.lastIndexOf('/')));
      p.FS.writeFile(target, readFileSync(full, 'utf8'));
    }
  }
}

async function variablesWith1000Globals() {
  const py = await loadPyodide({ indexURL: join(root, 'node_modules/pyodide/') });
  const pyDir = join(root, 'workers/python');
  writeTree(py, pyDir, pyDir, '/home/pyodide/anode');
  py.runPython(`
import sys
sys.path.insert(0, "/home/pyodide/anode")
from anode_kernel import variables as _v
ns = {"__name__": "__main__"}
for i in range(1000):
    k = i % 5
    ns[f"v{i}"] = i if k == 0 else f"text {i}" * 3 if k == 1 else list(range(i)) if k == 2 else {"a": i, "b": [i]} if k == 3 else (lambda x: x)
`);
  const times = [];
  let size = 0;
  for (let r = 0; r < Math.max(REPS, 10); r++) {
    const t = performance.now();
    size = py.runPython('len(_v.list_json(300, ns))');
    times.push(performance.now() - t);
  }
  return { globals: 1000, described: 300, refresh_ms: median(times), json_bytes: size };
}

const storage = await storageAfterEdits();
const panel = await panelOf500Cells();
const vars = await variablesWith1000Globals();
await vite.close();

console.log('History storage after 10,000 edits (20-cell notebook, ~4 h of typing, a pause every 20 edits, a 30 KB plot redrawn every 100)');
console.log(`  document (gc on, what Anode keeps)        ${kb(storage.doc_bytes)}`);
console.log(`  document with gc:false (snapshot approach) ${kb(storage.doc_nogc_bytes)}`);
console.log(`  all checkpoint states written             ${kb(storage.checkpoints_written_bytes)}`);
console.log(`  kept by retention: ${storage.checkpoints_kept} checkpoints   ${kb(storage.checkpoints_kept_bytes)}`);
console.log(`History panel, 500 cells, ${panel.checkpoints} checkpoints (state ${kb(panel.state_bytes)}), median of ${REPS}`);
console.log(`  open (list)          ${panel.open_list_ms.toFixed(1)} ms`);
console.log(`  open one version     ${panel.open_version_ms.toFixed(1)} ms`);
console.log(`Variables look, 1,000 globals (300 described), median: ${vars.refresh_ms.toFixed(1)} ms, ${kb(vars.json_bytes)} JSON`);
console.log(`HISTORY_BENCH ${JSON.stringify({ storage, panel, variables: vars })}`);
process.exit(0);
