#!/usr/bin/env node
// `npm run bench`: runs every tests/bench/*.mjs except this one (foundation, kernel, collab, ai, ...), one after
// another with node, passing their output through; then prints a summary of each script's exit status and its
// `*_BENCH {json}` lines. Each script expects a built app (dist/) where it needs one; none is built here.
// Arguments after `--only name[,name]` restrict the run to those scripts (e.g. `npm run bench -- --only foundation`).
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',').filter(Boolean)) : null;

const scripts = readdirSync(here)
  .filter((f) => f.endsWith('.mjs') && f !== self)
  .filter((f) => !only || only.has(f.replace(/\.mjs$/, '')))
  .sort();

/** Runs one script, echoing its output as it comes; resolves with its exit code and its *_BENCH lines. */
function run(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [join(here, file)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = [];
    let pending = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      pending += String(chunk);
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const l of parts) if (/^[A-Z][A-Z0-9_]*_BENCH /.test(l)) lines.push(l);
    });
    child.stderr.on('data', (chunk) => process.stderr.write(chunk));
    child.on('close', (code, signal) => {
      if (/^[A-Z][A-Z0-9_]*_BENCH /.test(pending)) lines.push(pending);
      resolve({ file, code: code ?? (signal ? `signal ${signal}` : 'unknown'), lines, seconds: (Date.now() - started) / 1000 });
    });
  });
}

const results = [];
for (const file of scripts) {
  console.log(`\n=== ${file} ===`);
  results.push(await run(file));
}

console.log('\n=== bench summary ===');
for (const r of results) {
  const status = r.code === 0 ? 'ok' : `FAILED (${r.code})`;
  console.log(`${r.file}: ${status}, ${r.seconds.toFixed(0)} s`);
  if (r.lines.length === 0) console.log('  (no *_BENCH line)');
  for (const l of r.lines) console.log('  ' + l);
}
process.exitCode = results.every((r) => r.code === 0) ? 0 : 1;
