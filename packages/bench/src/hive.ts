import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gatewaySecretHeader, subgraphSecret } from '@kabinet/auth';
import { repoRoot, type SubgraphName } from '@kabinet/config';
import { portForChild } from '@kabinet/testing';
import { spawnService, type ServiceProcess } from './processes';

const installDir = path.join(repoRoot, 'packages', 'bench', 'hive-gateway');
const hiveBin = path.join(installDir, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');

/**
 * Hive Gateway (Node), the peer Kabinet's gateway is measured against, from its pinned lockfile
 * (`packages/bench/hive-gateway`), installed on first use: it is big and only `pnpm bench` wants it.
 * `BENCH_PEER=none` skips it.
 */
export function ensureHiveGateway(): boolean {
  if (process.env.BENCH_PEER === 'none') return false;
  if (!existsSync(hiveBin)) {
    console.log('installing Hive Gateway for the peer comparison (once; BENCH_PEER=none skips it)…');
    // Its own .npmrc says engine-strict=false, but under `pnpm bench` the workspace's
    // engine-strict=true arrives as npm_config_engine_strict, which wins over a file: say it here.
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: installDir, stdio: 'inherit', env: { ...process.env, npm_config_engine_strict: 'false' } });
  }
  return true;
}

/**
 * Hive Gateway in production mode (its CLI's defaults: a worker per CPU) over the same running
 * subgraphs, with the same supergraph, passing the caller's token and each subgraph's secret as
 * Kabinet's gateway does.
 */
export async function startHiveGateway(subgraphUrls: Record<SubgraphName, string>, gatewaySecret: string): Promise<ServiceProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kabinet-bench-hive-'));
  let supergraph = readFileSync(path.join(repoRoot, 'schema', 'supergraph.graphql'), 'utf8');
  for (const [name, url] of Object.entries(subgraphUrls)) {
    supergraph = supergraph.replace(new RegExp(`(@join__graph\\(name: "${name}", url: )"[^"]*"`), `$1"${url}"`);
  }
  writeFileSync(path.join(dir, 'supergraph.graphql'), supergraph);
  const secrets = Object.fromEntries(Object.keys(subgraphUrls).map((name) => [name, subgraphSecret(gatewaySecret, name)]));
  writeFileSync(
    path.join(dir, 'gateway.config.mjs'),
    `const secrets = ${JSON.stringify(secrets)};
export const gatewayConfig = {
  supergraph: './supergraph.graphql',
  pollingInterval: 0,
  logging: 'error',
  propagateHeaders: {
    fromClientToSubgraphs: ({ request, subgraphName }) => ({
      authorization: request.headers.get('authorization') ?? undefined,
      ${JSON.stringify(gatewaySecretHeader)}: secrets[subgraphName.toLowerCase()],
    }),
  },
};
`,
  );
  const port = await portForChild();
  const hive = await spawnService({
    name: 'hive-gateway',
    command: [process.execPath, hiveBin, 'supergraph', '--port', String(port), '--host', '127.0.0.1'],
    env: { NODE_ENV: 'production' },
    cwd: dir,
    port,
    readyPath: '/healthcheck',
  });
  return {
    ...hive,
    stop: async () => {
      await hive.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
