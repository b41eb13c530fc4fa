/**
 * What the model sees: a pure function of the document and the AI cell's id. The notebook above the cell goes
 * into the system prompt (sources with types and ids, outputs summarised, hidden cells left out), the cell's
 * conversation and the new prompt into `messages`. The UI's "what the AI sees" view renders exactly this value,
 * and the agent sends exactly this value, so the two cannot drift.
 *
 * Budgets are in characters (a rough 3–4 characters per token): cheap to compute, deterministic, and enough
 * to keep a notebook with huge outputs from overflowing the context.
 */
import type * as Y from 'yjs';
import type Anthropic from '@anthropic-ai/sdk';
import { cellOrder, kernelLanguage, listFiles, mimeDataBytes, readKernel, readMeta, snapshotCell, sqlResultName, stringifyJson, type CellSnapshot, type Output } from '../model';
import { parsePrompt } from './prompt';
import { isHiddenFromAi, readAiState } from './transcript';

/** Character budgets of the context. */
export interface ContextBudget {
  /** All cells above the AI cell together. Cells nearest to the AI cell are kept first. */
  notebookChars: number;
  /** One cell's source. */
  sourceChars: number;
  /** One output (stream text, text/plain, ...). */
  outputChars: number;
  /** The conversation history; the oldest whole turns are dropped first. */
  historyChars: number;
}

/** Defaults: about 15k tokens of notebook and 25k of history, far below any current model's window. */
export const DEFAULT_BUDGET: ContextBudget = {
  notebookChars: 60_000,
  sourceChars: 8_000,
  outputChars: 2_000,
  historyChars: 100_000,
};

/** The context of one AI turn. */
export interface AiContext {
  system: string;
  messages: Anthropic.MessageParam[];
  /** Ids of cells shown to the model, in notebook order. */
  includedCellIds: string[];
  /** Ids of cells above the AI cell that the user hid from AI. */
  hiddenCellIds: string[];
  /** How many cells (the farthest above) were left out to fit the budget. */
  omittedCells: number;
  /** How many earlier turns of the conversation were left out to fit the budget. */
  omittedTurns: number;
}

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

/** Removes terminal colour codes (tracebacks are full of them). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/**
 * Shortens text to at most about `max` characters, keeping the start and (more of) the end, where results
 * and errors usually are, with a visible marker saying how much was cut.
 */
export function truncateMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.floor(max / 3);
  const tail = max - head;
  const cut = text.length - head - tail;
  return `${text.slice(0, head)}\n[… ${cut} characters truncated …]\n${text.slice(text.length - tail)}`;
}

