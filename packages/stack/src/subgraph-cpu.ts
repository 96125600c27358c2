import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateTokenKeyPems, importTokenKeys, signAccessToken } from '@kabinet/auth';
import { createLogger, loadConfig, repoRoot, subgraphNames, type SubgraphName } from '@kabinet/config';
import { openDatabase } from '@kabinet/db';
import { electricityTables } from '@kabinet/electricity';
import { heatTables } from '@kabinet/heat';
import { seedHolderAccounts } from '@kabinet/utility-core/testing/holder-fixture';
import { sql } from 'drizzle-orm';
import { deployableNamed, outputOf } from '@kabinet/build';
import { portForChild } from '@kabinet/testing';
import { startStack } from './stack';

// CPU each subgraph process spends per Dashboard (schema/operations/Dashboard.graphql), on
// PostgreSQL, in production mode, with per-user tokens: the four subgraphs and the gateway run as
// separate processes from their compiled output (`pnpm build` of each checkout first), as
// deployed, and their CPU time is read from /proc before and after a fixed
// number of Dashboards (idle CPU, measured just before, taken off). With several `--tree`s, the
// stacks of those checkouts run side by side and share the load request by request, so that a
// busy machine weighs on each alike. With --profile DIR every process also writes a V8 CPU
// profile there (one per thread, in DIR/<checkout>/<process>/: aggregate the main thread's,
// `CPU.*.<pid>.0.*.cpuprofile`, with `tsx packages/stack/src/cpu-profile-summary.ts`).
//
//   corepack pnpm exec tsx packages/stack/src/subgraph-cpu.ts [--requests 3000] [--concurrency 8]
//     [--users 100] [--accounts 3] [--database-server postgres://postgres@127.0.0.1:5432] [--profile DIR]
//     [--runs 1] [--tree ../before --tree .]
const { values: options } = parseArgs({
  options: {
    requests: { type: 'string', default: '3000' },
    concurrency: { type: 'string', default: '8' },
    users: { type: 'string', default: '100' },
    accounts: { type: 'string', default: '3' },
    'database-server': { type: 'string', default: process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432' },
    'database-name': { type: 'string', default: `kabinet_cpu_${randomBytes(4).toString('hex')}` },
    profile: { type: 'string' },
    runs: { type: 'string', default: '1' },
    // Checkouts of Kabinet to run the measured processes from, side by side (the code before a change and this one).
    tree: { type: 'string', multiple: true, default: [] },
  },
});
const requests = Number(options.requests);
const concurrency = Number(options.concurrency);
const userCount = Number(options.users);
const accountsPerUtility = Number(options.accounts);
const runs = Number(options.runs);

const dashboard = readFileSync(path.join(repoRoot, 'schema/operations/Dashboard.graphql'), 'utf8');
const serverUrl = options['database-server'];
const databaseName = options['database-name'];
const databaseUrl = `${serverUrl.replace(/\/+$/, '')}/${databaseName}`;

/** utime + stime of a process, in milliseconds (from /proc/<pid>/stat, in clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is [0], utime [11], stime [12].
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Until it serves GraphQL, as its `/readyz` says. */
async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}/readyz`);
      await response.body?.cancel();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not become healthy`);
}

const admin = await openDatabase({ url: `${serverUrl.replace(/\/+$/, '')}/postgres`, poolSize: 1 });
await admin.db.execute(sql.raw(`drop database if exists "${databaseName}" with (force)`));
await admin.db.execute(sql.raw(`create database "${databaseName}"`));

const pems = await generateTokenKeyPems();
const gatewaySecret = randomBytes(32).toString('base64url');
const dataDir = mkdtempSync(path.join(tmpdir(), 'kabinet-cpu-'));
const children: { name: string; child: ChildProcess }[] = [];

