/** The notebook document: schema and every operation on it. Pure TypeScript over Yjs: no DOM, no network. */
export * from './schema';
export * from './origin';
export * from './id';
export * from './doc';
export * from './cells';
export * from './attachments';
export * from './outputs';
export * from './runs';
export * from './kernel';
export * from './notebook';
export * from './handover';
export * from './ipynb';
export * from './files';
