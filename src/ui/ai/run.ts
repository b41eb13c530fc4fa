/**
 * The controller's hooks for AI cells: which cells are prompts, running one, and the interrupt action.
 * A prompt never goes through the kernel's run queue; its turn runs in this tab with this device's key.
 */
import { isAiPrompt } from '../../ai';
import { cellSource, cellType, getCell } from '../../model';
import type { NotebookController } from '../controller';
import { aiTurns, existingAiTurns } from './turns';

/** Whether running this cell is an AI turn (an ai cell, or a code cell starting with %%ai). */
export function isAiCell(nb: NotebookController, id: string): boolean {
  const cell = getCell(nb.doc, id);
  const type = cell ? cellType(cell) : null;
  if (!cell || !type) return false;
  return isAiPrompt(type, cellSource(cell)?.toString() ?? '');
}

/** Runs the AI cell's prompt: a turn of its conversation, streamed into the cell. */
export function runAiPrompt(nb: NotebookController, id: string): void {
  aiTurns(nb).start(id);
}

/** Stops every AI turn this tab is running in `nb` (the interrupt action: toolbar Stop, I,I). */
export function interruptAi(nb: NotebookController): void {
  existingAiTurns(nb)?.stopAll();
}
