export * from './database';
export * from './test-database';
export * from './sets';
export * from './ids';
export type { SubgraphMigrations } from './embedded-migrations';
