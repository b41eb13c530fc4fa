import type { JSX } from 'solid-js';
import type { NotebookController } from '../controller';

/** Export, table of contents and find for the open notebook. */
export function NotebookMenu(_props: { nb: NotebookController }): JSX.Element {
  return null;
}