/** "12 KB", "840 B", "1.4 MB". */
export function formatSize(chars: number): string {
  if (chars < 1024) return `${chars} B`;
  if (chars < 1024 * 1024) return `${Math.round(chars / 1024)} KB`;
  return `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}

function b64Bytes(b64: string, n: number): Uint8Array | null {
  try {
    const chunk = b64.replace(/\s+/g, '').slice(0, Math.ceil((n * 4) / 3 / 4) * 4 + 4);
    const bin = atob(chunk.slice(0, chunk.length - (chunk.length % 4)));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** Width and height of a base64 PNG or GIF from its header, without decoding the image. */
export function imageSize(mime: string, b64: string): { width: number; height: number } | null {
  const bytes = b64Bytes(b64, 24);
  if (!bytes) return null;
  if (mime === 'image/png' && bytes.length >= 24 && bytes[0] === 0x89 && bytes[1] === 0x50) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { width: dv.getUint32(16), height: dv.getUint32(20) };
  }
  if (mime === 'image/gif' && bytes.length >= 10 && bytes[0] === 0x47) {
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { width: dv.getUint16(6, true), height: dv.getUint16(8, true) };
  }
  return null;
}

function asText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.join('');
  return stringifyJson(v, 0); // numbers as the file wrote them
}

function describeImage(mime: string, value: unknown, metadata: Record<string, unknown>): string {
  const md = metadata[mime] as { width?: unknown; height?: unknown } | undefined;
  let size: { width: number; height: number } | null = null;
  if (typeof md?.width === 'number' && typeof md.height === 'number') size = { width: md.width, height: md.height };
  else if (typeof value === 'string') size = imageSize(mime, value);
  if (mime === 'image/svg+xml') return `[image/svg+xml, ${formatSize(asText(value).length)}]`;
  return size ? `[${mime} ${size.width}×${size.height}]` : `[${mime}]`;
}

/** Small HTML with no plain-text alternative is shown as its text; anything larger is only described. */
const SMALL_HTML = 1_000;

function describeBundle(data: Record<string, unknown>, metadata: Record<string, unknown>, max: number): string {
  const parts: string[] = [];
  for (const mime of Object.keys(data)) {
    if (mime.startsWith('image/')) parts.push(describeImage(mime, data[mime], metadata));
  }
  const html = data['text/html'] !== undefined ? asText(data['text/html']) : null;
  const textual = ['text/markdown', 'text/plain', 'text/latex', 'application/json'].find((m) => data[m] !== undefined);
  if (html !== null) {
    const kind = /<table[\s>]/i.test(html) ? 'HTML table' : 'HTML';
    if (textual || html.length > SMALL_HTML) parts.push(`[${kind}, ${formatSize(html.length)}]`);
    else parts.push(truncateMiddle(html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim(), max));
  }
  if (textual) parts.push(truncateMiddle(stripAnsi(asText(data[textual])), max));
  if (!parts.length) {
    for (const mime of Object.keys(data)) parts.push(`[${mime}, ${formatSize(asText(data[mime]).length)}]`);
  }
  return parts.join(' ');
}

/** How many traceback lines an error keeps: the end, where the failing line and the message are. */
const TRACEBACK_LINES = 8;

/** One output as text for the model: stream text truncated, errors short, images and big HTML described. */
export function summarizeOutput(out: Output, maxChars: number = DEFAULT_BUDGET.outputChars): string {
  switch (out.output_type) {
    case 'stream':
      return `[${out.name}]\n${truncateMiddle(stripAnsi(out.text), maxChars).replace(/\n$/, '')}`;
    case 'error': {
      const lines = stripAnsi(out.traceback.join('\n')).split('\n').filter((l) => l.trim());
      const tail = lines.slice(-TRACEBACK_LINES);
      const tb = tail.length ? `\nTraceback (last ${tail.length} lines):\n${tail.join('\n')}` : '';
      return truncateMiddle(`[error] ${out.ename}: ${stripAnsi(out.evalue)}${tb}`, maxChars * 2);
    }
    case 'execute_result':
      return `[result${out.execution_count !== null ? ` ${out.execution_count}` : ''}] ${describeBundle(out.data, out.metadata, maxChars)}`;
    case 'display_data':
      return `[display] ${describeBundle(out.data, out.metadata, maxChars)}`;
    default:
      return '[unknown output]';
  }
}

/** All outputs of a cell, one summary per output. */
export function summarizeOutputs(outputs: Output[], maxChars: number = DEFAULT_BUDGET.outputChars): string {
  return outputs.map((o) => summarizeOutput(o, maxChars)).join('\n');
}

function attr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * A cell's attachments as the model sees them: names, types and sizes, never the data (one pasted screenshot
 * would eat the whole budget), so `![](attachment:name)` in the source means something to it.
 */
function describeAttachments(attachments: CellSnapshot['attachments']): string {
  const names = Object.keys(attachments ?? {});
  if (!names.length) return '';
  const lines = names.map((name) => {
    const bundle = attachments![name]!;
    const parts = Object.entries(bundle).map(([mime, v]) => `${mime}, ${formatSize(mimeDataBytes(mime, v))}`);
    return `- ${name} (${parts.join('; ')})`;
  });
  return `\n<attachments>\n${lines.join('\n')}\n</attachments>`;
}

/** One cell as the model sees it (also what the read_cell tool returns). */
export function renderCell(cell: CellSnapshot, index: number, budget: ContextBudget = DEFAULT_BUDGET): string {
  const count = cell.executionCount !== null ? ` execution_count="${cell.executionCount}"` : '';
  // A SQL cell's result is a Python variable: the model must know its name to use it in code.
  const result = cell.type === 'sql' ? ` result_variable="${attr(sqlResultName(cell.metadata))}"` : '';
  const src = truncateMiddle(cell.source, budget.sourceChars);
  const outs = cell.outputs.length ? `\n<outputs>\n${summarizeOutputs(cell.outputs, budget.outputChars)}\n</outputs>` : '';
  const att = describeAttachments(cell.attachments);
  return `<cell id="${attr(cell.id)}" type="${cell.type}" index="${index}"${count}${result}>\n<source>\n${src}\n</source>${att}${outs}\n</cell>`;
}

/** Where code cells run, which decides the language the model writes and what it may assume is installed. */
function kernelInstructions(doc: Y.Doc): string {
  const where = readKernel(doc)?.where;
  const lang = kernelLanguage(where);
  if (!where) {
    return `You are the AI assistant inside Anode, a collaborative Python notebook. Python runs in the user's browser (Pyodide: the standard library and common scientific packages such as numpy, pandas and matplotlib; no raw network sockets).

Answer in Markdown. Put code in fenced \`\`\`python blocks: the user can insert a block as a new code cell with one click.`;
  }
  const name = lang === 'python' ? 'Python' : (where.language ?? lang);
  const fence = lang === 'python' ? 'python' : lang;
  // SQL cells read a Python kernel's tables (src/kernel/jupyter/sql.ts); another language's kernel has none to give them.
  const sql = lang === 'python' ? '' : " SQL cells still run DuckDB in the browser: they see the notebook's files, not this kernel's variables.";
  return `You are the AI assistant inside Anode, a collaborative notebook. Its code cells run on a Jupyter server's "${where.kernel}" kernel at ${where.host}, in ${name}, not in the browser: write code cells in ${name}, using what is installed on that server.${sql}

Answer in Markdown. Put code in fenced \`\`\`${fence} blocks: the user can insert a block as a new code cell with one click.`;
}

