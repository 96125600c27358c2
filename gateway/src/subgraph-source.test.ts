import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { gatewaySecretHeader } from '@kabinet/auth';
import { GraphQLError } from 'graphql';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayContext } from './context';
import { SubgraphSource, subgraphAgent } from './subgraph-source';

/**
 * A subgraph that holds every answer until the test lets them go: what arrives while calls are
 * in flight is exactly what the data source sent.
 */
class HeldSubgraph {
  readonly received: { body: { query: string; variables?: unknown }; authorization: string | undefined; secret: string | undefined }[] = [];
  private held: (() => void)[] = [];
  private arrivals: (() => void)[] = [];
  status = 200;
  private readonly server = createServer((req, res) => void this.receive(req, res));

  async start(): Promise<string> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/graphql`;
  }

  private async receive(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString()) as { query: string; variables?: unknown };
    this.received.push({ body, authorization: req.headers.authorization, secret: req.headers[gatewaySecretHeader] as string | undefined });
    this.held.push(() => {
      res.writeHead(this.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(this.status === 200 ? { data: { echo: body.variables ?? null, calls: this.received.length } } : { errors: [{ message: 'boom' }] }));
    });
    for (const arrived of this.arrivals.splice(0)) arrived();
  }

  /** Resolves once `count` calls have arrived in all. */
  async arrived(count: number): Promise<void> {
    while (this.received.length < count) await new Promise<void>((resolve) => this.arrivals.push(resolve));
  }

  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    this.server.close();
  }
}

const query = 'query Me($id: ID) { me(id: $id) { email } }';
const mutation = 'mutation Change($name: String) { updateProfile(input: { displayName: $name }) { user { displayName } } }';

const context = (authorization: string): GatewayContext => ({ viewer: null, authorization, clientIp: '198.51.100.7', acceptLanguage: 'uk', locale: 'uk' });
const call = (source: SubgraphSource, text: string, variables: Record<string, unknown>, caller: GatewayContext) =>
  source.process({ kind: 'health check', request: { query: text, variables }, context: caller } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);

describe('the subgraph data source', () => {
  const subgraph = new HeldSubgraph();
  const agent = subgraphAgent(5_000);
  let source: SubgraphSource;
  const calls = { sent: 0, shared: 0 };

  beforeAll(async () => {
    const url = await subgraph.start();
    source = new SubgraphSource({ name: 'identity', url, secret: 'the-identity-secret', agent, timeoutMs: 5_000, onCall: (shared) => void (shared ? calls.shared++ : calls.sent++) });
  });
  afterEach(() => {
    subgraph.release();
    subgraph.received.length = 0;
    subgraph.status = 200;
    calls.sent = calls.shared = 0;
  });
  afterAll(async () => {
    await agent.close();
    await subgraph.stop();
  });

  it('sends identical queries in flight at once only once, and each caller gets its own copy of the answer', async () => {
    const first = call(source, query, { id: '1' }, context('Bearer a'));
    const second = call(source, query, { id: '1' }, context('Bearer a'));
    await subgraph.arrived(1);
    subgraph.release();
    const [a, b] = await Promise.all([first, second]);
    expect(subgraph.received).toHaveLength(1);
    expect(subgraph.received[0]).toMatchObject({ authorization: 'Bearer a', secret: 'the-identity-secret' });
    expect(a).toEqual({ data: { echo: { id: '1' }, calls: 1 } });
    expect(b).toEqual(a);
    // The executor merges into what it gets: one request's changes must not reach the other's.
    expect(b).not.toBe(a);
    expect(b.data).not.toBe(a.data);
    expect(calls).toEqual({ sent: 1, shared: 1 });
  });

  it('sends the query again once the first answer is in: nothing is cached', async () => {
    const first = call(source, query, { id: '1' }, context('Bearer a'));
    await subgraph.arrived(1);
    subgraph.release();
    await first;
    const second = call(source, query, { id: '1' }, context('Bearer a'));
    await subgraph.arrived(2);
    subgraph.release();
    expect(await second).toEqual({ data: { echo: { id: '1' }, calls: 2 } });
  });

  it('never merges the queries of different tokens, variables, addresses or languages', async () => {
    const pending = [
      call(source, query, { id: '1' }, context('Bearer a')),
      call(source, query, { id: '1' }, context('Bearer b')),
      call(source, query, { id: '2' }, context('Bearer a')),
      call(source, query, { id: '1' }, { ...context('Bearer a'), clientIp: '203.0.113.9' }),
      call(source, query, { id: '1' }, { ...context('Bearer a'), acceptLanguage: 'en' }),
    ];
    await subgraph.arrived(5);
    subgraph.release();
    await Promise.all(pending);
    expect(subgraph.received.map((received) => received.authorization).sort()).toEqual(['Bearer a', 'Bearer a', 'Bearer a', 'Bearer a', 'Bearer b']);
    expect(calls).toEqual({ sent: 5, shared: 0 });
  });

  it('never merges mutations, even identical ones from the same token', async () => {
    const pending = [call(source, mutation, { name: 'Олена' }, context('Bearer a')), call(source, mutation, { name: 'Олена' }, context('Bearer a'))];
    await subgraph.arrived(2);
    subgraph.release();
    await Promise.all(pending);
    expect(subgraph.received.map((received) => received.body.query)).toEqual([mutation, mutation]);
  });

  it('never merges queries for rateLimitInfo, whose answer is each request\'s own budget', async () => {
    const budget = 'query { rateLimitInfo { cost } }';
    const pending = [call(source, budget, {}, context('Bearer a')), call(source, budget, {}, context('Bearer a'))];
    await subgraph.arrived(2);
    subgraph.release();
    await Promise.all(pending);
    expect(subgraph.received).toHaveLength(2);
  });

  it('gives every caller that waited on a failed call its own typed error naming the service, on the fields it could not answer', async () => {
    subgraph.status = 500;
    const first = call(source, query, { id: '1' }, context('Bearer a'));
    const second = call(source, query, { id: '1' }, context('Bearer a'));
    await subgraph.arrived(1);
    subgraph.release();
    const answers = await Promise.all([first, second]);
    for (const answer of answers) {
      expect(answer.data).toBeUndefined();
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0]).toBeInstanceOf(GraphQLError);
      expect(answer.errors![0]!.path).toEqual(['me']);
      expect(answer.errors![0]!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', serviceName: 'identity', reason: 'SERVICE_FAILED' });
    }
    expect(answers[0]!.errors![0]).not.toBe(answers[1]!.errors![0]);
    expect(subgraph.received).toHaveLength(1);
  });

  it('puts a failure on each entity\'s fields of the type it was asked as', async () => {
    subgraph.status = 500;
    const entities = `query Q($representations: [_Any!]!) { _entities(representations: $representations) {
      ... on User { electricityAccounts { id } owed: balance }
      ... on Meter { __typename latestReading { value } } } }`;
    const representations = [{ __typename: 'User', id: 'u1' }, { __typename: 'Meter', id: 'm1' }];
    const answering = call(source, entities, { representations }, context('Bearer a'));
    await subgraph.arrived(1);
    subgraph.release();
    const { errors } = await answering;
    expect(errors!.map((error) => error.path)).toEqual([
      ['_entities', 0, 'electricityAccounts'],
      ['_entities', 0, 'owed'],
      ['_entities', 1, 'latestReading'],
    ]);
  });
});
