import { ApolloServer, type ContextFunction } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  clientIpHeader,
  gatewaySecretHeader,
  secretsMatch,
  subgraphSecret,
  viewerFromAuthorization,
  type SessionRevocations,
  type TokenKeys,
  type Viewer,
} from '@kabinet/auth';
import type { Config, Logger, SubgraphName } from '@kabinet/config';
import type { Database, DatabaseHandle } from '@kabinet/db';
import { errorsInRequestLanguage, forbidden, maskSubgraphError, type Locale } from '@kabinet/errors';
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import type { DocumentNode } from 'graphql';
import { allow, deny, type IRules } from 'graphql-shield';
import { healthRoutes, jsonErrorHandler, jsonNotFound, listen, type RunningService } from '@kabinet/http';
import { stringInputGuard } from '@kabinet/input';
import { costReportHeader, decodeCostReport, type CostReport } from '@kabinet/rate-limits';
import type { Clock } from './clock';
import { graphqlHttpHandler } from '@kabinet/http/graphql';
import { guardSchema } from './guard';

/** What every subgraph resolver gets; each subgraph adds its per-request loaders. */
export interface BaseContext {
  viewer: Viewer | null;
  /** The language the request asks for (Accept-Language): of its errors and of texts it gets. */
  locale: Locale;
  clientIp: string;
  db: Database;
  logger: Logger;
  clock: Clock;
  /** Where clients reach the gateway (scheme, host, port): links handed out start here. */
  publicOrigin: string;
  /** This request's cost and budgets as the gateway charged them (only the gateway reaches a subgraph); read when asked. */
  costReport(): CostReport | null;
}

/** Everything a subgraph needs from its process; built once by `main.ts` or the stack launcher. */
export interface SubgraphRuntime {
  config: Config;
  database: DatabaseHandle;
  tokenKeys: TokenKeys;
  /** Sessions identity has ended: their tokens are refused like expired ones. */
  sessions: SessionRevocations;
  /** The gateway's master secret; the subgraph accepts only its own derived value. */
  gatewaySecret: string;
  logger: Logger;
  clock: Clock;
  /** Where another subgraph listens (its GraphQL URL); known only after the stack has started them all. */
  subgraphUrl(name: SubgraphName): string;
  /** Where clients reach the gateway (PUBLIC_URL, else the gateway's own address): from configuration, never from a request. */
  publicUrl(): string;
}

// @apollo/subgraph exports no name for its resolver map: take it from one module of `buildSubgraphSchema([...])`.
type SchemaModule = Exclude<Extract<Parameters<typeof buildSubgraphSchema>[0], readonly unknown[]>[number], DocumentNode>;

/** What `buildSubgraphSchema` takes; each subgraph types its own map with its generated `Resolvers`. */
export type SubgraphResolvers = NonNullable<SchemaModule['resolvers']>;

export interface SubgraphDefinition<TContext extends BaseContext> {
  name: SubgraphName;
  typeDefs: DocumentNode;
  resolvers: SubgraphResolvers;
  /** graphql-shield rules; anything not listed is denied. */
  permissions: IRules;
  createContext(base: BaseContext): TContext | Promise<TContext>;
  /** Extra HTTP routes mounted before `/graphql` (internal events, files): each does its own access checks. */
  routes?(app: Express): void;
  /** Releases what `create` opened (Redis connections, SMTP pools). */
  dispose?(): Promise<void>;
}

export interface StartOptions {
  port: number;
  host?: string | undefined;
}

const requestBodyLimitBytes = 256 * 1024;

/** Refuses any request without the gateway's per-subgraph secret: subgraphs answer only the gateway. */
export function requireGateway(expected: string): RequestHandler {
  return (req, res, next) => {
    if (secretsMatch(expected, req.get(gatewaySecretHeader))) return next();
    res.status(403).json({
      errors: [{ message: 'This service answers only the Kabinet gateway', extensions: { code: 'FORBIDDEN' } }],
    });
  };
}

/**
 * The gateway reaches entities through `_entities` and reads the SDL through `_service`;
 * both are allowed here, so every entity type must guard its own fields.
 */
function withFederationPlumbing(rules: IRules): IRules {
  const { Query: queryRules = {}, ...typeRules } = rules as Record<string, Record<string, unknown>>;
  return {
    ...typeRules,
    Query: { ...queryRules, _entities: allow, _service: allow },
    _Service: allow,
  } as IRules;
}

export function buildSubgraphGraphQLSchema<TContext extends BaseContext>(definition: SubgraphDefinition<TContext>) {
  const schema = buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers }]);
  return guardSchema(schema, withFederationPlumbing(definition.permissions), { fallbackRule: deny, fallbackError: () => forbidden() });
}

export async function startSubgraph<TContext extends BaseContext>(
  definition: SubgraphDefinition<TContext>,
  runtime: SubgraphRuntime,
  options: StartOptions,
): Promise<RunningService> {
  const { logger } = runtime;
  const app = express();
  app.disable('x-powered-by');
  const health = healthRoutes(app, {
    check: () => runtime.database.ping(),
    onCheckFailed: (error) => logger.warn({ err: error }, 'readiness check failed'),
  });
  definition.routes?.(app);

  const { httpServer, port, graphql } = await listen(app, options.port, options.host);
  const server = new ApolloServer<TContext>({
    schema: buildSubgraphGraphQLSchema(definition),
    introspection: !runtime.config.production,
    // Our process entry points own shutdown (stopOnSignals); Apollo's own handler would
    // re-raise the signal and kill the process before the database is closed.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: false,
    formatError: maskSubgraphError((error, message) => logger.error({ err: error }, message)),
    plugins: [
      errorsInRequestLanguage(),
      // Also here: the gateway refuses such strings first, but a subgraph trusts no caller's input.
      stringInputGuard(),
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Query-plan traces are for Apollo Studio, which Kabinet does not use.
      ApolloServerPluginInlineTraceDisabled(),
      // No type or field declares a cache hint (the gateway caches nothing by them): without the
      // plugin, Apollo Server leaves every field resolver unwrapped.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await server.start();

  const context: ContextFunction<[{ req: Request; res: Response; locale: Locale }], TContext> = async ({ req, locale }) => {
    const viewer = await viewerFromAuthorization(runtime.tokenKeys, req.get('authorization'), runtime.sessions);
    return definition.createContext({
      viewer,
      locale,
      clientIp: req.get(clientIpHeader) ?? req.socket.remoteAddress ?? 'unknown',
      db: runtime.database.db,
      logger,
      clock: runtime.clock,
      publicOrigin: runtime.publicUrl(),
      costReport: () => decodeCostReport(req.get(costReportHeader)),
    });
  };

  const answerErrors = jsonErrorHandler((error) => logger.error({ err: error }, 'request failed'));
  app.use(jsonNotFound, answerErrors);
  graphql.mount(
    [requireGateway(subgraphSecret(runtime.gatewaySecret, definition.name)), graphqlHttpHandler(server, { context, bodyLimitBytes: requestBodyLimitBytes })],
    answerErrors,
  );
  health.ready();

  logger.info({ subgraph: definition.name, port }, 'subgraph listening');
  return {
    name: definition.name,
    port,
    url: `http://127.0.0.1:${port}`,
    stop: () => server.stop(),
  };
}
