import { loadGatewaySecret, loadTokenKeys } from '@kabinet/auth';
import { createLogger, defaultPorts, loadConfigOrExit } from '@kabinet/config';
import { stopOnSignals } from '@kabinet/http';
import { startGateway } from './server';
import { readSupergraphSdl } from './supergraph';

// The gateway's own process (production): subgraph URLs come from IDENTITY_URL & co.
const config = loadConfigOrExit();
const logger = createLogger(config.logLevel, 'gateway');
const gateway = await startGateway({
  supergraphSdl: readSupergraphSdl(),
  subgraphUrls: config.gateway.subgraphUrls,
  tokenKeys: await loadTokenKeys(config),
  gatewaySecret: loadGatewaySecret(config),
  logger,
  production: config.production,
  trustProxy: config.gateway.trustProxy,
  subgraphTimeoutMs: config.gateway.subgraphTimeoutMs,
  port: config.port ?? defaultPorts.gateway,
});

stopOnSignals(() => gateway.stop());
