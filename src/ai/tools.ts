/**
 * The tools the model can call, as operations of `src/model` with origin AI. Reads (list_cells, read_cell) run
 * freely; changes and runs (create_cell, modify_cell, delete_cell, run_cell) ask the user first unless they
 * chose "always allow" for that tool in this notebook. run_cell goes through the document's run queue like any
 * run: whichever peer executes picks it up, and the tool waits, by observing the document, for the run to end.
 */
import type * as Y from 'yjs';
import type Anthropic from '@anthropic-ai/sdk';
import {
  AI,
  cancelQueued,
  cellOrder,
  deleteCell,
  getCell,
  insertCell,
  isResultName,
  readLastRun,
  readRun,
  requestRun,
  setSource,
  setSqlResultName,
  snapshotCell,
  type Actor,
  type CellSnapshot,
  type RunState,
} from '../model';
import type { ToolUse } from './client';
import { renderCell, summarizeOutputs, truncateMiddle } from './context';
import { diffStats, formatDiff, lineDiff } from './diff';
import { isAiPrompt } from './prompt';
import { isHiddenFromAi, type ToolCard } from './transcript';

/** The tool definitions sent with every request. */
export const TOOL_DEFINITIONS: Anthropic.Tool[] = [
  {
    name: 'list_cells',
    description:
      'List every cell of the notebook in order: index, id, type, execution count, first line of the source and number of outputs. Cells hidden from AI show only their id.',
    input_schema: { type: 'object', properties: {} },
  },
  {
    name: 'read_cell',
    description: "Read one cell's full source and its outputs (summarised: long text truncated, images described).",
    input_schema: {
      type: 'object',
      properties: { cell_id: { type: 'string', description: 'The id of the cell.' } },
      required: ['cell_id'],
    },
  },
  {
    name: 'create_cell',
    description:
      'Insert a new cell. By default it goes right after the cell created last in this answer, or after the AI cell. The user may have to approve.',
    input_schema: {
      type: 'object',
      properties: {
        cell_type: {
          type: 'string',
          enum: ['code', 'markdown', 'sql'],
          description: 'code (Python), markdown, or sql (a DuckDB query; Python tables by name, {var} parameters).',
        },
        result_variable: { type: 'string', description: 'sql cells only: the Python variable that receives the result (default _sql).' },
        source: { type: 'string', description: 'The full source of the new cell.' },
        after_cell_id: { type: 'string', description: 'Insert right after this cell.' },
        before_cell_id: { type: 'string', description: 'Insert right before this cell.' },
      },
      required: ['cell_type', 'source'],
    },
  },
  {
    name: 'modify_cell',
    description: "Replace a cell's whole source. The user sees the diff and may have to approve. Outputs are kept until the cell runs again.",
    input_schema: {
      type: 'object',
      properties: {
        cell_id: { type: 'string', description: 'The id of the cell to change.' },
        source: { type: 'string', description: 'The complete new source.' },
      },
      required: ['cell_id', 'source'],
    },
  },
  {
    name: 'delete_cell',
    description: 'Delete a cell. The user may have to approve.',
    input_schema: {
      type: 'object',
      properties: { cell_id: { type: 'string', description: 'The id of the cell to delete.' } },
      required: ['cell_id'],
    },
  },
  {
    name: 'run_cell',
    description:
      "Run a code cell on the notebook's kernel and wait for it to finish. Returns the outputs, or the error with the end of its traceback. The user may have to approve.",
    input_schema: {
      type: 'object',
      properties: {
        cell_id: { type: 'string', description: 'The id of the code cell to run.' },
        timeout_seconds: { type: 'number', description: 'How long to wait for the run (default 120, at most 600).' },
      },
      required: ['cell_id'],
    },
  },
];

/** Tools that change or run the notebook: they ask the user unless "always allow" was chosen. */
export const TOOLS_NEEDING_APPROVAL: ReadonlySet<string> = new Set(['create_cell', 'modify_cell', 'delete_cell', 'run_cell']);

/** The user's answer to a tool call: once, never, or always for this tool in this notebook (on this device). */
export type ConfirmDecision = 'approve' | 'reject' | 'always';

