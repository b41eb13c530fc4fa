/**
 * An AI cell's outputs read as transcript items (src/ai/transcript.ts writes them). Any peer can write into
 * the document, so fields are checked, and anything unrecognised is passed on as an ordinary output.
 */
import { AI_MIME, type ToolCard } from '../../ai';
import type { Output } from '../../model';
import type { AiErrorData } from './ErrorView';

export type AiItem =
  | { kind: 'prompt'; text: string }
  | { kind: 'answer'; markdown: string; streaming: boolean }
  | { kind: 'tool'; card: ToolCard }
  | { kind: 'error'; error: AiErrorData }
  | { kind: 'notice'; text: string }
  | { kind: 'other'; output: Output };

function obj(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function toolCard(v: Record<string, unknown>): ToolCard {
  const card: ToolCard = {
    id: text(v.id),
    name: text(v.name) || 'tool',
    input: obj(v.input) ?? {},
    status: (['awaiting_approval', 'running', 'done', 'error', 'rejected', 'skipped'] as const).find((s) => s === v.status) ?? 'running',
    summary: text(v.summary),
  };
  if (typeof v.diff === 'string') card.diff = v.diff;
  if (typeof v.result === 'string') card.result = v.result;
  if (typeof v.cellId === 'string' && v.cellId) card.cellId = v.cellId;
  return card;
}

export function aiItem(output: Output): AiItem {
  if (output.output_type !== 'display_data') return { kind: 'other', output };
  const data = output.data;
  const md = text(data['text/markdown']);
  const prompt = obj(data[AI_MIME.prompt]);
  if (prompt) return { kind: 'prompt', text: text(prompt.text) };
  const answer = obj(data[AI_MIME.answer]);
  if (answer) return { kind: 'answer', markdown: md, streaming: answer.streaming === true };
  const tool = obj(data[AI_MIME.tool]);
  if (tool) return { kind: 'tool', card: toolCard(tool) };
  const error = obj(data[AI_MIME.error]);
  if (error) {
    const e: AiErrorData = { kind: text(error.kind) || 'unknown', title: text(error.title) || 'Error', message: text(error.message) };
    if (typeof error.retryAfterSeconds === 'number') e.retryAfterSeconds = error.retryAfterSeconds;
    return { kind: 'error', error: e };
  }
  const notice = obj(data[AI_MIME.notice]);
  if (notice) return { kind: 'notice', text: text(notice.text) };
  return { kind: 'other', output };
}
