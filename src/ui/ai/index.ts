/** AI cells in the UI (issue 5): the cell body, running a prompt, settings. */
export { AiCellBody } from './AiCellBody';
export { runAiPrompt, isAiCell } from './run';
export { AiSettingsSection } from './AiSettingsSection';
