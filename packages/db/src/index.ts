export * from './database';
export * from './test-database';
export * from './sets';
