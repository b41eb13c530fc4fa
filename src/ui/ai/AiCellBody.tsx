import type { JSX } from 'solid-js';
import type * as Y from 'yjs';
import type { NotebookController } from '../controller';

/** What an AI cell shows under its prompt editor: the conversation, tool cards, errors. */
export function AiCellBody(_props: { nb: NotebookController; id: string; cell: Y.Map<unknown> }): JSX.Element {
  return null;
}
