import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { subgraphSecret, viewerFromAuthorization, type SessionRevocations, type TokenKeys } from '@kabinet/auth';
import type { Config, CostLimits, FirstPartyOperations, Logger, SubgraphName } from '@kabinet/config';
import { errorsInRequestLanguage, maskGatewayError } from '@kabinet/errors';
import { healthRoutes, jsonErrorHandler, jsonNotFound, listen } from '@kabinet/http';
import { graphqlHttpHandler } from '@kabinet/http/graphql';
import { stringInputGuard, withSharedScalarParsing } from '@kabinet/input';
import express from 'express';
import { Budgets, holdingAnswersForCharges, queryBudgets } from './budget';
import type { GatewayContext } from './context';
import { providerCallbackProxy, registryUploadProxy } from './uploads';
import { badInputStatus } from './bad-input-status';
import { fileProxy } from './files';
import { requestLimits } from './limits';
import { GatewayMetrics, metricsEndpoint, requestFacts, requestFactsPlugin, requestLog } from './observability';
import { operationResolution } from './operation-resolution';
import { persistedQueries, readClientManifests, type ClientManifest } from './persisted-queries';
import { mailedLinkPages } from './pages';
import { oauthProxy } from './oauth';
import { sandboxDocument } from './sandbox';
import { SubgraphSource, subgraphAgent } from './subgraph-source';
import { refusalsOnce } from './refusals-once';
import { sharedRootFieldsOf } from './supergraph';

export type { GatewayContext } from './context';

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  tokenKeys: TokenKeys;
  /** Sessions identity has ended: their tokens are refused here first, with 401. */
  sessions: SessionRevocations;
  gatewaySecret: string;
  logger: Logger;
  production: boolean;
  trustProxy: boolean;
  /** How long a subgraph may take to answer one call. */
  subgraphTimeoutMs: number;
  /** How long a bank registry upload may take (REGISTRY_UPLOAD_TIMEOUT_MS). */
  registryUploadTimeoutMs: number;
  /** Query-cost budgets and the most one operation may cost (budget.ts). */
  costs: CostLimits;
  /** Budgets and APQ's cache in Redis, shared by every replica; unset: in this process's memory. */
  redisUrl: string | undefined;
  /** The bearer token `/metrics` asks for; unset: served only outside production. */
  metricsToken: string | undefined;
  port: number;
  host?: string | undefined;
  /** What first-party apps may send (docs/DEVELOPMENT.md); default `safelist` in production, `free` elsewhere. */
  firstPartyOperations?: FirstPartyOperations;
}

/** What the gateway takes from the configuration as it is (the rest is wired by whoever starts it). */
export function configuredGatewayOptions(config: Config) {
  return {
    production: config.production,
    trustProxy: config.gateway.trustProxy,
    subgraphTimeoutMs: config.gateway.subgraphTimeoutMs,
    registryUploadTimeoutMs: config.gateway.registryUploadTimeoutMs,
    firstPartyOperations: config.gateway.firstPartyOperations,
    costs: config.gateway.costs,
    redisUrl: config.redis.url,
    metricsToken: config.gateway.metricsToken,
  } satisfies Partial<GatewayOptions>;
}

export interface RunningGateway {
  port: number;
  url: string;
  graphqlUrl: string;
  stop(): Promise<void>;
}

const requestBodyLimitBytes = 256 * 1024;

/**
 * @apollo/gateway reports usage to Apollo and runs cloud resource detectors (connections to
 * 169.254.169.254, 100.100.100.200, metadata.google.internal) unless this variable is set when it is
 * constructed. Kabinet never sends anything to a third party, so it is set here, in the product,
 * for every process that builds a gateway, whatever the environment says.
 */
function disableApolloTelemetry(): void {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
}

