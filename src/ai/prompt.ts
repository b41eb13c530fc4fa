/**
 * Which cells are AI prompts, and what their prompt is. An `ai` cell's whole source is the prompt; a code cell
 * whose first line is the `%%ai` cell magic (as in jupyter-ai) is a prompt too, and the text after that line is
 * what gets asked. Pure: the UI calls it to decide whether "run" goes to the kernel or to the AI.
 */
import type { CellType } from '../model';

const MAGIC = /^%%ai(?:[ \t]+([^\n]*))?[ \t]*(?:\n|$)/;

/** Whether running this cell means asking the AI rather than the kernel. */
export function isAiPrompt(cellType: CellType, source: string): boolean {
  return cellType === 'ai' || (cellType === 'code' && MAGIC.test(source.replace(/^\s*\n/, '')));
}

/** A parsed prompt: the text to ask and, for `%%ai <model>`, the model named on the magic line. */
export interface ParsedPrompt {
  text: string;
  model?: string;
}

/**
 * The prompt of a cell, or null when the cell is not a prompt. `%%ai claude-haiku-5-5` picks a model for that
 * cell; a jupyter-ai style `provider:model` keeps only the model part.
 */
export function parsePrompt(cellType: CellType, source: string): ParsedPrompt | null {
  if (cellType === 'ai') return { text: source.trim() };
  if (cellType !== 'code') return null;
  const src = source.replace(/^\s*\n/, '');
  const m = MAGIC.exec(src);
  if (!m) return null;
  const text = src.slice(m[0].length).trim();
  const arg = m[1]?.trim().split(/\s+/)[0];
  const model = arg ? (arg.includes(':') ? arg.slice(arg.indexOf(':') + 1) : arg) : undefined;
  return model ? { text, model } : { text };
}
