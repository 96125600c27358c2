import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '@kabinet/config';

/**
 * The primary process of a gateway run as `count` workers (node:cluster), each a whole gateway
 * (serve.ts) listening on the same port; the primary hands connections to them and serves nothing
 * itself. A worker that dies after it was listening is replaced; one that never got to listen stops
 * everything (a bad configuration or a port in use would only fail again). SIGTERM or SIGINT stops
 * every worker (each drains its requests) and then the primary, with status 1 if one of them failed.
 */
export function superviseWorkers(count: number, logger: Logger): void {
  const running = new Set<Worker>();
  const listened = new WeakSet<Worker>();
  let stopping = false;
  let failed = false;

  const start = () => {
    const worker = cluster.fork();
    running.add(worker);
    worker.once('listening', () => listened.add(worker));
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    logger.info({ workers: running.size }, 'gateway workers stopping');
    if (running.size === 0) process.exit(failed ? 1 : 0);
    for (const worker of running) worker.process.kill('SIGTERM');
  };

  cluster.on('exit', (worker, code, signal) => {
    running.delete(worker);
    if (stopping) {
      if (code !== 0) failed = true;
      if (running.size === 0) {
        logger.info('gateway workers stopped');
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    if (!listened.has(worker)) {
      logger.fatal({ pid: worker.process.pid, code, signal }, 'a gateway worker stopped before it listened; stopping the others');
      failed = true;
      return stop();
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'a gateway worker stopped; starting another');
    start();
  });

  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  for (let index = 0; index < count; index += 1) start();
  logger.info({ workers: count }, 'gateway workers starting');
}
