import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ensureDevelopmentKeyPems, importTokenKeys, type TokenKeys } from '@kabinet/auth';
import { createLogger, defaultPorts, loadConfigOrExit, type Config, type SubgraphName } from '@kabinet/config';
import { openDatabase, type DatabaseHandle } from '@kabinet/db';
import type { Express } from 'express';
import type { DocumentNode } from 'graphql';
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
  routes?(app: Express, runtime: SubgraphRuntime): void;
}

/** Signing keys from config; in development, generated once under `.data/keys/`. */
export async function loadTokenKeys(config: Config): Promise<TokenKeys> {
  const { privateKeyPem, publicKeyPem } =
    config.auth.publicKeyPem || config.production
      ? { privateKeyPem: config.auth.privateKeyPem, publicKeyPem: config.auth.publicKeyPem! }
      : await ensureDevelopmentKeyPems(config.dataDir);
  return importTokenKeys({
    privateKeyPem,
    publicKeyPem,
    issuer: config.auth.issuer,
    accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
  });
}

/** The gateway secret from config; in development, generated once under `.data/keys/`. */
export function loadGatewaySecret(config: Config): string {
  if (config.auth.gatewaySecret) return config.auth.gatewaySecret;
  const file = path.join(config.dataDir, 'keys', 'gateway-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function openConfiguredDatabase(config: Config): Promise<DatabaseHandle> {
  return openDatabase({
    url: config.database.url,
    pgliteDir: path.join(config.dataDir, 'pglite'),
    poolSize: config.database.poolSize,
  });
}

/**
 * Entry point of a subgraph's own process (`main.ts`): config, database, migrations, then
 * listen on PORT (or the subgraph's fixed development port); SIGINT/SIGTERM stop it cleanly.
 */
export async function runSubgraphProcess(module: SubgraphModule): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel, module.name);
  const database = await openConfiguredDatabase(config);
  await database.migrate(module.name, module.migrationsFolder);
  const runtime: SubgraphRuntime = {
    config,
    database,
    tokenKeys: await loadTokenKeys(config),
    gatewaySecret: loadGatewaySecret(config),
    logger,
  };
  const definition = await module.create(runtime);
  const service = await startSubgraph(definition, runtime, {
    port: config.port ?? defaultPorts[module.name],
    routes: module.routes ? (app) => module.routes!(app, runtime) : undefined,
  });
  const shutdown = async () => {
    logger.info('shutting down');
    await service.stop();
    await definition.dispose?.();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
