#!/usr/bin/env node
/**
 * The app's own overhead per AI tool call: from the moment a tool_use block is complete in the stream to the
 * moment the tool_result request is handed to fetch, with the mock answering instantly and approvals granted
 * ("always allow"), on a 50-cell notebook. run_cell includes the run queue round trip through the document with
 * an executor that finishes at once (so: app overhead plus a zero-time run). Median and p95 over N calls.
 *
 * Usage: node tests/bench/ai.mjs [N=200]. Prints a table and one JSON line (`AI_BENCH {...}`) for collectors.
 * TypeScript sources are loaded through Vite's SSR module loader, so no extra tooling is needed.
 */
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { startMockLlm } from '../fixtures/mock-llm.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const N = Number(process.argv[2] ?? 200);
const TARGET_MS = 50;

// One Vite server for both modules, so src/ai and the bench share a single instance of src/model.
const vite = await createServer({ configFile: false, root, logLevel: 'error', appType: 'custom', server: { middlewareMode: true, hmr: false, ws: false } });
const model = await vite.ssrLoadModule('/src/model/index.ts');
const ai = await vite.ssrLoadModule('/src/ai/index.ts');

const llm = await startMockLlm();
const storage = ai.memoryStorage();
for (const t of ['create_cell', 'modify_cell', 'delete_cell', 'run_cell']) ai.allowToolAlways('bench-nb', t, storage);

function makeDoc() {
  const cells = Array.from({ length: 50 }, (_, i) => ({
    id: `c${i}`,
    type: 'code',
    source: `# cell ${i}\nimport math\nvalue_${i} = math.sqrt(${i})\nprint(value_${i})`,
    outputs: [{ output_type: 'stream', name: 'stdout', text: `${Math.sqrt(i)}\n` }],
  }));
  cells.push({ id: 'ai', type: 'ai', source: 'benchmark' });
  return model.createNotebookDoc({ id: 'bench-nb', title: 'Bench', cells });
}

/** An executor that finishes every queued run at once, through src/model like the real one. */
function instantExecutor(doc) {
  const me = { client: 1, name: 'bench-executor' };
  const pump = () => {
    for (const run of model.liveRuns(doc)) {
      if (run.state !== 'queued' || !model.claimRun(doc, run.id, me, model.EXECUTOR)) continue;
      model.appendOutputs(doc, run.cellId, [{ output_type: 'stream', name: 'stdout', text: 'ok\n' }], model.EXECUTOR);
      model.finishRun(doc, run.id, 'done', model.EXECUTOR, 1);
    }
  };
  const onTx = () => setTimeout(pump, 0);
  doc.on('afterTransaction', onTx);
  return () => doc.off('afterTransaction', onTx);
}

const INPUTS = {
  list_cells: () => ({}),
  read_cell: (i) => ({ cell_id: `c${i % 50}` }),
  create_cell: (i) => ({ cell_type: 'code', source: `x_${i} = ${i}\nprint(x_${i})` }),
  modify_cell: (i) => ({ cell_id: `c${i % 50}`, source: `# cell ${i}\nimport math\nvalue = math.sqrt(${i}) * 2\nprint(value)` }),
  run_cell: (i) => ({ cell_id: `c${i % 50}` }),
};

async function measure(tool) {
  const doc = makeDoc();
  const stopExec = instantExecutor(doc);
  // One turn with N tool calls, each answered instantly; the last response ends the turn.
  const steps = [];
  for (let i = 0; i < N; i++) steps.push({ delayMs: 0, content: [{ type: 'tool_use', name: tool, input: INPUTS[tool](i) }] });
  steps.push({ delayMs: 0, text: 'done' });
  llm.reset();
  llm.script(steps);
  const toolUseAt = [];
  const sentAt = [];
  const timedFetch = (input, init) => {
    sentAt.push(performance.now());
    return fetch(input, init);
  };
  const result = await ai.runAiCell({
    doc,
    cellId: 'ai',
    settings: { apiKey: 'sk-bench', model: 'bench', baseURL: llm.url },
    confirm: async () => 'approve',
    storage,
    maxSteps: N + 1,
    client: { maxRetries: 0, fetch: timedFetch },
    onEvent: (e) => {
      if (e.type === 'tool_use') toolUseAt.push(performance.now());
    },
  });
  stopExec();
  if (result.end !== 'end_turn') throw new Error(`${tool}: turn ended with ${result.end}: ${result.error?.message}`);
  // Request k+1 carries the result of tool call k.
  const d = toolUseAt.map((t, k) => sentAt[k + 1] - t).sort((a, b) => a - b);
  const q = (p) => d[Math.min(d.length - 1, Math.floor(p * d.length))];
  const size = model.cellOrder(doc).length;
  return { tool, n: d.length, median: q(0.5), p95: q(0.95), max: d[d.length - 1], cells: size };
}

const rows = [];
for (const tool of Object.keys(INPUTS)) rows.push(await measure(tool));
await llm.close();
await vite.close();

console.log(`AI tool-call overhead: tool_use complete → tool_result request sent (N=${N}, mock instant, 50-cell notebook)`);
console.log('tool          median ms   p95 ms   max ms');
for (const r of rows) {
  console.log(`${r.tool.padEnd(13)} ${r.median.toFixed(2).padStart(9)} ${r.p95.toFixed(2).padStart(8)} ${r.max.toFixed(2).padStart(8)}`);
}
const ok = rows.filter((r) => r.tool !== 'run_cell').every((r) => r.median < TARGET_MS);
console.log(`target: median < ${TARGET_MS} ms for create/modify/read/list: ${ok ? 'met' : 'NOT met'}`);
console.log('AI_BENCH ' + JSON.stringify({ n: N, target_ms: TARGET_MS, rows: rows.map(({ tool, median, p95, max }) => ({ tool, median_ms: +median.toFixed(3), p95_ms: +p95.toFixed(3), max_ms: +max.toFixed(3) })) }));
process.exit(ok ? 0 : 1);
