export * from './database';
export * from './test-database';
export * from './sets';
export type { SubgraphMigrations } from './embedded-migrations';
