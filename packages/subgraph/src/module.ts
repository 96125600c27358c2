import path from 'node:path';
import { httpRevocationsSource, loadGatewaySecret, loadTokenKeys, openSessionRevocations, type RevocationsSource } from '@kabinet/auth';
import { createLogger, defaultPorts, loadConfigOrExit, type Config, type Logger, type SubgraphName } from '@kabinet/config';
import { openDatabase, type DatabaseHandle, type SubgraphMigrations } from '@kabinet/db';
import { stopOnSignals } from '@kabinet/http';
import type { DocumentNode } from 'graphql';
import { systemClock } from './clock';
import { startSubgraph, type BaseContext, type SubgraphDefinition, type SubgraphRuntime } from './service';

/** What each subgraph package exports, so one launcher can run it alone or with the others. */
export interface SubgraphModule {
  name: SubgraphName;
  /** The subgraph's SDL, shared shapes included: served by it and composed into the supergraph. */
  typeDefs: DocumentNode;
  /** drizzle-kit output folder of this subgraph. */
  migrationsFolder: string;
  create(runtime: SubgraphRuntime): SubgraphDefinition<BaseContext> | Promise<SubgraphDefinition<BaseContext>>;
  /** Idempotent demo data: running it twice adds nothing. */
  seedDemo?(runtime: SubgraphRuntime): Promise<void>;
  /** Identity only: its ended sessions, read from its own tables (everyone else asks identity). */
  revokedSessions?(database: DatabaseHandle, config: Config): RevocationsSource;
}

/** Identity's own list, or the one read from identity at IDENTITY_URL. */
export function sessionRevocationsFor(module: SubgraphModule, database: DatabaseHandle, config: Config, logger: Logger, gatewaySecret: string) {
  const source = module.revokedSessions?.(database, config) ?? httpRevocationsSource(config.gateway.subgraphUrls.identity, gatewaySecret);
  const sessions = openSessionRevocations(config, logger, source);
  sessions.start();
  return sessions;
}

/** The configured database; a new embedded one starts with `migrated` applied (the caller still runs them). */
export function openConfiguredDatabase(config: Config, migrated: readonly SubgraphMigrations[]): Promise<DatabaseHandle> {
  return openDatabase({
    url: config.database.url,
    pgliteDir: path.join(config.dataDir, 'pglite'),
    poolSize: config.database.poolSize,
    migrated,
  });
}

export const migrationsOf = (modules: readonly SubgraphModule[]): SubgraphMigrations[] =>
  modules.map((module) => ({ subgraph: module.name, migrationsFolder: module.migrationsFolder }));

/**
 * Entry point of a subgraph's own process (`main.ts`): config, database, migrations, then
 * listen on PORT (or the subgraph's fixed development port); SIGINT/SIGTERM stop it cleanly.
 */
export async function runSubgraphProcess(module: SubgraphModule): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, module.name);
  if (config.production && !config.database.url) {
    console.error('DATABASE_URL: required when NODE_ENV=production (the embedded database is for development)');
    process.exit(1);
  }
  const database = await openConfiguredDatabase(config, migrationsOf([module]));
  await database.migrate(module.name, module.migrationsFolder);
  const gatewaySecret = loadGatewaySecret(config);
  const sessions = sessionRevocationsFor(module, database, config, logger, gatewaySecret);
  const runtime: SubgraphRuntime = {
    config,
    database,
    tokenKeys: await loadTokenKeys(config),
    sessions,
    gatewaySecret,
    logger,
    clock: systemClock,
    subgraphUrl: (name) => config.gateway.subgraphUrls[name],
    publicUrl: () => config.publicUrl ?? `http://localhost:${defaultPorts.gateway}`,
  };
  const definition = await module.create(runtime);
  const service = await startSubgraph(definition, runtime, {
    port: config.port ?? defaultPorts[module.name],
  });
  stopOnSignals(async () => {
    logger.info('shutting down');
    await service.stop();
    await definition.dispose?.();
    sessions.stop();
    await database.close();
  });
}
