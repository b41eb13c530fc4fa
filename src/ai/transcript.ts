/**
 * How an AI cell's turns live in the document, so every peer sees the same thing as it streams.
 *
 * - `metadata.ai` (plain JSON, `AiCellState`): the conversation as sent to the API (user prompts, assistant text
 *   and tool calls, tool results), the status of the current turn and who runs it. Never the key or any setting.
 * - `outputs`: the rendered transcript, one `display_data` per item: the prompt of each turn, each answer text
 *   (text/markdown, updated in place while it streams), each tool call as a card, errors and notices. Each has
 *   a `text/markdown` fallback, so a plain renderer (or an exported .ipynb) still shows something sensible.
 *   Items are updated through their `transient.display_id`, like IPython's update_display.
 */
import type * as Y from 'yjs';
import type Anthropic from '@anthropic-ai/sdk';
import { setCellMetadata, snapshotCell, type Actor, type DisplayDataOutput, type Origin } from '../model';

/** Cell metadata key of the AI state. */
export const AI_METADATA_KEY = 'ai';
/** Cell metadata key of the per-cell "hide from AI" toggle (true: the AI never sees this cell). */
export const HIDE_FROM_AI_KEY = 'hideFromAI';

/** MIME types of the AI transcript items, for the UI's renderers. */
export const AI_MIME = {
  prompt: 'application/vnd.anode.ai.prompt+json',
  answer: 'application/vnd.anode.ai.answer+json',
  tool: 'application/vnd.anode.ai.tool+json',
  error: 'application/vnd.anode.ai.error+json',
  notice: 'application/vnd.anode.ai.notice+json',
} as const;

/** Status of the AI cell's current or last turn. */
export type AiStatus = 'idle' | 'running' | 'awaiting_approval' | 'done' | 'error' | 'stopped';

/** What `metadata.ai` holds. */
export interface AiCellState {
  version: 1;
  /** The conversation so far, in the API's message format, as plain JSON. */
  conversation: Anthropic.MessageParam[];
  status: AiStatus;
  /** Number of completed or attempted turns. */
  turns: number;
  /** Who runs the current (or ran the last) turn: their browser holds the key and talks to the API. */
  by?: Actor;
  model?: string;
  startedAt?: number;
  endedAt?: number;
}

/** Status of one tool call card. */
export type ToolCardStatus = 'awaiting_approval' | 'running' | 'done' | 'error' | 'rejected' | 'skipped';

/** A tool call as the UI shows it (a card in the AI cell). */
export interface ToolCard {
  id: string;
  name: string;
  input: Record<string, unknown>;
  status: ToolCardStatus;
  /** One line: "Create code cell after abc123". */
  summary: string;
  /** For modify_cell: a unified-style line diff of the change. */
  diff?: string;
  /** The text the model received back (shortened for display). */
  result?: string;
  /** The cell the call touched (created, modified, ran), for "jump to cell". */
  cellId?: string;
}

/** Reads an AI cell's state; a cell that never ran (or a peer's garbage) reads as a fresh state. */
export function readAiState(doc: Y.Doc, cellId: string): AiCellState {
  const raw = snapshotCell(doc, cellId)?.metadata[AI_METADATA_KEY];
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Partial<AiCellState>;
  return {
    version: 1,
    conversation: Array.isArray(o.conversation) ? o.conversation : [],
    status: typeof o.status === 'string' ? o.status : 'idle',
    turns: typeof o.turns === 'number' ? o.turns : 0,
    ...(o.by ? { by: o.by } : {}),
    ...(typeof o.model === 'string' ? { model: o.model } : {}),
    ...(typeof o.startedAt === 'number' ? { startedAt: o.startedAt } : {}),
    ...(typeof o.endedAt === 'number' ? { endedAt: o.endedAt } : {}),
  };
}

/** Writes the AI state (one metadata field write: peers see status changes at once). */
export function writeAiState(doc: Y.Doc, cellId: string, state: AiCellState, origin: Origin): void {
  // A JSON round trip guarantees plain values (no class instances from the SDK) go into the document.
  setCellMetadata(doc, cellId, AI_METADATA_KEY, JSON.parse(JSON.stringify(state)) as unknown, origin);
}

/** Whether the user hid a cell from the AI. */
export function isHiddenFromAi(metadata: Record<string, unknown>): boolean {
  return metadata[HIDE_FROM_AI_KEY] === true;
}

function item(mime: string, value: unknown, markdown: string, displayId: string): DisplayDataOutput {
  return {
    output_type: 'display_data',
    // A copy: Yjs deep-freezes JSON content in development builds, which would freeze the caller's live object.
    data: { [mime]: JSON.parse(JSON.stringify(value)) as unknown, 'text/markdown': markdown },
    metadata: {},
    transient: { display_id: displayId },
  };
}

/** The echo of a turn's prompt, so earlier prompts stay visible after the source is edited for a follow-up. */
export function promptItem(displayId: string, turn: number, text: string): DisplayDataOutput {
  return item(AI_MIME.prompt, { turn, text }, `**You:** ${text}`, displayId);
}

/** An answer text block (streamed: rewritten in place as text arrives). */
export function answerItem(displayId: string, turn: number, text: string, streaming: boolean): DisplayDataOutput {
  return item(AI_MIME.answer, { turn, streaming }, text, displayId);
}

/** A tool call card. */
export function toolItem(displayId: string, card: ToolCard): DisplayDataOutput {
  const icon = { awaiting_approval: '⏳', running: '⚙️', done: '✅', error: '⚠️', rejected: '🚫', skipped: '⏭️' }[card.status];
  const diff = card.diff ? `\n\n\`\`\`diff\n${card.diff}\n\`\`\`` : '';
  return item(AI_MIME.tool, card, `${icon} **${card.name}** — ${card.summary}${diff}`, displayId);
}

/** An error, with what to do. */
export function errorItem(displayId: string, err: { kind: string; title: string; message: string; retryAfterSeconds?: number }): DisplayDataOutput {
  return item(AI_MIME.error, err, `**${err.title}.** ${err.message}`, displayId);
}

/** A notice (step limit reached, stopped by the user). */
export function noticeItem(displayId: string, text: string): DisplayDataOutput {
  return item(AI_MIME.notice, { text }, `_${text}_`, displayId);
}

/** A fenced code block of an answer: what the "insert as a new code cell" button inserts. */
export interface CodeBlock {
  /** The info string's first word ("python"), or "" when the fence has none. */
  lang: string;
  code: string;
}

/** The fenced code blocks (``` or ~~~) of a markdown answer, in order. An unclosed last fence runs to the end. */
export function codeBlocks(markdown: string): CodeBlock[] {
  const out: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[1]!;
    // Closed by a fence of the same character, at least as long, with nothing after it.
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      if (close.test(lines[j]!)) break;
      body.push(lines[j]!);
    }
    out.push({ lang: open[2] ?? '', code: body.join('\n') });
    i = j;
  }
  return out;
}
