/** Storage and sync of notebook documents: IndexedDB, WebRTC rooms, presence, executor election. */
export * from './persistence';
export * from './library';
export * from './settings';
export * from './room-index';
export * from './room';
export * from './awareness';
export * from './caret-awareness';
export * from './election';
export * from './handover';
export * from './consent';
export * from './blobs';
export * from './notebook-files';
export * from './file-transfer';
export * from './history-store';
export * from './retention';
export * from './history';
export * from './variables';