/** Asks the user about a tool call; the card carries the summary and, for modify_cell, the diff. */
export type ConfirmFn = (card: ToolCard) => Promise<ConfirmDecision>;

/** What a tool handler needs from its surroundings. */
export interface ToolEnv {
  doc: Y.Doc;
  /** The AI cell the conversation belongs to. */
  aiCellId: string;
  /** Who asks for runs: shown in the queue as "queued by …". */
  actor: Actor;
  signal?: AbortSignal;
  /** Default wait for run_cell, in ms. */
  runTimeoutMs: number;
  /** The cell created last in this turn: the default position of the next one. Updated by create_cell. */
  lastCreatedId?: string;
}

/** A tool's answer to the model, plus the cell it touched (for the card's "jump to cell"). */
export interface ToolResult {
  content: string;
  isError: boolean;
  cellId?: string;
}

class ToolInputError extends Error {}

function str(input: Record<string, unknown>, key: string, required = true): string | undefined {
  const v = input[key];
  if (v === undefined || v === null) {
    if (required) throw new ToolInputError(`Missing "${key}".`);
    return undefined;
  }
  if (typeof v !== 'string') throw new ToolInputError(`"${key}" must be a string.`);
  return v;
}

/** A cell the model may see and touch: it exists and is not hidden from AI. */
function visibleCell(env: ToolEnv, id: string): CellSnapshot {
  const cell = snapshotCell(env.doc, id);
  // Hidden and missing read the same, so the model learns nothing about hidden cells.
  if (!cell || isHiddenFromAi(cell.metadata)) throw new ToolInputError(`No cell with id "${id}" (list_cells shows the ids).`);
  return cell;
}

function firstLine(source: string): string {
  const line = source.split('\n', 1)[0] ?? '';
  return line.length > 60 ? line.slice(0, 57) + '…' : line;
}

/** The card for a tool call before it runs: what the user approves. Throws nothing: bad input shows as is. */
export function describeToolCall(env: ToolEnv, call: ToolUse): ToolCard {
  const input = call.input;
  const id = typeof input.cell_id === 'string' ? input.cell_id : '';
  const base = { id: call.id, name: call.name, input, status: 'running' as const };
  switch (call.name) {
    case 'list_cells':
      return { ...base, summary: 'List the cells of the notebook' };
    case 'read_cell':
      return { ...base, summary: `Read cell ${id}`, cellId: id };
    case 'create_cell': {
      const where = typeof input.before_cell_id === 'string' ? `before ${input.before_cell_id}` : `after ${typeof input.after_cell_id === 'string' ? input.after_cell_id : (env.lastCreatedId ?? env.aiCellId)}`;
      const source = typeof input.source === 'string' ? input.source : '';
      return {
        ...base,
        summary: `Create a ${input.cell_type === 'markdown' || input.cell_type === 'sql' ? input.cell_type : 'code'} cell ${where}`,
        diff: formatDiff(lineDiff('', source), Infinity),
      };
    }
    case 'modify_cell': {
      const cell = snapshotCell(env.doc, id);
      const source = typeof input.source === 'string' ? input.source : '';
      const diff = lineDiff(cell && !isHiddenFromAi(cell.metadata) ? cell.source : '', source);
      const { added, removed } = diffStats(diff);
      return { ...base, summary: `Modify cell ${id} (+${added} −${removed})`, diff: formatDiff(diff), cellId: id };
    }
    case 'delete_cell': {
      const cell = snapshotCell(env.doc, id);
      const what = cell && !isHiddenFromAi(cell.metadata) ? ` (${cell.type}: ${firstLine(cell.source) || 'empty'})` : '';
      return { ...base, summary: `Delete cell ${id}${what}`, cellId: id };
    }
    case 'run_cell':
      return { ...base, summary: `Run cell ${id}`, cellId: id };
    default:
      return { ...base, summary: `Unknown tool ${call.name}` };
  }
}

