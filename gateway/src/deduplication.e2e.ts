import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SubgraphName } from '@kabinet/config';
import { demoUsers } from '@kabinet/demo';
import { expectNoGraphQLErrors, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

/*
 * Identical queries in flight at once reach a subgraph once (subgraph-source.ts). Each subgraph's
 * calls go through a gate that can hold them: while the first Dashboard's calls are held, the
 * second one's either join them (the gateway counts them as shared in /metrics) or arrive at the
 * gates themselves.
 */

const dashboard = readFileSync(new URL('../../schema/operations/Dashboard.graphql', import.meta.url), 'utf8');
const rename = 'mutation ($input: UpdateProfileInput!) { updateProfile(input: $input) { user { displayName } } }';

/** An HTTP proxy in front of one subgraph that holds GraphQL calls while told to, and counts them (not identity's /internal/ routes, which its session poller calls). */
class Gate {
  targetUrl = '';
  received = 0;
  private holding = false;
  private held: (() => void)[] = [];
  private arrivals: (() => void)[] = [];
  private readonly server = createServer((req, res) => void this.receive(req, res));

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  hold(): void {
    this.holding = true;
  }

  release(): void {
    this.holding = false;
    for (const forward of this.held.splice(0)) forward();
  }

  /** Resolves once `count` requests are held. */
  async holds(count: number): Promise<void> {
    while (this.held.length < count) await new Promise<void>((resolve) => this.arrivals.push(resolve));
  }

  private async receive(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const forward = () => void this.forward(req, Buffer.concat(chunks), res);
    if (!req.url?.startsWith('/graphql')) return forward();
    this.received += 1;
    if (!this.holding) return forward();
    this.held.push(forward);
    for (const arrived of this.arrivals.splice(0)) arrived();
  }

  private async forward(req: IncomingMessage, body: Buffer, res: ServerResponse) {
    const headers = Object.entries(req.headers).filter(([name]) => !['host', 'connection', 'content-length', 'keep-alive'].includes(name));
    const response = await fetch(`${this.targetUrl}${req.url}`, { method: req.method, headers: headers as [string, string][], body });
    res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/json' });
    res.end(Buffer.from(await response.arrayBuffer()));
  }

  async stop(): Promise<void> {
    this.release();
    this.server.closeAllConnections();
    this.server.close();
  }
}

const subgraphs = ['identity', 'electricity', 'heat', 'payments'] as const satisfies readonly SubgraphName[];

describe('identical queries in flight', () => {
  const gates = Object.fromEntries(subgraphs.map((name) => [name, new Gate()])) as Record<SubgraphName, Gate>;
  const gate = gates.identity;
  let t: TestStack;
  let token: string;
  /** The calls each subgraph received. */
  const callsSoFar = () => Object.fromEntries(subgraphs.map((name) => [name, gates[name].received])) as Record<SubgraphName, number>;

  /** How many subgraph calls the gateway answered from an identical one in flight, from /metrics. */
  async function sharedCalls(subgraph: SubgraphName): Promise<number> {
    const text = await (await fetch(`${t.stack.gateway.url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`kabinet_gateway_subgraph_calls_total{subgraph="${subgraph}",shared="true"}`));
    return Number(line?.split(' ')[1] ?? 0);
  }

  beforeAll(async () => {
    const routes = Object.fromEntries(await Promise.all(subgraphs.map(async (name) => [name, await gates[name].start()] as const)));
    t = await startTestStack({ gatewayRoutes: routes });
    for (const name of subgraphs) gates[name].targetUrl = t.stack.subgraphs[name].url;
    token = await loginAs(t, demoUsers.demo);
  });
  beforeEach(() => {
    for (const name of subgraphs) gates[name].release();
  });
  afterAll(async () => {
    await t?.stop();
    for (const name of subgraphs) await gates[name].stop();
  });

  it('makes one call to each subgraph for two identical Dashboards from the same token', async () => {
    const before = callsSoFar();
    const alone = expectNoGraphQLErrors(await t.gql(dashboard, { token }));
    const afterOne = callsSoFar();
    const perDashboard = Object.fromEntries(Object.entries(afterOne).map(([name, count]) => [name, count - before[name as SubgraphName]]));
    expect(perDashboard).toEqual({ identity: 1, electricity: 1, heat: 1, payments: 1 });

    const shared = await Promise.all(subgraphs.map(sharedCalls));
    for (const name of subgraphs) gates[name].hold();
    const first = t.gql(dashboard, { token });
    for (const name of subgraphs) await gates[name].holds(1);
    const second = t.gql(dashboard, { token });
    // The second Dashboard has reached each subgraph's data source and waits on the first one's calls.
    const joinedAll = async () => (await Promise.all(subgraphs.map(sharedCalls))).every((count, index) => count > shared[index]!);
    while (!(await joinedAll())) await new Promise((resolve) => setTimeout(resolve, 20));
    for (const name of subgraphs) gates[name].release();
    const answers = await Promise.all([first, second]);
    for (const answer of answers) expect(expectNoGraphQLErrors(answer)).toEqual(alone);
    const afterTwo = callsSoFar();
    expect(Object.fromEntries(Object.entries(afterTwo).map(([name, count]) => [name, count - afterOne[name as SubgraphName]]))).toEqual(perDashboard);
  });

  it("asks the utilities and payments for their parts of the Dashboard without waiting for identity's", async () => {
    const before = callsSoFar();
    gate.hold();
    const answer = t.gql(dashboard, { token });
    await gate.holds(1);
    // Identity has not answered: the others are asked all the same, in the same round.
    const othersAsked = () => (['electricity', 'heat', 'payments'] as const).every((name) => gates[name].received > before[name]);
    const deadline = Date.now() + 5_000;
    while (!othersAsked() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(callsSoFar()).toEqual({ identity: before.identity + 1, electricity: before.electricity + 1, heat: before.heat + 1, payments: before.payments + 1 });
    gate.release();
    expect(expectNoGraphQLErrors(await answer).me.email).toBe(demoUsers.demo.email);
  });

  it('never merges the Dashboards of different logins', async () => {
    const other = await loginAs(t, demoUsers.second);
    gate.hold();
    const mine = t.gql(dashboard, { token });
    const theirs = t.gql(dashboard, { token: other });
    // Both reach identity: were they merged, only one would ever arrive.
    await gate.holds(2);
    gate.release();
    const [me, them] = await Promise.all([mine, theirs]);
    expect(expectNoGraphQLErrors(me).me.email).toBe(demoUsers.demo.email);
    expect(expectNoGraphQLErrors(them).me.email).toBe(demoUsers.second.email);
  });

  it('never merges mutations, even identical ones from the same token', async () => {
    const received = gate.received;
    gate.hold();
    const variables = { input: { displayName: demoUsers.demo.displayName } };
    const changes = [t.gql(rename, { token, variables }), t.gql(rename, { token, variables })];
    await gate.holds(2);
    gate.release();
    for (const change of await Promise.all(changes)) expect(expectNoGraphQLErrors(change).updateProfile.user.displayName).toBe(demoUsers.demo.displayName);
    expect(gate.received - received).toBe(2);
  });
});
