import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@kabinet/config';
import { demoUsers } from '@kabinet/demo';
import { connectionRecorderEnv, graphqlRequest, offLoopback, recordedConnections } from '@kabinet/testing';
import { afterAll, describe, expect, it } from 'vitest';

// `pnpm start` as a new user runs it: the stack built and run in one process, embedded database under
// DATA_DIR, fixed ports.
const gatewayUrl = 'http://127.0.0.1:4000/graphql';
const dataDir = mkdtempSync(path.join(tmpdir(), 'kabinet-start-'));
// Every connection the product's process attempts (not pnpm's): all must stay on this machine.
const connectionLog = path.join(dataDir, 'connections.jsonl');

/** Started and not yet stopped: killed after the tests, so a failed assertion leaves no server behind. */
const running = new Set<ChildProcess>();

function start(): Promise<{ child: ChildProcess; output: () => string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    ...connectionRecorderEnv(connectionLog, 'packages/build/src/start.mjs'),
  };
  delete env.DATABASE_URL;
  delete env.APOLLO_TELEMETRY_DISABLED;
  const child = spawn('corepack', ['pnpm', 'start'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 90 s:\n${output}`)), 90_000);
    child.stdout!.on('data', () => {
      if (output.includes('Press Ctrl-C to stop')) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
}

/** Resolves once every process of the group has closed its output, with what they printed. */
function stop(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve) => {
    child.once('close', () => {
      running.delete(child);
      resolve(output());
    });
    // Ctrl-C in a terminal signals the whole foreground process group.
    process.kill(-child.pid!, 'SIGINT');
  });
}

async function demoDashboardCounts() {
  const { email, password } = demoUsers.demo;
  const login = await graphqlRequest(gatewayUrl, 'mutation($i: LoginInput!) { login(input: $i) { accessToken } }', {
    variables: { i: { email, password } },
  });
  const token = login.data?.login.accessToken as string;
  const dashboard = await graphqlRequest(
    gatewayUrl,
    '{ me { email electricityAccounts { id meters { id } } heatAccounts { id } payments(first: 100) { edges { node { id } } } } }',
    { token },
  );
  expect(dashboard.errors).toBeUndefined();
  const me = dashboard.data!.me;
  return {
    electricity: me.electricityAccounts.length,
    meters: me.electricityAccounts.flatMap((account: any) => account.meters).length,
    heat: me.heatAccounts.length,
    payments: me.payments.edges.length,
  };
}

describe('pnpm start', () => {
  afterAll(() => {
    for (const child of running) process.kill(-child.pid!, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts everything on the embedded database, prints where, seeds once, stops on Ctrl-C', { timeout: 240_000 }, async () => {
    const first = await start();
    expect(first.output()).toContain('http://localhost:4000/graphql');
    expect(first.output()).toContain(demoUsers.demo.email);
    expect(readdirSync(path.join(dataDir, 'pglite')).length).toBeGreaterThan(0);
    const before = await demoDashboardCounts();
    expect(before.electricity).toBeGreaterThanOrEqual(2);
    expect(before.heat).toBeGreaterThanOrEqual(2);
    // @apollo/gateway's usage exporter and cloud detectors would start with it and probe within a second or two.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await stop(first.child, first.output)).toContain('Stopped.');
    const connections = recordedConnections(connectionLog);
    // The recorder ran in the product's process: the gateway's calls to the subgraphs are there.
    expect(connections.filter((connection) => connection.kind === 'tcp').length).toBeGreaterThan(0);
    expect(offLoopback(connections)).toEqual([]);
    await expect(fetch(gatewayUrl)).rejects.toThrow();

    // A second start on the same data seeds nothing twice.
    const second = await start();
    expect(await demoDashboardCounts()).toEqual(before);
    expect(await stop(second.child, second.output)).toContain('Stopped.');
  });
});
