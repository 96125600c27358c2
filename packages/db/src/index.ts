export * from './database';
export * from './test-database';
