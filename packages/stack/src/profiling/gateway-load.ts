import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { signAccessToken } from '@kabinet/auth';
import { electricityTables } from '@kabinet/electricity';
import { heatTables } from '@kabinet/heat';
import { isolatedRedis, startTestStack } from '@kabinet/testing';
import { seedHolderAccounts } from '@kabinet/utility-core/testing/holder-fixture';
import { sql } from 'drizzle-orm';

/*
 * The gateway's CPU per Dashboard, measured on its own process: the subgraphs run here (a test
 * stack), the gateway as `gateway/src/main.ts` in a child process in production mode, and this
 * process sends it Dashboards for several logins with several accounts each. The figure is the
 * child's CPU time (user + system, /proc/<pid>/stat) over the measured requests, divided by their
 * number. With --profile the child runs under `--cpu-prof` (summarise with cpuprofile-summary.ts).
 *
 *   corepack pnpm --filter @kabinet/stack exec tsx src/profiling/gateway-load.ts [--requests 2000]
 *     [--concurrency 8] [--users 8] [--accounts 3] [--same] [--redis] [--by-id] [--no-source-maps]
 *     [--workers N] [--profile DIR] [--gateway path/to/main.ts]
 *
 * --same: every request is the same Dashboard of one login (what a deduplicating gateway shares).
 * DATABASE_URL: the subgraphs on PostgreSQL rather than PGlite.
 */

const { values: args } = parseArgs({
  options: {
    requests: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '8' },
    users: { type: 'string', default: '8' },
    accounts: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    same: { type: 'boolean', default: false },
    redis: { type: 'boolean', default: false },
    'by-id': { type: 'boolean', default: false },
    profile: { type: 'string' },
    workers: { type: 'string' },
    'no-source-maps': { type: 'boolean', default: false },
    gateway: { type: 'string' },
  },
});

const dashboard = readFileSync(new URL('../../../../schema/operations/Dashboard.graphql', import.meta.url), 'utf8');
const manifest = JSON.parse(readFileSync(new URL('../../../../schema/persisted-queries/kabinet-web.json', import.meta.url), 'utf8')) as {
  operations: { id: string; name: string }[];
};
const dashboardId = manifest.operations.find((operation) => operation.name === 'Dashboard')!.id;
// --gateway: another copy of gateway/src/main.ts (a baseline to compare with, in the same sitting).
const gatewayMain = args.gateway ?? fileURLToPath(new URL('../../../../gateway/src/main.ts', import.meta.url));

const t = await startTestStack({ env: { JOBS_INTERVAL_SECONDS: '0' } });
const db = t.stack.database.db;

async function holder(index: number, accounts: number): Promise<string> {
  const userId = await seedHolderAccounts(db, electricityTables, { count: accounts });
  await seedHolderAccounts(db, heatTables, { count: accounts, userId });
  await db.execute(sql`insert into identity.users (id, email, display_name, password_hash, email_confirmed_at)
    values (${userId}, ${`load-${index}-${userId.slice(0, 8)}@kabinet.test`}, 'Load', 'not-a-password-hash', now())`);
  return signAccessToken(t.stack.tokenKeys, { userId, role: 'CUSTOMER', sessionId: `load-${index}` });
}