function listCells(env: ToolEnv): ToolResult {
  const ids = cellOrder(env.doc);
  const lines = ids.map((id, i) => {
    const cell = snapshotCell(env.doc, id);
    if (!cell) return `${i}. id=${id} (unreadable)`;
    if (isHiddenFromAi(cell.metadata)) return `${i}. id=${id} (hidden from AI)`;
    const self = id === env.aiCellId ? ' (this AI cell)' : '';
    const count = cell.executionCount !== null ? ` [${cell.executionCount}]` : '';
    const n = cell.source ? cell.source.split('\n').length : 0;
    return `${i}. id=${id} ${cell.type}${count}${self}: ${JSON.stringify(firstLine(cell.source))} (${n} line${n === 1 ? '' : 's'}, ${cell.outputs.length} output${cell.outputs.length === 1 ? '' : 's'})`;
  });
  return { content: lines.length ? lines.join('\n') : 'The notebook has no cells.', isError: false };
}

function readCell(env: ToolEnv, input: Record<string, unknown>): ToolResult {
  const id = str(input, 'cell_id')!;
  const cell = visibleCell(env, id);
  const index = cellOrder(env.doc).indexOf(id);
  return { content: renderCell(cell, index, { notebookChars: Infinity, sourceChars: 30_000, outputChars: 6_000, historyChars: Infinity }), isError: false, cellId: id };
}

function createCell(env: ToolEnv, input: Record<string, unknown>): ToolResult {
  const type = str(input, 'cell_type')!;
  if (type !== 'code' && type !== 'markdown' && type !== 'sql') throw new ToolInputError('"cell_type" must be "code", "markdown" or "sql".');
  const resultVariable = type === 'sql' ? str(input, 'result_variable', false) : undefined;
  if (resultVariable !== undefined && !isResultName(resultVariable)) throw new ToolInputError(`"result_variable" must be a Python variable name, not ${JSON.stringify(resultVariable)}.`);
  const source = str(input, 'source')!;
  const after = str(input, 'after_cell_id', false);
  const before = str(input, 'before_cell_id', false);
  const order = cellOrder(env.doc);
  let index: number;
  if (before !== undefined) {
    visibleCell(env, before);
    index = order.indexOf(before);
  } else if (after !== undefined) {
    visibleCell(env, after);
    index = order.indexOf(after) + 1;
  } else {
    const anchor = [env.lastCreatedId, env.aiCellId].find((id) => id !== undefined && order.includes(id));
    index = anchor !== undefined ? order.indexOf(anchor) + 1 : order.length;
  }
  const id = insertCell(env.doc, index, { type, source }, AI);
  if (resultVariable !== undefined) setSqlResultName(env.doc, id, resultVariable, AI);
  env.lastCreatedId = id;
  return { content: `Created ${type} cell id="${id}" at index ${cellOrder(env.doc).indexOf(id)}.`, isError: false, cellId: id };
}

function modifyCell(env: ToolEnv, input: Record<string, unknown>): ToolResult {
  const id = str(input, 'cell_id')!;
  const source = str(input, 'source')!;
  const cell = visibleCell(env, id);
  if (id === env.aiCellId) throw new ToolInputError('The AI cell you answer from cannot be modified.');
  const diff = lineDiff(cell.source, source);
  if (cell.source === source) return { content: `Cell ${id} already has this source; nothing changed.`, isError: false, cellId: id };
  setSource(env.doc, id, source, AI);
  return { content: `Modified cell ${id}:\n${formatDiff(diff)}`, isError: false, cellId: id };
}

function removeCell(env: ToolEnv, input: Record<string, unknown>): ToolResult {
  const id = str(input, 'cell_id')!;
  visibleCell(env, id);
  if (id === env.aiCellId) throw new ToolInputError('The AI cell you answer from cannot be deleted.');
  deleteCell(env.doc, id, AI);
  return { content: `Deleted cell ${id}.`, isError: false };
}

type RunEnd = { state: RunState } | { state: 'timeout'; queued: boolean } | { state: 'gone' };

