import { httpRevocationsSource, loadGatewaySecret, loadTokenKeys, openSessionRevocations } from '@kabinet/auth';
import { defaultPorts, type Config, type Logger } from '@kabinet/config';
import { stopOnSignals } from '@kabinet/http';
import { configuredGatewayOptions, startGateway } from './server';
import { readSupergraphSdl } from './supergraph';

/** One gateway process (production), until SIGTERM or SIGINT: subgraph URLs come from IDENTITY_URL & co. */
export async function serveGateway(config: Config, logger: Logger): Promise<void> {
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
    ...configuredGatewayOptions(config),
    port: config.port ?? defaultPorts.gateway,
  });

  stopOnSignals(async () => {
    await gateway.stop();
    sessions.stop();
  });
}