const INSTRUCTIONS = `You can act on the notebook with tools: list_cells and read_cell to inspect it; create_cell, modify_cell, delete_cell and run_cell to change and run it. run_cell queues the cell on the notebook's kernel and returns its outputs or its error, so you can fix your code and run it again. The user may have to approve changes and runs; when a call is rejected, do not repeat it: continue without it or ask the user. Refer to cells by their id.

SQL cells (type "sql") are DuckDB queries run in the browser: they query Python tables (a dict of columns, a list of dicts, a pandas DataFrame) by their variable name, the notebook's files by name (FROM 'sales.csv', read_parquet('x.parquet')), take {name} parameters from Python variables, and put their result in the Python variable shown as result_variable (default _sql). Create them with create_cell and cell_type "sql".

Cells the user hid from AI are not shown to you, and you cannot read or change them.`;

/** Splits a conversation into turns: each starts with a user message that is not a tool result. */
function turnsOf(messages: Anthropic.MessageParam[]): Anthropic.MessageParam[][] {
  const turns: Anthropic.MessageParam[][] = [];
  for (const m of messages) {
    const isToolResult = m.role === 'user' && Array.isArray(m.content) && m.content.some((b) => b.type === 'tool_result');
    if ((m.role === 'user' && !isToolResult) || !turns.length) turns.push([m]);
    else turns[turns.length - 1]!.push(m);
  }
  return turns;
}

/** Drops the oldest whole turns (a tool call is never separated from its result) until the history fits. */
export function trimHistory(messages: Anthropic.MessageParam[], maxChars: number): { messages: Anthropic.MessageParam[]; omittedTurns: number } {
  const turns = turnsOf(messages);
  let size = JSON.stringify(messages).length;
  let omitted = 0;
  while (size > maxChars && turns.length > 1) {
    size -= JSON.stringify(turns.shift()).length;
    omitted++;
  }
  return { messages: turns.flat(), omittedTurns: omitted };
}

/**
 * Adds the user's prompt after the history. When the history ends with a user message (a turn that was
 * interrupted, or ended on tool results at the step limit), the prompt joins that message, since the API
 * wants user and assistant messages to alternate.
 */