/** Resolves when run `runId` leaves the queue (or on timeout / abort), by watching the document. */
function waitForRun(env: ToolEnv, cellId: string, runId: string, timeoutMs: number): Promise<RunEnd> {
  const { doc, signal } = env;
  return new Promise<RunEnd>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const done = (v: RunEnd | Error): void => {
      doc.off('afterTransaction', check);
      signal?.removeEventListener('abort', onAbort);
      if (timer !== undefined) clearTimeout(timer);
      if (v instanceof Error) reject(v);
      else resolve(v);
    };
    function check(): void {
      const run = readRun(doc, runId);
      if (run) return;
      // The record left the queue: the cell's lastRun says how it ended (unless the cell itself was deleted).
      const cell = getCell(doc, cellId);
      const last = cell ? readLastRun(cell) : null;
      done(last && last.runId === runId ? { state: last.state } : { state: 'gone' });
    }
    function onAbort(): void {
      done(new Error('aborted'));
    }
    timer = setTimeout(() => done({ state: 'timeout', queued: readRun(doc, runId)?.state === 'queued' }), timeoutMs);
    doc.on('afterTransaction', check);
    signal?.addEventListener('abort', onAbort);
    check();
  });
}

async function runCell(env: ToolEnv, input: Record<string, unknown>): Promise<ToolResult> {
  const id = str(input, 'cell_id')!;
  const cell = visibleCell(env, id);
  if (cell.type !== 'code' && cell.type !== 'sql') throw new ToolInputError(`Cell ${id} is a ${cell.type} cell; only code and sql cells run.`);
  if (isAiPrompt(cell.type, cell.source)) throw new ToolInputError(`Cell ${id} is an AI prompt (%%ai); it cannot be run as a tool.`);
  const secs = typeof input.timeout_seconds === 'number' && input.timeout_seconds > 0 ? Math.min(input.timeout_seconds, 600) : null;
  const timeoutMs = secs !== null ? secs * 1000 : env.runTimeoutMs;
  const runId = requestRun(env.doc, id, env.actor, AI);
  if (!runId) throw new ToolInputError(`Cell ${id} cannot be run.`);
  let end: RunEnd;
  try {
    end = await waitForRun(env, id, runId, timeoutMs);
  } catch (e) {
    // Interrupted while waiting: a run nobody started yet is withdrawn; a running one is left to the kernel's
    // own interrupt, which the user controls.
    cancelQueued(env.doc, AI, id);
    throw e;
  }
  const after = snapshotCell(env.doc, id);
  const outputs = after?.outputs.length ? summarizeOutputs(after.outputs, 4_000) : '(no output)';
  const count = after?.executionCount != null ? ` Execution count ${after.executionCount}.` : '';
  switch (end.state) {
    case 'timeout':
      return {
        content: end.queued
          ? `The run is still queued after ${Math.round(timeoutMs / 1000)} s: no kernel has picked it up. The user may need to start the kernel.`
          : `The run is still going after ${Math.round(timeoutMs / 1000)} s. Outputs so far:\n${outputs}`,
        isError: true,
        cellId: id,
      };
    case 'gone':
      return { content: `Cell ${id} was deleted before its run finished.`, isError: true };
    case 'cancelled':
    case 'interrupted':
      return { content: `The run was ${end.state}.${count} Outputs:\n${outputs}`, isError: true, cellId: id };
    case 'error':
      return { content: `The cell raised an error.${count} Outputs:\n${outputs}`, isError: false, cellId: id };
    default:
      return { content: `The run finished.${count} Outputs:\n${outputs}`, isError: false, cellId: id };
  }
}

/**
 * Runs one tool call (after approval). Bad input and failures come back as `isError` results for the model,
 * never as exceptions, except an interrupt, which rethrows so the agent loop stops.
 */
export async function executeTool(env: ToolEnv, call: ToolUse): Promise<ToolResult> {
  try {
    switch (call.name) {
      case 'list_cells':
        return listCells(env);
      case 'read_cell':
        return readCell(env, call.input);
      case 'create_cell':
        return createCell(env, call.input);
      case 'modify_cell':
        return modifyCell(env, call.input);
      case 'delete_cell':
        return removeCell(env, call.input);
      case 'run_cell':
        return await runCell(env, call.input);
      default:
        return { content: `Unknown tool "${call.name}".`, isError: true };
    }
  } catch (e) {
    if (e instanceof ToolInputError) return { content: e.message, isError: true };
    if (env.signal?.aborted) throw e;
    return { content: `The tool failed: ${e instanceof Error ? e.message : String(e)}`, isError: true };
  }
}

/** Shortens a tool result for the card in the AI cell (the model gets the full text). */
export function cardResult(content: string): string {
  return truncateMiddle(content, 1_500);
}
