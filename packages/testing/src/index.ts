export * from './client';
export * from './mailbox';
export * from './test-stack';
export * from './pdf-tools';
export * from './connections';
export * from './fault-proxy';
export * from './browser';
export * from './oauth';