export function appendPrompt(history: Anthropic.MessageParam[], prompt: string): Anthropic.MessageParam[] {
  const last = history[history.length - 1];
  if (last?.role !== 'user') return [...history, { role: 'user', content: prompt }];
  const blocks: Anthropic.ContentBlockParam[] =
    typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : [...last.content];
  blocks.push({ type: 'text', text: prompt });
  return [...history.slice(0, -1), { role: 'user', content: blocks }];
}

/** Options of `buildContext`. */
export interface ContextOptions {
  budget?: Partial<ContextBudget>;
  /** The prompt to ask; defaults to the cell's own prompt (its source, or the text after `%%ai`). */
  prompt?: string;
}

/**
 * The system prompt and messages for a turn of the AI cell `cellId`: the notebook above the cell (minus cells
 * hidden from AI, nearest cells kept first when over budget), then the cell's conversation and its prompt.
 */
/** The files listed for the model: it should open data by the names the user uploaded. */
const MAX_FILES_LISTED = 50;

function filesBlock(doc: Y.Doc): string {
  const files = [...listFiles(doc).values()].filter((f) => !f.dir).sort((a, b) => a.path.localeCompare(b.path));
  if (!files.length) return '<files>The notebook has no files. Python\'s working folder is empty.</files>';
  const lines = files.slice(0, MAX_FILES_LISTED).map((f) => `${f.path} (${f.size} bytes)`);
  if (files.length > MAX_FILES_LISTED) lines.push(`[${files.length - MAX_FILES_LISTED} more files not listed]`);
  return `<files description="the notebook's files, in Python's working folder: open them by these relative paths">\n${lines.join('\n')}\n</files>`;
}

export function buildContext(doc: Y.Doc, cellId: string, opts: ContextOptions = {}): AiContext {
  const budget = { ...DEFAULT_BUDGET, ...opts.budget };
  const order = cellOrder(doc);
  const at = order.indexOf(cellId);
  const above = at === -1 ? order : order.slice(0, at);
  const hiddenCellIds: string[] = [];
  const rendered: Array<{ id: string; text: string }> = [];
  let used = 0;
  let omittedCells = 0;
  // Walk upwards from the AI cell: the nearest cells matter most, so they claim the budget first.
  for (let i = above.length - 1; i >= 0; i--) {
    const cell = snapshotCell(doc, above[i]!);
    if (!cell) continue;
    if (isHiddenFromAi(cell.metadata)) {
      hiddenCellIds.unshift(cell.id);
      continue;
    }
    if (omittedCells) {
      omittedCells++;
      continue;
    }
    const text = renderCell(cell, i, budget);
    if (used + text.length > budget.notebookChars) {
      omittedCells++;
      continue;
    }
    used += text.length;
    rendered.unshift({ id: cell.id, text });
  }
  const meta = readMeta(doc);
  const title = attr(meta?.title ?? 'Untitled');
  const parts = [kernelInstructions(doc), '', INSTRUCTIONS, ''];
  parts.push(`<notebook title="${title}">`);
  if (omittedCells) parts.push(`[${omittedCells} earlier cell${omittedCells === 1 ? '' : 's'} omitted to fit the context; use read_cell to see them]`);
  for (const r of rendered) parts.push(r.text);
  parts.push('</notebook>');
  parts.push(filesBlock(doc));
  parts.push(
    at === -1
      ? 'The prompt does not come from a cell of this notebook.'
      : `You are answering from the AI cell id="${attr(cellId)}" at index ${at}. Cells below it are not shown; list_cells shows the whole notebook.`,
  );

  const cell = snapshotCell(doc, cellId);
  const prompt = opts.prompt ?? (cell ? (parsePrompt(cell.type, cell.source)?.text ?? cell.source) : '');
  const { messages: history, omittedTurns } = trimHistory(readAiState(doc, cellId).conversation, budget.historyChars);
  return {
    system: parts.join('\n'),
    messages: appendPrompt(history, prompt),
    includedCellIds: rendered.map((r) => r.id),
    hiddenCellIds,
    omittedCells,
    omittedTurns,
  };
}
