import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '@kabinet/config';
import { demoUsers } from '@kabinet/demo';
import { expectNoGraphQLErrors, graphqlRequest, loginAs, portForChild, startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The gateway's own process (main.ts) with GATEWAY_WORKERS=2, in production mode, in front of a
 * test stack's subgraphs: two worker processes answer on one port, a crashed one is replaced,
 * and SIGTERM stops them all.
 */

const dashboard = readFileSync(new URL('../../schema/operations/Dashboard.graphql', import.meta.url), 'utf8');
const main = fileURLToPath(new URL('./main.ts', import.meta.url));

/** The gateway's log, line by line, and a way to wait for a line. */
class Log {
  readonly lines: Record<string, any>[] = [];
  private waiting: (() => void)[] = [];

  constructor(child: ChildProcess) {
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString();
      const lines = text.split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim()) this.lines.push(JSON.parse(line));
      for (const wake of this.waiting.splice(0)) wake();
    });
  }

  /** Resolves with the matching lines once there are `count` of them. */
  async until(count: number, match: (line: Record<string, any>) => boolean): Promise<Record<string, any>[]> {
    for (;;) {
      const found = this.lines.filter(match);
      if (found.length >= count) return found;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }
}

const childrenOf = (pid: number) =>
  readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number).sort();
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('the gateway with GATEWAY_WORKERS=2', () => {
  let t: TestStack;
  let gateway: ChildProcess;
  let log: Log;
  let url: string;
  let token: string;
  const listening = (line: Record<string, any>) => line.msg === 'gateway listening';

  beforeAll(async () => {
    t = await startTestStack();
    token = await loginAs(t, demoUsers.demo);
    const port = await portForChild();
    url = `http://127.0.0.1:${port}/graphql`;
    const subgraphUrl = (name: keyof TestStack['stack']['subgraphs']) => `${t.stack.subgraphs[name].url}/graphql`;
    gateway = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        PORT: String(port),
        GATEWAY_WORKERS: '2',
        JWT_PUBLIC_KEY: t.config.auth.publicKeyPem,
        GATEWAY_SECRET: t.config.auth.gatewaySecret,
        IDENTITY_URL: subgraphUrl('identity'),
        ELECTRICITY_URL: subgraphUrl('electricity'),
        HEAT_URL: subgraphUrl('heat'),
        PAYMENTS_URL: subgraphUrl('payments'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    log = new Log(gateway);
    // Two whole gateways start (each plans every manifest operation): in the hook, which has time for it.
    await log.until(2, listening);
  });
  afterAll(async () => {
    if (gateway?.exitCode === null) {
      gateway.kill('SIGKILL');
      await once(gateway, 'exit');
    }
    await t?.stop();
  });

  it('answers from two worker processes on one port', async () => {
    const started = await log.until(2, listening);
    const workers = started.map((line) => line.pid as number).sort();
    expect(new Set(workers).size).toBe(2);
    expect(childrenOf(gateway.pid!)).toEqual(workers);
    for (let request = 0; request < 6; request += 1) {
      expect(expectNoGraphQLErrors(await graphqlRequest(url, dashboard, { token })).me.email).toBe(demoUsers.demo.email);
    }
  });

  // A new worker starts a whole gateway: more than the default test time on a busy machine.
  it('replaces a worker that crashed, and keeps answering', { timeout: 120_000 }, async () => {
    const [crashed] = childrenOf(gateway.pid!);
    process.kill(crashed!, 'SIGKILL');
    const started = await log.until(3, listening);
    const replacement = started[2]!.pid as number;
    expect(replacement).not.toBe(crashed);
    expect(childrenOf(gateway.pid!)).toContain(replacement);
    expect(childrenOf(gateway.pid!)).not.toContain(crashed);
    expect(expectNoGraphQLErrors(await graphqlRequest(url, dashboard, { token })).me.email).toBe(demoUsers.demo.email);
  });

  it('stops every worker and then itself on SIGTERM, with status 0', async () => {
    const workers = childrenOf(gateway.pid!);
    expect(workers).toHaveLength(2);
    gateway.kill('SIGTERM');
    const [code] = await once(gateway, 'exit');
    expect(code).toBe(0);
    for (const pid of workers) expect(alive(pid)).toBe(false);
    expect(log.lines.map((line) => line.msg)).toContain('gateway workers stopped');
  });
});