const tokens: string[] = [];
for (let index = 0; index < Number(args.users); index += 1) tokens.push(await holder(index, Number(args.accounts)));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const port = await freePort();
const subgraphUrl = (name: keyof typeof t.stack.subgraphs) => `${t.stack.subgraphs[name].url}/graphql`;
const redis = args.redis ? isolatedRedis() : undefined;
// --no-source-maps: stack traces as compiled JavaScript gives them (tsx turns source maps on).
const sourceMapsOff = args['no-source-maps'] ? ['--import', 'data:text/javascript,process.setSourceMapsEnabled(false)'] : [];
const nodeArgs = [...(args.profile ? ['--cpu-prof', `--cpu-prof-dir=${args.profile}`] : []), '--import', 'tsx', ...sourceMapsOff, gatewayMain];
const spawnedAt = process.hrtime.bigint();
const child: ChildProcess = spawn(process.execPath, nodeArgs, {
  env: {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    PORT: String(port),
    JWT_PUBLIC_KEY: t.config.auth.publicKeyPem,
    GATEWAY_SECRET: t.config.auth.gatewaySecret,
    IDENTITY_URL: subgraphUrl('identity'),
    ELECTRICITY_URL: subgraphUrl('electricity'),
    HEAT_URL: subgraphUrl('heat'),
    PAYMENTS_URL: subgraphUrl('payments'),
    COST_BUDGET_PER_CUSTOMER: '1000000000',
    COST_BUDGET_PER_CLIENT: '1000000000',
    ...(redis ? { REDIS_URL: redis.url } : {}),
    ...(args.workers ? { GATEWAY_WORKERS: args.workers } : {}),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let logLines = 0;
const listening = new Promise<void>((resolve, reject) => {
  child.once('exit', (code) => reject(new Error(`gateway exited with ${code}`)));
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    logLines += text.split('\n').length - 1;
    if (text.includes('gateway listening')) resolve();
  });
});
await listening;

const url = `http://127.0.0.1:${port}/graphql`;
const body = (index: number) =>
  args['by-id']
    ? JSON.stringify({ operationName: 'Dashboard', extensions: { persistedQuery: { version: 1, sha256Hash: dashboardId } } })
    : JSON.stringify({ query: dashboard });
const tokenOf = (index: number) => (args.same ? tokens[0]! : tokens[index % tokens.length]!);

async function dashboardAt(index: number): Promise<number> {
  const started = process.hrtime.bigint();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenOf(index)}`, 'apollographql-client-name': 'kabinet-web' },
    body: body(index),
  });
  const answer = (await response.json()) as { errors?: unknown; data?: { me?: { electricityAccounts?: unknown[] } } };
  if (response.status !== 200 || answer.errors || answer.data?.me?.electricityAccounts?.length !== Number(args.accounts)) {
    throw new Error(`unexpected answer (${response.status}): ${JSON.stringify(answer).slice(0, 500)}`);
  }
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** `count` requests, `concurrency` at a time; their latencies (ms). */
async function load(count: number): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const runner = async () => {
    while (next < count) latencies.push(await dashboardAt(next++));
  };
  await Promise.all(Array.from({ length: Number(args.concurrency) }, runner));
  return latencies;
}

/** The gateway's processes' CPU time (user + system), ms: the main one and its workers. */
function cpuMs(): number {
  const ticksPerSecond = 100;
  const pids = [child.pid!, ...childrenOf(child.pid!)];
  let ticks = 0;
  for (const pid of pids) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / ticksPerSecond;
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;

await load(Number(args.warmup));
// What the gateway spends with nothing to answer (its session poller, metrics): part of every figure below.
const idleBefore = cpuMs();
await new Promise((resolve) => setTimeout(resolve, 5_000));
console.log(`idle: gateway CPU ${((cpuMs() - idleBefore) / 5).toFixed(1)} ms/s`);
console.log(`measuring from ${Number((process.hrtime.bigint() - spawnedAt) / 1_000_000n)} ms after the gateway was spawned (cpuprofile-summary --skip-ms)`);
const mode = `${args.same ? 'same request' : `${tokens.length} logins`}, ${args.accounts}+${args.accounts} accounts, ${args['by-id'] ? 'by id' : 'text'}${redis ? ', Redis' : ''}`;
for (let round = 0; round < Number(args.rounds); round += 1) {
  const cpuBefore = cpuMs();
  const started = process.hrtime.bigint();
  const latencies = (await load(Number(args.requests))).sort((a, b) => a - b);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = cpuMs() - cpuBefore;
  console.log(
    `${mode}: gateway CPU ${(cpu / latencies.length).toFixed(3)} ms/Dashboard, ${(latencies.length / seconds).toFixed(0)} RPS, ` +
      `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms (${latencies.length} at ${args.concurrency} concurrent)`,
  );
}

child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
await t.stop();
console.log(`(${logLines} log lines from the gateway)`);
