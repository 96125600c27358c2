import cluster from 'node:cluster';
import { backgroundStdout, createLogger, loadConfigOrExit } from '@kabinet/config';
import { superviseWorkers } from './workers';

// The gateway's own process (production): one gateway, or GATEWAY_WORKERS of them on the same port.
const config = loadConfigOrExit();
// A line per request: written off the request's path.
const logger = createLogger(config.logLevel, 'gateway', backgroundStdout());

if (cluster.isPrimary && config.gateway.workers > 1) {
  if (!config.redis.url) {
    logger.warn({ workers: config.gateway.workers }, 'without REDIS_URL each gateway worker keeps its own query budgets and APQ cache');
  }
  superviseWorkers(config.gateway.workers, logger);
} else {
  // Loaded only where a gateway runs: the primary of several workers stays small.
  const { serveGateway } = await import('./serve');
  await serveGateway(config, logger);
}