/** The pages the gateway serves for mailed links stand in for the web app: they send its operations. */
function webAppManifest(clients: ClientManifest[]) {
  const webApp = clients.find((client) => client.name === 'kabinet-web');
  if (!webApp) throw new Error('schema/clients.json has no kabinet-web client, whose operations the mailed-link pages send');
  return webApp.manifest;
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { logger } = options;
  disableApolloTelemetry();
  const agent = subgraphAgent(options.subgraphTimeoutMs);
  const clients = readClientManifests();
  const metrics = new GatewayMetrics(clients.map((client) => client.name));
  const sharedRootFields = sharedRootFieldsOf(options.supergraphSdl);
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    serviceList: undefined,
    // Query plans are not a client's business (the default shows them outside production).
    __exposeQueryPlanExperimental: false,
    buildService: ({ name, url }) => {
      const configured = options.subgraphUrls[name as SubgraphName];
      if (!configured && !url) throw new Error(`no URL configured for subgraph ${name}`);
      return new SubgraphSource({
        name,
        url: configured ?? url!,
        secret: subgraphSecret(options.gatewaySecret, name),
        agent,
        timeoutMs: options.subgraphTimeoutMs,
        onCall: metrics.subgraphCallCounter(name),
        sharedRootFields,
      });
    },
  });
  holdingAnswersForCharges(gateway);
  // The API schema comes from SDL alone: give it the subgraphs' rules for reading dates.
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => withSharedScalarParsing(apiSchema));

  const app = express();
  app.disable('x-powered-by');
  // One hop: the client's address is what the load balancer in front of us appended to
  // X-Forwarded-For. `true` would take the leftmost entry, which the caller writes itself, and
  // hand every request a fresh address for budgets and login lockouts.
  app.set('trust proxy', options.trustProxy ? 1 : false);
  const health = healthRoutes(app);
  app.get('/', (_req, res) => res.redirect('/graphql'));
  app.get('/metrics', metricsEndpoint(metrics, { token: options.metricsToken, production: options.production }));
  const forwarding = { subgraphUrls: options.subgraphUrls, gatewaySecret: options.gatewaySecret, logger, timeoutMs: options.subgraphTimeoutMs };
  app.use('/files', fileProxy(forwarding));
  app.use('/callbacks', providerCallbackProxy(forwarding));
  app.use('/operator/payment-registries', registryUploadProxy({ ...forwarding, timeoutMs: options.registryUploadTimeoutMs }));
  app.use('/oauth', oauthProxy(forwarding));
  app.use(mailedLinkPages({ manifest: webAppManifest(clients) }));

  const { httpServer, port, graphql } = await listen(app, options.port, options.host);
  const limits = requestLimits<GatewayContext>();
  const operations = persistedQueries<GatewayContext>({
    firstPartyOperations: options.firstPartyOperations ?? (options.production ? 'safelist' : 'free'),
    redisUrl: options.redisUrl,
    logger,
    clients,
  });
  const budgets = new Budgets({ ...options.costs, redisUrl: options.redisUrl, logger });
  const server = new ApolloServer<GatewayContext>({
    gateway,
    introspection: !options.production,
    // Our process entry points own shutdown (stopOnSignals); Apollo's own handler would
    // re-raise the signal and kill the process before the database is closed.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: options.production,
    formatError: maskGatewayError((error, message) => logger.error({ err: error }, message)),
    validationRules: limits.validationRules,
    persistedQueries: operations.apq,
    plugins: [
      // First: its responseForOperation (a refusal over budget) must come before any other's.
      queryBudgets(budgets, clients, logger),
      errorsInRequestLanguage(),
      requestFactsPlugin(),
      operations.plugin,
      ...limits.plugins,
      operationResolution(),
      stringInputGuard(),
      badInputStatus(),
      refusalsOnce(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Even with APOLLO_KEY in the environment: Kabinet reports to no one.
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      options.production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({
            embed: { initialState: { pollForSchemaUpdates: false } },
            document: sandboxDocument,
            headers: { Authorization: 'Bearer <paste data.login.accessToken here>' },
          }),
    ],
  });
  await server.start();

  const answerErrors = jsonErrorHandler((error) => logger.error({ err: error }, 'request failed'));
  app.use(jsonNotFound, answerErrors);
  graphql.mount(
    [
      requestLog(logger, metrics),
      graphqlHttpHandler(server, {
        bodyLimitBytes: requestBodyLimitBytes,
        context: async ({ req, locale }) => {
          const authorization = req.get('authorization');
          const viewer = await viewerFromAuthorization(options.tokenKeys, authorization, options.sessions);
          return {
            viewer,
            authorization,
            clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
            acceptLanguage: req.get('accept-language'),
            locale,
            facts: requestFacts(req),
          };
        },
      }),
    ],
    answerErrors,
  );
  // Served while the plans warm: a request now plans its own operation, as an unknown one always
  // does, instead of waiting (a third of a second at start) for every manifest operation's plan.
  // Ready, the signal for a load balancer's traffic, only once they are warm.
  logger.info({ operations: await operations.warmQueryPlans(gateway) }, 'query plans of manifest operations warmed');
  health.ready();

  const url = `http://localhost:${port}`;
  logger.info({ port }, 'gateway listening');
  return {
    port,
    url,
    graphqlUrl: `${url}/graphql`,
    stop: async () => {
      await server.stop();
      await agent.close();
      await operations.stop();
      await budgets.close();
    },
  };
}
