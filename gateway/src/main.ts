import { httpRevocationsSource, loadGatewaySecret, loadTokenKeys, openSessionRevocations } from '@kabinet/auth';
import { backgroundStdout, createLogger, defaultPorts, loadConfigOrExit } from '@kabinet/config';
import { stopOnSignals } from '@kabinet/http';
import { startGateway } from './server';
import { readSupergraphSdl } from './supergraph';

// The gateway's own process (production): subgraph URLs come from IDENTITY_URL & co.
const config = loadConfigOrExit();
// A line per request: written off the request's path.
const logger = createLogger(config.logLevel, 'gateway', backgroundStdout());
const gatewaySecret = loadGatewaySecret(config);
const sessions = openSessionRevocations(config, logger, httpRevocationsSource(config.gateway.subgraphUrls.identity, gatewaySecret));
sessions.start();
const gateway = await startGateway({
  supergraphSdl: readSupergraphSdl(),
  subgraphUrls: config.gateway.subgraphUrls,
  tokenKeys: await loadTokenKeys(config),
  sessions,
  gatewaySecret,
  logger,
  production: config.production,
  trustProxy: config.gateway.trustProxy,
  subgraphTimeoutMs: config.gateway.subgraphTimeoutMs,
  firstPartyOperations: config.gateway.firstPartyOperations,
  costs: config.gateway.costs,
  redisUrl: config.redis.url,
  metricsToken: config.gateway.metricsToken,
  port: config.port ?? defaultPorts.gateway,
});

stopOnSignals(async () => {
  await gateway.stop();
  sessions.stop();
});
