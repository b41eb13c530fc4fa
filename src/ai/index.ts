/**
 * AI cells: the user's own Anthropic key, calls straight from the browser, the notebook as context, and tools
 * that act on the document through `src/model`. Importing this module does not load the SDK; the first turn does.
 */
export * from './settings';
export * from './prompt';
export * from './transcript';
export * from './context';
export * from './diff';
export * from './tools';
export * from './client';
export * from './agent';
