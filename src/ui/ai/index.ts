/** AI cells in the UI (issue 5): the cell body, running a prompt, interrupting, settings. */
export { AiCellBody } from './AiCellBody';
export { runAiPrompt, isAiCell, interruptAi } from './run';
export { AiSettingsSection } from './AiSettingsSection';
export { RequestPreviewDialog } from './RequestPreviewDialog';
export { isAiPrompt } from '../../ai';
