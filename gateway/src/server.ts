import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { expressMiddleware } from '@as-integrations/express5';
import {
  clientIpHeader,
  gatewaySecretHeader,
  publicOriginHeader,
  subgraphSecret,
  viewerFromAuthorization,
  type TokenKeys,
  type Viewer,
} from '@kabinet/auth';
import type { Logger, SubgraphName } from '@kabinet/config';
import { maskGatewayError } from '@kabinet/errors';
import express from 'express';
import { jsonErrorHandler, listen } from '@kabinet/http';
import { fileProxy } from './files';
import { requestLimits } from './limits';
import { sandboxDocument } from './sandbox';

export interface GatewayContext {
  /** The caller's verified identity; `null` for anonymous requests. */
  viewer: Viewer | null;
  /** Forwarded as-is so that each subgraph verifies the token itself. */
  authorization: string | undefined;
  clientIp: string;
  publicOrigin: string;
}

export interface GatewayOptions {
  supergraphSdl: string;
  subgraphUrls: Record<SubgraphName, string>;
  tokenKeys: TokenKeys;
  gatewaySecret: string;
  logger: Logger;
  production: boolean;
  trustProxy: boolean;
  port: number;
  host?: string | undefined;
}

export interface RunningGateway {
  port: number;
  url: string;
  graphqlUrl: string;
  stop(): Promise<void>;
}

const requestBodyLimit = '256kb';

class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly secret: string,
  ) {
    super({ url });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    const headers = request.http?.headers;
    if (!headers) return;
    headers.set(gatewaySecretHeader, this.secret);
    // Query plans also run without an incoming request (health checks): context is then empty.
    if (context.authorization) headers.set('authorization', context.authorization);
    if (context.clientIp) headers.set(clientIpHeader, context.clientIp);
    if (context.publicOrigin) headers.set(publicOriginHeader, context.publicOrigin);
  }
}

/**
 * @apollo/gateway reports usage to Apollo and runs cloud resource detectors (connections to
 * 169.254.169.254, 100.100.100.200, metadata.google.internal) unless this variable is set when it is
 * constructed. Kabinet never sends anything to a third party, so it is set here, in the product,
 * for every process that builds a gateway, whatever the environment says.
 */
function disableApolloTelemetry(): void {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
}

export async function startGateway(options: GatewayOptions): Promise<RunningGateway> {
  const { logger } = options;
  disableApolloTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    serviceList: undefined,
    buildService: ({ name, url }) => {
      const configured = options.subgraphUrls[name as SubgraphName];
      if (!configured && !url) throw new Error(`no URL configured for subgraph ${name}`);
      return new SubgraphDataSource(configured ?? url!, subgraphSecret(options.gatewaySecret, name));
    },
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', options.trustProxy);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/', (_req, res) => res.redirect('/graphql'));
  app.use('/files', fileProxy({ subgraphUrls: options.subgraphUrls, gatewaySecret: options.gatewaySecret, logger }));

  const { httpServer, port } = await listen(app, options.port, options.host);
  const limits = requestLimits<GatewayContext>();
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
    plugins: [
      ...limits.plugins,
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

  app.use(
    '/graphql',
    express.json({ limit: requestBodyLimit }),
    expressMiddleware(server, {
      context: async ({ req }) => {
        const authorization = req.get('authorization');
        const viewer = await viewerFromAuthorization(options.tokenKeys, authorization);
        return {
          viewer,
          authorization,
          clientIp: req.ip ?? req.socket.remoteAddress ?? 'unknown',
          // With TRUST_PROXY, express reads these from X-Forwarded-Proto / X-Forwarded-Host.
          publicOrigin: `${req.protocol}://${req.get('host')}`,
        };
      },
    }),
  );

  app.use(jsonErrorHandler((error) => logger.error({ err: error }, 'request failed')));

  const url = `http://localhost:${port}`;
  logger.info({ port }, 'gateway listening');
  return { port, url, graphqlUrl: `${url}/graphql`, stop: () => server.stop() };
}
