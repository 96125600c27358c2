import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateTokenKeyPems } from '@kabinet/auth';
import { buildDeployables, deployableNamed, outputOf } from '@kabinet/build';
import { createLogger, loadConfig, repoRoot, subgraphNames, type SubgraphName } from '@kabinet/config';
import { demoUsers } from '@kabinet/demo';
import { manifestOperation, persistedRequest, portForChild } from '@kabinet/testing';
import { addMonths, localDateIn, periodOf, readingWindowOf } from '@kabinet/utility-core';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack } from './stack';

// Production as docker-compose.yml runs it: `pnpm build`'s plain JavaScript, each deployable its
// own `node <package>/dist/main.js` process with NODE_ENV=production, on PostgreSQL (production
// takes no embedded database; `pnpm start`'s build runs on PGlite in start.e2e.ts).
const databaseUrl = process.env.DATABASE_URL;

/** Waits until `url` answers 2xx, failing if the process exits meanwhile. */
async function untilAnswers(url: string, child: ChildProcess, output: () => string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`${url}: the process exited with ${child.exitCode}:\n${output()}`);
    const ok = await fetch(url).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not answer within a minute:\n${output()}`);
}

describe.runIf(databaseUrl)('the production build', { timeout: 60_000 }, () => {
  const name = `kabinet_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(databaseUrl ?? '', { max: 1, onnotice: () => {} });
  const url = new URL(databaseUrl ?? 'postgres://unused');
  url.pathname = `/${name}`;
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kabinet-production-'));
  const running: ChildProcess[] = [];
  const ports = {} as Record<SubgraphName | 'gateway', number>;
  let env: NodeJS.ProcessEnv;
  let gatewayUrl: string;

  /** Runs a built entry of a deployable as its own process, with the production environment. */
  function run(packageName: string, entry: string, args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}) {
    return spawn(process.execPath, [outputOf(deployableNamed(packageName), entry), ...args], {
      cwd: repoRoot,
      env: { ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** A built command run to its end: exit code and everything it printed. */
  async function command(packageName: string, entry: string, ...args: string[]) {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, [outputOf(deployableNamed(packageName), entry), ...args], { cwd: repoRoot, env });
      return { code: 0, output: stdout + stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, output: failed.stdout + failed.stderr };
    }
  }

  beforeAll(async () => {
    // The real build, into each package's dist/, as CI and the Dockerfile make it.
    await buildDeployables();
    await admin.unsafe(`create database "${name}"`);

    const keys = await generateTokenKeyPems();
    for (const service of [...subgraphNames, 'gateway'] as const) ports[service] = await portForChild();
    env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATA_DIR: dataDir,
      DATABASE_URL: url.toString(),
      // Seven processes on a server other tests use too: a few connections each are plenty here.
      DATABASE_POOL_SIZE: '2',
      JWT_PRIVATE_KEY: keys.privateKeyPem,
      JWT_PUBLIC_KEY: keys.publicKeyPem,
      GATEWAY_SECRET: randomBytes(32).toString('base64url'),
      ...Object.fromEntries(subgraphNames.map((subgraph) => [`${subgraph.toUpperCase()}_URL`, `http://127.0.0.1:${ports[subgraph]}/graphql`])),
      // Kabinet's merchant, never called here (no checkout, background jobs off): nothing leaves the machine.
      LIQPAY_PUBLIC_KEY: 'i00000000001',
      LIQPAY_PRIVATE_KEY: 'a-merchant-key-from-liqpay',
      LIQPAY_CHECKOUT_URL: 'http://127.0.0.1:9/api/3/checkout',
      LIQPAY_API_URL: 'http://127.0.0.1:9/api/request',
      JOBS_INTERVAL_SECONDS: '0',
      // Links to bill PDFs start here.
      PUBLIC_URL: `http://127.0.0.1:${ports.gateway}`,
    };

    // The demo data, written by the stack from the sources (production seeds nothing).
    const seeding = await startStack({
      config: loadConfig({ ...env, NODE_ENV: 'test' }),
      ports: 'ephemeral',
      host: '127.0.0.1',
      seedDemo: true,
      logger: createLogger('silent'),
    });
    await seeding.stop();

    // Each says on /readyz when it serves GraphQL (the gateway once its query plans are warm).
    const services = [
      ...subgraphNames.map((subgraph) => ({ service: subgraph, packageName: `@kabinet/${subgraph}` })),
      { service: 'gateway' as const, packageName: '@kabinet/gateway' },
    ];
    await Promise.all(
      services.map(async ({ service, packageName }) => {
        const child = run(packageName, 'main', [], { PORT: String(ports[service]) });
        running.push(child);
        let output = '';
        child.stdout!.on('data', (chunk) => (output += chunk));
        child.stderr!.on('data', (chunk) => (output += chunk));
        await untilAnswers(`http://127.0.0.1:${ports[service]}/readyz`, child, () => output);
      }),
    );
    gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
  }, 240_000);

  afterAll(async () => {
    await Promise.all(
      running.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null) return resolve(undefined);
            child.once('exit', resolve);
            child.kill('SIGTERM');
          }),
      ),
    );
    await admin.unsafe(`drop database if exists "${name}" with (force)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers the Dashboard through the built gateway from the built subgraphs, by the web app\'s registered operations', async () => {
    const { email, password } = demoUsers.demo;
    const login = await persistedRequest(gatewayUrl, {
      id: manifestOperation('kabinet-web', 'Login').id,
      variables: { input: { email, password } },
      clientName: 'kabinet-web',
    });
    expect(login.errors).toBeUndefined();
    const token = login.data!.login.accessToken as string;

    const dashboard = await persistedRequest(gatewayUrl, { id: manifestOperation('kabinet-web', 'Dashboard').id, token, clientName: 'kabinet-web' });
    expect(dashboard.errors).toBeUndefined();
    expect(dashboard.data!.me.email).toBe(email);
    expect(dashboard.data!.me.electricityAccounts.length).toBeGreaterThanOrEqual(2);
    expect(dashboard.data!.me.heatAccounts.length).toBeGreaterThanOrEqual(2);
    expect(dashboard.data!.me.electricityAccounts[0].latestBill.amountDue.currency).toBeTruthy();

    // A bill's PDF, through the gateway's link: the built subgraph renders it with its fonts.
    const bills = await persistedRequest(gatewayUrl, {
      id: manifestOperation('kabinet-web', 'ElectricityBills').id,
      variables: { id: dashboard.data!.me.electricityAccounts[0].id },
      token,
      clientName: 'kabinet-web',
    });
    expect(bills.errors).toBeUndefined();
    const pdf = await fetch(bills.data!.electricityAccount.bills.edges[0].node.pdfUrl);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');

    // Production's rules hold in the build: operations outside the manifests are refused.
    const freeForm = await persistedRequest(gatewayUrl, { query: '{ __typename }', clientName: 'kabinet-web' });
    expect(freeForm.errors?.[0]?.extensions?.code).toBe('QUERY_NOT_IN_SAFELIST');
  });

  it('runs the operators\' commands from their builds: billing for each utility, registering a partner app', async () => {
    // Kyiv-energo takes readings on days 1 to 5: its last closed month, billed by the demo already.
    const today = localDateIn(new Date(), 'Europe/Kyiv');
    let closed = addMonths(periodOf(today), -1);
    if (readingWindowOf(closed, { opensDay: 0, closesDay: 4 }).closesOn >= today) closed = addMonths(closed, -1);
    const electricity = await command('@kabinet/electricity', 'billing-cli', '--supplier', 'kyiv-energo', '--period', closed);
    expect(electricity.code, electricity.output).toBe(0);
    expect(electricity.output).toContain(`Київські енергетичні послуги, ${closed}:`);

    const heatHelp = await command('@kabinet/heat', 'billing-cli');
    expect(heatHelp.code).toBe(2);
    expect(heatHelp.output).toContain('corepack pnpm --filter @kabinet/heat billing --supplier <code> --period <YYYY-MM>');
    const heatUnknown = await command('@kabinet/heat', 'billing-cli', '--supplier', 'nope', '--period', closed);
    expect(heatUnknown.code).toBe(1);
    expect(heatUnknown.output).toContain('no heat supplier with the code nope');

    const registered = await command(
      '@kabinet/identity',
      'register-client',
      '--id',
      'built-bank',
      '--name',
      'Built Bank',
      '--scope',
      'accounts:read',
      '--redirect-uri',
      'https://bank.example/kabinet/callback',
    );
    expect(registered.code, registered.output).toBe(0);
    expect(registered.output).toContain('registered built-bank (Built Bank): scopes accounts:read');
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });
    const [client] = await sql`select name from identity.oauth_clients where client_id = 'built-bank'`;
    await sql.end();
    expect(client?.name).toBe('Built Bank');
  });
});
