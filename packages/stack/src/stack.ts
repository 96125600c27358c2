import { electricityModule } from '@kabinet/electricity';
import { readSupergraphSdl, startGateway, type RunningGateway } from '@kabinet/gateway';
import { heatModule } from '@kabinet/heat';
import type { RunningService } from '@kabinet/http';
import { identityModule } from '@kabinet/identity';
import { paymentsModule } from '@kabinet/payments';
import { httpRevocationsSource, loadGatewaySecret, loadTokenKeys, openSessionRevocations, type SessionRevocations, type TokenKeys } from '@kabinet/auth';
import { createLogger, defaultPorts, type Config, type Logger, type SubgraphName } from '@kabinet/config';
import type { DatabaseHandle } from '@kabinet/db';
import {
  openConfiguredDatabase,
  startSubgraph,
  systemClock,
  type Clock,
  type SubgraphModule,
  type SubgraphRuntime,
} from '@kabinet/subgraph';

export const subgraphModules: readonly SubgraphModule[] = [identityModule, electricityModule, heatModule, paymentsModule];

export interface StackOptions {
  config: Config;
  /** Defaults to the configured database (PGlite under `.data/` or DATABASE_URL). */
  database?: DatabaseHandle;
  tokenKeys?: TokenKeys;
  gatewaySecret?: string;
  /** `fixed`: 4000–4004 as in production; `ephemeral`: free ports (tests). */
  ports: 'fixed' | 'ephemeral';
  host?: string;
  seedDemo: boolean;
  logger?: Logger;
  /** The domain clock; tests pass a `ManualClock`. */
  clock?: Clock;
  /** Base URLs the gateway calls instead of a subgraph's own (tests put fault proxies there). */
  gatewayRoutes?: Partial<Record<SubgraphName, string>>;
}

export interface Stack {
  gateway: RunningGateway;
  subgraphs: Record<SubgraphName, RunningService>;
  database: DatabaseHandle;
  /** Each subgraph's view of the database: its own statement counter (see `DatabaseHandle.view`). */
  databases: Record<SubgraphName, DatabaseHandle>;
  tokenKeys: TokenKeys;
  gatewaySecret: string;
  clock: Clock;
  stop(): Promise<void>;
}

/** The whole federation in one process on one database: `pnpm start` and the e2e tests. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = options.database ?? (await openConfiguredDatabase(config));
  const tokenKeys = options.tokenKeys ?? (await loadTokenKeys(config));
  const gatewaySecret = options.gatewaySecret ?? loadGatewaySecret(config);
  const clock = options.clock ?? systemClock;
  const portOf = (name: keyof typeof defaultPorts) => (options.ports === 'fixed' ? defaultPorts[name] : 0);

  const stops: (() => Promise<void>)[] = [];
  // The gateway's own address until PUBLIC_URL says otherwise; with ephemeral ports, known once it listens.
  let gatewayUrl = config.publicUrl ?? `http://localhost:${defaultPorts.gateway}`;
  const subgraphs = {} as Record<SubgraphName, RunningService>;
  const databases = {} as Record<SubgraphName, DatabaseHandle>;
  // Identity reads its own ended sessions; the gateway and the other subgraphs share one list
  // read from identity over HTTP, as each of their processes does in production.
  let sessionsFromIdentity: SessionRevocations | undefined;
  // Started once everything listens: identity's tables exist, and nothing polls a process still seeding.
  const opened: SessionRevocations[] = [];
  const sessionsOf = (module: SubgraphModule): SessionRevocations => {
    const own = module.revokedSessions?.(databases[module.name], config);
    if (!own && sessionsFromIdentity) return sessionsFromIdentity;
    const sessions = openSessionRevocations(config, logger, own ?? httpRevocationsSource(`${subgraphs.identity.url}/graphql`, gatewaySecret));
    if (!own) sessionsFromIdentity = sessions;
    stops.push(async () => sessions.stop());
    opened.push(sessions);
    return sessions;
  };

  try {
    for (const module of subgraphModules) {
      databases[module.name] = database.view();
      const runtime: SubgraphRuntime = {
        config,
        database: databases[module.name],
        tokenKeys,
        sessions: sessionsOf(module),
        gatewaySecret,
        logger: logger.child({ subgraph: module.name }),
        clock,
        // Ports may be ephemeral: a subgraph started later is found once it listens.
        subgraphUrl: (name) => (subgraphs[name] ? `${subgraphs[name].url}/graphql` : config.gateway.subgraphUrls[name]),
        publicUrl: () => gatewayUrl,
      };
      await database.migrate(module.name, module.migrationsFolder);
      if (options.seedDemo) await module.seedDemo?.(runtime);
      const definition = await module.create(runtime);
      const service = await startSubgraph(definition, runtime, {
        port: portOf(module.name),
        host: options.host,
      });
      stops.push(async () => {
        await service.stop();
        await definition.dispose?.();
      });
      subgraphs[module.name] = service;
    }

    const gateway = await startGateway({
      supergraphSdl: readSupergraphSdl(),
      subgraphUrls: Object.fromEntries(
        Object.entries(subgraphs).map(([name, service]) => [name, `${options.gatewayRoutes?.[name as SubgraphName] ?? service.url}/graphql`]),
      ) as Record<SubgraphName, string>,
      tokenKeys,
      sessions: sessionsFromIdentity!,
      gatewaySecret,
      logger: logger.child({ service: 'gateway' }),
      production: config.production,
      trustProxy: config.gateway.trustProxy,
      subgraphTimeoutMs: config.gateway.subgraphTimeoutMs,
      port: portOf('gateway'),
      host: options.host,
    });
    stops.unshift(gateway.stop);
    for (const sessions of opened) sessions.start();
    if (!config.publicUrl) gatewayUrl = options.host ? `http://${options.host}:${gateway.port}` : gateway.url;

    return {
      gateway,
      subgraphs,
      database,
      databases,
      tokenKeys,
      gatewaySecret,
      clock,
      stop: async () => {
        for (const stop of stops) await stop();
        if (!options.database) await database.close();
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    if (!options.database) await database.close();
    throw error;
  }
}
