/** Rendering a cell's outputs (untrusted content, sandboxed) and its input() prompt. */
export { OutputArea, type OutputAreaProps } from './OutputArea';
export { pickMime, MIME_PRIORITY } from './priority';
