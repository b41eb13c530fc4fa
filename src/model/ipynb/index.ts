/**
 * Jupyter compatibility: .ipynb in (nbformat 4.0–4.5, 3 and 2) and out (4.5), plus percent-format .py and
 * standalone HTML exports. Pure functions over Y.Doc: no DOM, runs in the browser and in Node.
 */
export { parseIpynb, checkIpynbSize, NBFORMAT_MINOR } from './parse';
export { isNbformatCellId } from './cell-id';
export { importNotebook, type ImportOptions } from './import';
export { exportIpynb } from './export-ipynb';
export { exportPercentScript } from './export-py';
export { exportHtml } from './export-html';
export { attachmentUrl, renderMarkdown } from './markdown-html';
export { loadMath, mathLoaded, renderMath } from './math';
export { escapeHtml } from './escape';
export { isNumberToken, plainJson, stringifyJson } from './exact-json';
export {
  MAX_IPYNB_BYTES,
  IPYNB_METADATA_KEY,
  ATTACHMENTS_KEY,
  ANODE_METADATA_KEY,
  type ParsedCell,
  type ParsedNotebook,
  type ParseResult,
} from './types';
