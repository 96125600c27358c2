import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { portForChild } from '@kabinet/testing';
import { spawnService, type ServiceProcess } from './processes';
import type { RecordedFetch } from './recorder';

const server = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bare-hop-server.mjs');

/**
 * A bare HTTP hop in front of the subgraphs (bare-hop-server.mjs): what a Dashboard costs through
 * any process in between that does nothing but pass the same calls on and merge their answers.
 * The gateway's latency is judged against it: what the gateway adds over it is the gateway's own.
 */
export async function startBareHop(stages: readonly RecordedFetch[][]): Promise<ServiceProcess> {
  const calls = stages.map((stage) => stage.map(({ url, body, headers }) => ({ url, body, headers })));
  const port = await portForChild();
  return spawnService({
    name: 'bare-hop',
    command: [process.execPath, server],
    env: { NODE_ENV: 'production', BARE_HOP_CALLS: JSON.stringify(calls) },
    port,
    readyPath: '/ready',
  });
}
