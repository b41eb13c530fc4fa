/** Import/export and notebook-wide tools (issue 7). */
export { NotebookMenu } from './NotebookMenu';
export { ImportControls } from './ImportControls';
export { OutputTools, useOutputsCollapsed } from './OutputTools';
