import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { generateTokenKeyPems, importTokenKeys, signAccessToken, type TokenKeys } from '@kabinet/auth';
import { createLogger, loadConfig, repoRoot, type SubgraphName } from '@kabinet/config';
import { openDatabase, sql, type DatabaseHandle } from '@kabinet/db';
import { startStack } from '@kabinet/stack';
import { buildDeployables, deployableNamed, outputOf } from '@kabinet/build';
import postgres from 'postgres';
import { portForChild } from '@kabinet/testing';
import { spawnService, type ServiceProcess } from './processes';

/** The PostgreSQL server benchmarks create their databases on (and drop them from). */
export const benchServerUrl = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisServerUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export const subgraphNames: readonly SubgraphName[] = ['identity', 'electricity', 'heat', 'payments'];

/**
 * The production command of a deployable: its compiled entry, built (again, when a source changed)
 * before anything is measured, so that a benchmark never runs a stale build or TypeScript.
 */
export async function commandOf(name: SubgraphName | 'gateway'): Promise<string[]> {
  const deployable = deployableNamed(name === 'gateway' ? '@kabinet/gateway' : `@kabinet/${name}`);
  await buildDeployables([deployable], { whenChanged: true });
  return [process.execPath, ...profileArgs(name), path.join(repoRoot, outputOf(deployable, 'main'))];
}

/**
 * `BENCH_PROFILE_DIR=/tmp/profiles`: every service writes V8 CPU profiles into DIR/<service>/
 * (one per thread; summarise the main thread's, `CPU.*.<pid>.0.*`, with
 * `packages/stack/src/cpu-profile-summary.ts`). Node refuses `--cpu-prof` in NODE_OPTIONS.
 */
function profileArgs(name: string): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir ? ['--cpu-prof', '--cpu-prof-dir', path.resolve(dir, name)] : [];
}

