import type { NotebookController } from '../controller';

/** Whether running this cell is an AI turn (an ai cell, or a code cell starting with %%ai). */
export function isAiCell(_nb: NotebookController, _id: string): boolean {
  return false;
}

/** Runs the AI cell's prompt. */
export function runAiPrompt(_nb: NotebookController, _id: string): void {}
