import { electricityModule } from '@kabinet/electricity';
import { configuredGatewayOptions, readSupergraphSdl, startGateway, type RunningGateway } from '@kabinet/gateway';
import { heatModule } from '@kabinet/heat';
import { servers, type RunningService } from '@kabinet/http';
import { identityModule } from '@kabinet/identity';
import { paymentsModule } from '@kabinet/payments';
import { httpRevocationsSource, loadGatewaySecret, loadTokenKeys, openSessionRevocations, type RevocationsSource, type SessionRevocations, type TokenKeys } from '@kabinet/auth';
import { createLogger, defaultPorts, localSandboxCheckoutUrl, type Config, type Logger, type SubgraphName } from '@kabinet/config';
import { startLiqPaySandbox, type LiqPaySandbox } from '@kabinet/liqpay/sandbox';
import type { DatabaseHandle } from '@kabinet/db';
import {
  migrationsOf,
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
  /** Run the local LiqPay sandbox; by default when LiqPay is not configured (its URL is the sandbox's). */
  liqpaySandbox?: boolean;
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
  /** The local LiqPay, when it runs. */
  liqpaySandbox: LiqPaySandbox | undefined;
  /** Stops one subgraph as a crash would leave it (its port closed); the rest keeps running. */
  stopSubgraph(name: SubgraphName): Promise<void>;
  /** Starts a stopped subgraph again on the same port, as a restarted process. */
  startSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

/** The config with LiqPay's URLs pointing at the sandbox where it listens. */
function withSandbox(config: Config, sandboxUrl: string): Config {
  return {
    ...config,
    payments: { ...config.payments, liqpay: { ...config.payments.liqpay, checkoutUrl: `${sandboxUrl}/api/3/checkout`, apiUrl: `${sandboxUrl}/api/request` } },
  };
}

/** Waits for every one of `work`, then throws the first failure: nothing still runs once it throws. */
async function allOrFirstFailure(work: (Promise<void> | undefined)[]): Promise<void> {
  const failed = (await Promise.allSettled(work)).find((outcome) => outcome.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The whole federation in one process on one database: `pnpm start` and the e2e tests. */
export async function startStack(options: StackOptions): Promise<Stack> {
  let { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const database = options.database ?? (await openConfiguredDatabase(config, migrationsOf(subgraphModules)));
  const tokenKeys = options.tokenKeys ?? (await loadTokenKeys(config));
  const gatewaySecret = options.gatewaySecret ?? loadGatewaySecret(config);
  const clock = options.clock ?? systemClock;
  const portOf = (name: keyof typeof defaultPorts) => (options.ports === 'fixed' ? defaultPorts[name] : 0);

  const stops: (() => Promise<void>)[] = [];

  /** Creates and starts a subgraph; `disposers` stops it (once). */
  async function launch(module: SubgraphModule, port: number): Promise<void> {
    const definition = await module.create(runtimes[module.name]);
    const service = await startSubgraph(definition, runtimes[module.name], { port, host: options.host });
    subgraphs[module.name] = service;
    let stopped: Promise<void> | undefined;
    disposers[module.name] = () =>
      (stopped ??= (async () => {
        await service.stop();
        await definition.dispose?.();
      })());
  }
  // The gateway's own address until PUBLIC_URL says otherwise; with ephemeral ports, known once it listens.
  let gatewayUrl = config.publicUrl ?? `http://localhost:${defaultPorts.gateway}`;
  const subgraphs = {} as Record<SubgraphName, RunningService>;
  const databases = {} as Record<SubgraphName, DatabaseHandle>;
  // Identity reads its own ended sessions; the gateway and the other subgraphs share one list
  // read from identity over HTTP, as each of their processes does in production.
  let sessionsFromIdentity: SessionRevocations | undefined;
  // Started once everything listens: identity's tables exist, and nothing polls a process still seeding.
  const opened: SessionRevocations[] = [];
  // Identity's address (a free port in tests) is known once it listens: read when first polled.
  let identitySource: RevocationsSource | undefined;
  const fromIdentity: RevocationsSource = (since) => (identitySource ??= httpRevocationsSource(`${subgraphs.identity.url}/graphql`, gatewaySecret))(since);
  const sessionsOf = (module: SubgraphModule): SessionRevocations => {
    const own = module.revokedSessions?.(databases[module.name], config);
    if (!own && sessionsFromIdentity) return sessionsFromIdentity;
    const sessions = openSessionRevocations(config, logger, own ?? fromIdentity);
    if (!own) sessionsFromIdentity = sessions;
    stops.push(async () => sessions.stop());
    opened.push(sessions);
    return sessions;
  };

  const runtimes = {} as Record<SubgraphName, SubgraphRuntime>;
  const disposers = {} as Record<SubgraphName, () => Promise<void>>;
  let liqpaySandbox: LiqPaySandbox | undefined;

  try {
    if (options.liqpaySandbox ?? config.payments.liqpay.checkoutUrl === localSandboxCheckoutUrl) {
      liqpaySandbox = await startLiqPaySandbox({
        merchants: [{ publicKey: config.payments.liqpay.publicKey, privateKey: config.payments.liqpay.privateKey }],
        port: portOf('liqpaySandbox'),
        host: options.host,
        logger: logger.child({ service: 'liqpay-sandbox' }),
        now: () => clock.now().getTime(),
      });
      stops.push(liqpaySandbox.stop);
      config = withSandbox(config, liqpaySandbox.url);
    }
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
      runtimes[module.name] = runtime;
    }
    // Side by side: each seed writes only its own schema, and identity's waits most of its time
    // for the demo passwords' hashes (argon2 on libuv's threads) while the others write.
    if (options.seedDemo) await allOrFirstFailure(subgraphModules.map((module) => module.seedDemo?.(runtimes[module.name])));
    for (const module of subgraphModules) {
      await launch(module, portOf(module.name));
      stops.push(() => disposers[module.name]());
    }

    // Without it the gateway would let an ended session's tokens through.
    if (!sessionsFromIdentity) throw new Error('the gateway has no list of ended sessions: no subgraph reads them from identity');
    const gateway = await startGateway({
      supergraphSdl: readSupergraphSdl(),
      subgraphUrls: Object.fromEntries(
        Object.entries(subgraphs).map(([name, service]) => [name, `${options.gatewayRoutes?.[name as SubgraphName] ?? service.url}/graphql`]),
      ) as Record<SubgraphName, string>,
      tokenKeys,
      sessions: sessionsFromIdentity,
      gatewaySecret,
      logger: logger.child({ service: 'gateway' }),
      ...configuredGatewayOptions(config),
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
      liqpaySandbox,
      stopSubgraph: async (name) => {
        // As a crash looks to its clients: open connections reset at once, no draining.
        servers.get(subgraphs[name].port)?.closeAllConnections();
        await disposers[name]();
      },
      startSubgraph: (name) => launch(subgraphModules.find((module) => module.name === name)!, subgraphs[name].port),
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