/** A new empty database on the benchmark server, dropped by `drop()`. */
export async function createBenchDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `kabinet_bench_${label}_${process.pid}_${Date.now()}`;
  const admin = postgres(benchServerUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = new URL(benchServerUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const again = postgres(benchServerUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists "${name}" with (force)`);
      await again.end();
    },
  };
}

export interface ProductionStack {
  gatewayUrl: string;
  gateway: ServiceProcess;
  subgraphs: Record<SubgraphName, ServiceProcess>;
  /** The subgraphs' GraphQL URLs and the secret each wants: what a gateway (ours or a peer) needs. */
  subgraphUrls: Record<SubgraphName, string>;
  gatewaySecret: string;
  database: DatabaseHandle;
  tokenKeys: TokenKeys;
  /** An hour-long customer token for `userId`, with a session of its own. */
  tokenFor(userId: string): Promise<string>;
  /** A second gateway process with its own environment (another subgraph route, another worker count). */
  startGateway(env?: Record<string, string>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * `BENCH_SERVICE_ENV='GATEWAY_WORKERS=2 DATABASE_POOL_SIZE=10'`: settings for every service of the
 * run, to measure a configuration against the defaults.
 */
function serviceEnvFromBench(): Record<string, string> {
  const settings = (process.env.BENCH_SERVICE_ENV ?? '').split(/\s+/).filter(Boolean);
  return Object.fromEntries(
    settings.map((setting) => {
      const at = setting.indexOf('=');
      if (at <= 0) throw new Error(`BENCH_SERVICE_ENV: ${setting} is not NAME=value`);
      return [setting.slice(0, at), setting.slice(at + 1)];
    }),
  );
}

/**
 * What the seeding wrote, counted and flushed before anything is measured, as a database in
 * service has long been: without statistics the planner guesses at tables a bulk seed just filled,
 * and the autovacuum or checkpoint the seed made due lands in the middle of a measurement (the
 * reading burst cost PostgreSQL 1.3–1.9 ms a submission so, 0.7–1.2 ms after this; run straight
 * after the Dashboard's benchmark its p99 was eight times longer). CHECKPOINT needs a superuser or
 * pg_checkpoint: best effort.
 */
export async function settle(database: DatabaseHandle): Promise<void> {
  await database.db.execute(sql`vacuum (analyze)`);
  await database.db.execute(sql`checkpoint`).catch(() => {});
}

export interface ProductionStackOptions {
  label: string;
  /** Writes the benchmark's data once the schema and demo data are in. */
  seed?(database: DatabaseHandle): Promise<void>;
  /** Extra environment for every service (over the production defaults below). */
  env?: Record<string, string>;
}

/**
 * The deployment's shape on one machine: each subgraph and the gateway in its own process in
 * production mode, on a fresh PostgreSQL database and Redis, as docker-compose runs them. The
 * schema and demo data are put in first by the in-process stack, then it is stopped.
 */
export async function startProductionStack(options: ProductionStackOptions): Promise<ProductionStack> {
  const created = await createBenchDatabase(options.label);
  const pems = await generateTokenKeyPems();
  const gatewaySecret = randomBytes(32).toString('base64url');
  const database = await openDatabase({ url: created.url, poolSize: 4 });
  const started: ServiceProcess[] = [];
  try {
    const seedConfig = loadConfig({
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DATABASE_URL: created.url,
      JWT_PRIVATE_KEY: pems.privateKeyPem,
      JWT_PUBLIC_KEY: pems.publicKeyPem,
      GATEWAY_SECRET: gatewaySecret,
      JOBS_INTERVAL_SECONDS: '0',
    });
    const seeding = await startStack({ config: seedConfig, database, ports: 'ephemeral', host: '127.0.0.1', seedDemo: true, liqpaySandbox: false, logger: createLogger('silent') });
    await seeding.stop();
    await options.seed?.(database);
    await settle(database);

    const tokenKeys = await importTokenKeys({ ...seedConfig.auth, publicKeyPem: pems.publicKeyPem, accessTokenTtlSeconds: 3600 });
    const redis = new URL(redisServerUrl);
    redis.searchParams.set('keyPrefix', `kabinet-bench:${randomUUID()}:`);
    const common: Record<string, string> = {
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      DATABASE_URL: created.url,
      REDIS_URL: redis.toString(),
      JWT_PUBLIC_KEY: pems.publicKeyPem,
      GATEWAY_SECRET: gatewaySecret,
      // A fixed, known load: budgets are measured (two Redis calls a request), never exhausted.
      COST_BUDGET_PER_CUSTOMER: '1000000000',
      COST_BUDGET_PER_CLIENT: '1000000000',
      // Payments refuses the sandbox's published key in production; nothing is paid here.
      LIQPAY_PUBLIC_KEY: 'bench_public',
      LIQPAY_PRIVATE_KEY: 'bench-private-key-not-a-real-one',
      ...serviceEnvFromBench(),
      ...options.env,
    };
    const ports = Object.fromEntries(await Promise.all(subgraphNames.map(async (name) => [name, await portForChild()] as const))) as Record<SubgraphName, number>;
    const subgraphUrls = Object.fromEntries(subgraphNames.map((name) => [name, `http://127.0.0.1:${ports[name]}/graphql`])) as Record<SubgraphName, string>;
    const urlsEnv = {
      IDENTITY_URL: subgraphUrls.identity,
      ELECTRICITY_URL: subgraphUrls.electricity,
      HEAT_URL: subgraphUrls.heat,
      PAYMENTS_URL: subgraphUrls.payments,
    };
    const subgraphs = {} as Record<SubgraphName, ServiceProcess>;
    // Identity first: the others read ended sessions from it.
    for (const name of subgraphNames) {
      const command = await commandOf(name);
      const env = { ...common, ...urlsEnv, ...(name === 'identity' ? { JWT_PRIVATE_KEY: pems.privateKeyPem } : {}) };
      subgraphs[name] = await spawnService({ name, command, env, port: ports[name], readyPath: '/readyz' });
      started.push(subgraphs[name]);
    }
    const startGateway = async (env: Record<string, string> = {}) => {
      const command = await commandOf('gateway');
      const port = await portForChild();
      const gateway = await spawnService({
        name: 'gateway',
        command,
        env: { ...common, ...urlsEnv, PUBLIC_URL: `http://127.0.0.1:${port}`, ...env },
        port,
        readyPath: '/readyz',
      });
      started.push(gateway);
      return gateway;
    };
    const gateway = await startGateway();
    return {
      gatewayUrl: `${gateway.origin}/graphql`,
      gateway,
      subgraphs,
      subgraphUrls,
      gatewaySecret,
      database,
      tokenKeys,
      tokenFor: (userId) => signAccessToken(tokenKeys, { userId, role: 'CUSTOMER', sessionId: randomUUID() }),
      startGateway,
      stop: async () => {
        await Promise.all(started.map((service) => service.stop()));
        await database.close();
        await created.drop();
      },
    };
  } catch (error) {
    await Promise.all(started.map((service) => service.stop()));
    await database.close();
    await created.drop();
    throw error;
  }
}