try {
  // Migrations and the demo suppliers, as `pnpm start` makes them; then the stack stops and the
  // measured processes start.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    JWT_PRIVATE_KEY: pems.privateKeyPem,
    JWT_PUBLIC_KEY: pems.publicKeyPem,
    GATEWAY_SECRET: gatewaySecret,
    JOBS_INTERVAL_SECONDS: '0',
    // The logins' tokens outlast every run (a day).
    ACCESS_TOKEN_TTL_SECONDS: '86400',
  });
  const tokenKeys = await importTokenKeys({ ...config.auth, publicKeyPem: pems.publicKeyPem });
  const database = await openDatabase({ url: databaseUrl, poolSize: 4 });
  const seeding = await startStack({ config, database, tokenKeys, gatewaySecret, ports: 'ephemeral', host: '127.0.0.1', seedDemo: true, logger: createLogger('silent') });
  await seeding.stop();

  // Logins holding `accounts` accounts of each utility and five checkouts each.
  const db = database.db;
  const tokens: string[] = [];
  for (let index = 0; index < userCount; index += 1) {
    const userId = await seedHolderAccounts(db, electricityTables, { count: accountsPerUtility });
    await seedHolderAccounts(db, heatTables, { count: accountsPerUtility, userId });
    tokens.push(await signAccessToken(tokenKeys, { userId, role: 'CUSTOMER', sessionId: randomUUID(), email: `cpu-${index}@kabinet.test` }));
    await db.execute(sql`insert into identity.users (id, email, display_name, password_hash, email_confirmed_at)
      values (${userId}, ${`cpu-${index}@kabinet.test`}, 'Bench', 'not-a-password-hash', now())`);
    for (let payment = 0; payment < 5; payment += 1) {
      const paymentId = randomUUID();
      await db.execute(sql`insert into payments.payments (id, payer_user_id, status, total_minor, currency, created_at)
        values (${paymentId}, ${userId}, 'CAPTURED', 10000, 'UAH', now() - ${`${payment} days`}::interval)`);
    }
  }
  await database.close();

  const processNames = [...subgraphNames, 'gateway'] as const;
  type ProcessName = (typeof processNames)[number];
  // The compiled output, as production runs it (no tsx, no source maps): each checkout is built first.
  const entryOf = (name: ProcessName) => outputOf(deployableNamed(`@kabinet/${name}`), 'main');

  /** The four subgraphs and the gateway of one checkout, each its own process on its own port. */
  async function startStackOf(tree: string, profileDir: string | undefined) {
    const ports = Object.fromEntries(await Promise.all(processNames.map(async (name) => [name, await portForChild()]))) as Record<ProcessName, number>;
    const urls = Object.fromEntries(processNames.map((name) => [name, `http://127.0.0.1:${ports[name]}`])) as Record<ProcessName, string>;
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      // Few connections each: the database server may be shared.
      DATABASE_POOL_SIZE: '4',
      JWT_PUBLIC_KEY: pems.publicKeyPem,
      JWT_PRIVATE_KEY: pems.privateKeyPem,
      GATEWAY_SECRET: gatewaySecret,
      LIQPAY_PRIVATE_KEY: 'cpu-bench-not-a-real-key',
      JOBS_INTERVAL_SECONDS: '0',
      // Background work is no request's cost: ended sessions are re-read once a minute (the longest allowed).
      SESSION_CHECK_INTERVAL_MS: '60000',
      FIRST_PARTY_OPERATIONS: 'free',
      // One gateway process, the one measured (production's default is a worker per CPU).
      GATEWAY_WORKERS: '1',
      // A busy machine must not turn slow answers into errors.
      SUBGRAPH_TIMEOUT_MS: '60000',
      COST_BUDGET_PER_CUSTOMER: '100000000',
      COST_BUDGET_PER_CLIENT: '1000000000',
      PUBLIC_URL: urls.gateway,
      IDENTITY_URL: `${urls.identity}/graphql`,
      ELECTRICITY_URL: `${urls.electricity}/graphql`,
      HEAT_URL: `${urls.heat}/graphql`,
      PAYMENTS_URL: `${urls.payments}/graphql`,
    };
    execFileSync('corepack', ['pnpm', 'build', ...processNames.map((name) => `@kabinet/${name}`)], { cwd: tree, stdio: ['ignore', 'ignore', 'inherit'] });
    const pids = {} as Record<ProcessName, number>;
    for (const name of processNames) {
      const child = spawn(
        process.execPath,
        [...(profileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(profileDir, name)] : []), entryOf(name)],
        { cwd: tree, env: { ...env, PORT: String(ports[name]) }, stdio: ['ignore', 'inherit', 'inherit'] },
      );
      children.push({ name, child });
      pids[name] = child.pid!;
      await waitUntilServing(urls[name], child);
    }
    return { tree, gateway: `${urls.gateway}/graphql`, cpu: () => Object.fromEntries(processNames.map((name) => [name, cpuMsOf(pids[name])])) as Record<ProcessName, number> };
  }
  type StackOf = Awaited<ReturnType<typeof startStackOf>>;

  async function stopAll() {
    // Identity last: the others read ended sessions from it until they stop.
    for (const { child } of [...children].reverse()) {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((resolve) => child.once('exit', resolve));
    }
    children.length = 0;
  }

  const send = async (stack: StackOf, token: string) => {
    const response = await fetch(stack.gateway, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: dashboard }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${stack.tree}: Dashboard answered ${response.status}: ${text.slice(0, 500)}`);
    const body = JSON.parse(text) as { data?: { me?: { electricityAccounts: unknown[]; heatAccounts: unknown[] } }; errors?: unknown[] };
    if (body.errors || body.data?.me?.electricityAccounts.length !== accountsPerUtility || body.data.me.heatAccounts.length !== accountsPerUtility) {
      throw new Error(`${stack.tree}: unexpected Dashboard: ${JSON.stringify(body).slice(0, 500)}`);
    }
  };
  /** `count` Dashboards to each stack, `concurrency` at a time to each, the stacks' requests interleaved. */
  const load = async (stacks: StackOf[], count: number) => {
    await Promise.all(
      stacks.map(async (stack) => {
        let next = 0;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < count) {
              const index = next++;
              await send(stack, tokens[index % tokens.length]!);
            }
          }),
        );
      }),
    );
  };

  // Every checkout runs at once on the same data and gets the same load at the same moments, so
  // that whatever else the machine does weighs on each alike: a paired comparison.
  const trees = (options.tree.length > 0 ? options.tree : [repoRoot]).map((tree) => path.resolve(tree));
  const stacks: StackOf[] = [];
  for (const tree of trees) stacks.push(await startStackOf(tree, options.profile ? path.resolve(options.profile, path.basename(tree)) : undefined));
  // Warm up: every token once, then JIT.
  await load(stacks, Math.max(tokens.length, 500));

  const results = new Map<string, Record<string, number>[]>(trees.map((tree) => [tree, []]));
  for (let run = 0; run < runs; run += 1) {
    // What the processes spend idle (relays polling), per second.
    const idleSeconds = 10;
    const idleBefore = stacks.map((stack) => stack.cpu());
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const idleAfter = stacks.map((stack) => stack.cpu());
    const started = Date.now();
    await load(stacks, requests);
    const seconds = (Date.now() - started) / 1000;
    const after = stacks.map((stack) => stack.cpu());
    console.log(`run ${run + 1}: ${requests} Dashboards to each of ${stacks.length} stacks in ${seconds.toFixed(1)} s; ms CPU per Dashboard, idle CPU taken off:`);
    stacks.forEach((stack, index) => {
      const perDashboard: Record<string, number> = Object.fromEntries(
        processNames.map((name) => {
          const idle = ((idleAfter[index]![name] - idleBefore[index]![name]) / idleSeconds) * seconds;
          return [name, (after[index]![name] - idleAfter[index]![name] - idle) / requests];
        }),
      );
      perDashboard.subgraphs = subgraphNames.reduce((sum, name) => sum + perDashboard[name]!, 0);
      results.get(stack.tree)!.push(perDashboard);
      console.log(`  ${path.basename(stack.tree).padEnd(24)} ${Object.entries(perDashboard).map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ')}`);
    });
  }
  await stopAll();
  if (options.profile) console.log(`profiles in ${options.profile}/<checkout>/<process>/: the main thread's is CPU.*.<pid>.0.*.cpuprofile (cpu-profile-summary.ts --last <seconds of the last run>)`);

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  console.log(`\nms CPU per Dashboard (median of ${runs}; ${accountsPerUtility} accounts of each utility, ${tokens.length} logins, ${concurrency} at a time to each stack):`);
  console.log(`  ${''.padEnd(24)} ${[...processNames, 'subgraphs'].map((name) => name.padStart(11)).join(' ')}`);
  for (const [tree, rows] of results) {
    console.log(`  ${path.basename(tree).padEnd(24)} ${[...processNames, 'subgraphs'].map((name) => median(rows.map((row) => row[name]!)).toFixed(2).padStart(11)).join(' ')}`);
  }
} finally {
  for (const { child } of children) child.kill('SIGTERM');
  await Promise.all(children.map(({ child }) => (child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : undefined)));
  await admin.db.execute(sql.raw(`drop database if exists "${databaseName}" with (force)`));
  await admin.close();
  rmSync(dataDir, { recursive: true, force: true });
}
