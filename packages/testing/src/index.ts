export * from './client';
export * from './mailbox';
export * from './test-stack';
