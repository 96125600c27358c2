import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Writable } from 'node:stream';
import { httpRevocationsSource, openSessionRevocations, signAccessToken } from '@kabinet/auth';
import { createLogger } from '@kabinet/config';
import { demoUsers } from '@kabinet/demo';
import {
  expectErrorCode,
  expectNoGraphQLErrors,
  graphqlRequest,
  loginAs,
  manifestOperation,
  persistedRequest,
  startTestStack,
  type GraphQLResponse,
  type RequestOptions,
  type TestStack,
  isolatedRedis,
  startFaultProxy,
} from '@kabinet/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from './server';
import { readSupergraphSdl } from './supergraph';

/** Small budgets, so that a few requests spend them: 300 points per customer, 600 per client, 200 per operation. */
const budgetEnv = {
  COST_BUDGET_PER_CUSTOMER: '300',
  COST_BUDGET_PER_CLIENT: '600',
  COST_BUDGET_WINDOW_SECONDS: '60',
  MAX_OPERATION_COST: '200',
  // Anonymous customers are told apart by address: each test takes its own from X-Forwarded-For.
  TRUST_PROXY: 'true',
};

/** A page of payments whose size, and so its cost, comes from a variable. Anonymous callers get UNAUTHENTICATED, but it ran. */
const PAGE = `query Page($first: Int) { me { payments(first: $first) { edges { node { id } } } } }`;
const INFO = `{ rateLimitInfo { cost maxOperationCost customer { limit used remaining resetAt } client { limit used remaining resetAt } } }`;

interface Budget {
  limit: number;
  used: number;
  remaining: number;
  resetAt: string;
}
interface Cost {
  requested: number;
  charged: number;
  maxOperationCost: number;
  customer: Budget;
  /** Only for a client proven by a delegated token. */
  client: Budget | null;
}

const costOf = (response: GraphQLResponse): Cost => {
  expect(response.extensions?.cost, JSON.stringify(response)).toBeDefined();
  return response.extensions!.cost as Cost;
};

let addresses = 0;
/** A caller of its own: an address no other test uses, and the client it names. */
const caller = (client: string, extra: RequestOptions = {}): RequestOptions => ({
  ...extra,
  headers: { 'x-forwarded-for': `203.0.113.${++addresses}`, 'apollographql-client-name': client, ...extra.headers },
});
const uniqueClient = (name: string) => `${name}-${randomUUID().slice(0, 8)}`;

/**
 * A customer's token of their own (a new user each time unless given): with `clientId`, a delegated
 * token of that app, the only way a client is proven and has a budget. A `kabinet-web` one may send
 * text, as first-party apps may; a partner's (`demo-bank`) only its manifest's ids.
 */
const customerToken = (stack: TestStack, clientId?: string, userId: string = randomUUID()) =>
  signAccessToken(stack.stack.tokenKeys, { userId, role: 'CUSTOMER', sessionId: randomUUID(), clientId, scopes: clientId ? ['accounts:read'] : undefined });

/** A gateway's /metrics, as Prometheus reads it; by default the test stack's. */
const gatewayMetrics = async (at: TestStack | RunningGateway) =>
  (await fetch(`${'stack' in at ? at.stack.gateway.url.replace('localhost', '127.0.0.1') : `http://127.0.0.1:${at.port}`}/metrics`)).text();
/** One series' value in that text (0 while it has none). */
const valueIn = (text: string, series: string) => Number(text.split('\n').find((line) => line.startsWith(`${series} `))?.split(' ')[1] ?? 0);

const rateLimitHeaders = (response: GraphQLResponse) => Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('x-ratelimit-')));

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, text: () => lines.join('\n'), entries: () => lines.map((line) => JSON.parse(line) as Record<string, any>) };
}

/** Waits for what is recorded once an answer has gone out (the log line, the metrics). */
async function eventually<T>(read: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const value = await read();
    if (value !== undefined) return value;
    await sleep(50);
  }
  throw new Error('not recorded in time');
}

describe('query cost and budgets at the gateway', () => {
  let t: TestStack;
  const logs = captureLogs();
  beforeAll(async () => {
    t = await startTestStack({ env: budgetEnv, logs: logs.stream });
  });
  afterAll(() => t?.stop());

  const page = (first: number, options: RequestOptions) => t.gql(PAGE, { ...options, variables: { first } });

  it('tells every answer\'s cost and the customer\'s budget in extensions.cost and X-RateLimit-* headers; no client budget without a token', async () => {
    const options = caller(uniqueClient('every-answer'));
    const sent = Date.now();
    const ok = await t.gql(INFO, options);
    expectNoGraphQLErrors(ok);
    const cost = costOf(ok);
    expect(cost.requested).toBeGreaterThan(0);
    expect(cost).toMatchObject({ charged: cost.requested, maxOperationCost: 200 });
    expect(cost.customer).toMatchObject({ limit: 300, used: cost.requested, remaining: 300 - cost.requested });
    // A client named by a header is only a claim: it has no budget.
    expect(cost.client).toBeNull();
    const resetIn = Date.parse(cost.customer.resetAt) - Date.now();
    expect(resetIn).toBeGreaterThan(60_000 - (Date.now() - sent) - 1_000);
    expect(resetIn).toBeLessThanOrEqual(60_000);
    // The headers tell the tighter budget, the customer's here (the only one).
    expect(rateLimitHeaders(ok)).toEqual({
      'x-ratelimit-limit': '300',
      'x-ratelimit-remaining': String(300 - cost.requested),
      'x-ratelimit-used': String(cost.requested),
      'x-ratelimit-reset': String(Math.ceil(Date.parse(cost.customer.resetAt) / 1000)),
      'x-ratelimit-resource': 'customer',
    });

    // Refused before running (syntax, validation, too expensive): told, not charged.
    const spent = cost.customer.used;
    for (const [response, code] of [
      [await t.gql('{ rateLimitInfo {', options), 'GRAPHQL_PARSE_FAILED'],
      [await t.gql('{ noSuchField }', options), 'GRAPHQL_VALIDATION_FAILED'],
      [await page(100, options), 'GRAPHQL_VALIDATION_FAILED'],
      [await t.gql(PAGE, { ...options, variables: { first: 'many' } }), 'BAD_USER_INPUT'],
    ] as const) {
      expectErrorCode(response, code);
      expect(response.status).toBe(400);
      expect(costOf(response)).toMatchObject({ charged: 0, customer: { used: spent, remaining: 300 - spent } });
      expect(response.headers.get('x-ratelimit-remaining')).toBe(String(300 - spent));
    }
    // An operation that ran and failed was charged.
    const failed = await page(5, options);
    expectErrorCode(failed, 'UNAUTHENTICATED');
    expect(costOf(failed).charged).toBe(costOf(failed).requested);
    expect(costOf(failed).customer.used).toBe(spent + costOf(failed).requested);
  });

  it('refuses one operation over the per-operation maximum before it runs, and says both numbers', async () => {
    const response = await page(100, caller(uniqueClient('too-expensive')));
    const error = expectErrorCode(response, 'GRAPHQL_VALIDATION_FAILED');
    const { requested, charged } = costOf(response);
    expect(requested).toBeGreaterThan(200);
    expect(charged).toBe(0);
    expect(error.message).toContain(String(requested));
    expect(error.message).toContain('200');
    expect(error.extensions).toMatchObject({ cost: requested, maxOperationCost: 200 });
    expect(response.data ?? null).toBeNull();
  });

  it('takes each operation\'s cost from the budget, `first` from a variable included', async () => {
    const options = caller(uniqueClient('decreasing'));
    const small = costOf(await page(10, options));
    const large = costOf(await page(40, options));
    expect(large.requested).toBeGreaterThan(small.requested);
    expect(large.customer.used).toBe(small.requested + large.requested);
    expect(large.customer.remaining).toBe(small.customer.remaining - large.requested);
  });

  it('answers rateLimitInfo with the numbers extensions.cost tells, for anyone', async () => {
    const token = await loginAs(t, demoUsers.demo);
    // A partner sends only its manifest's ids: Demo Bank asks by the id of its RateLimit operation.
    const delegated = await signAccessToken(t.stack.tokenKeys, {
      userId: demoUsers.demo.id,
      role: 'CUSTOMER',
      sessionId: randomUUID(),
      clientId: 'demo-bank',
      scopes: ['accounts:read'],
    });
    const partnerInfo = () => persistedRequest(t.url, { id: manifestOperation('demo-bank', 'RateLimit').id, token: delegated });
    const callers = [caller(uniqueClient('info')), caller(uniqueClient('info'), { token })].map((options) => async () => {
      await page(3, options);
      return t.gql(INFO, options);
    });
    callers.push(async () => {
      await partnerInfo();
      return partnerInfo();
    });
    const clients: unknown[] = [];
    for (const ask of callers) {
      const response = await ask();
      clients.push(costOf(response).client);
      const { rateLimitInfo } = expectNoGraphQLErrors(response);
      const cost = costOf(response);
      expect(rateLimitInfo.cost).toBe(cost.requested);
      expect(rateLimitInfo.maxOperationCost).toBe(200);
      for (const budget of ['customer', 'client'] as const) {
        const told = cost[budget];
        if (!told) {
          expect(rateLimitInfo[budget]).toBeNull();
          continue;
        }
        const { resetAt, ...numbers } = rateLimitInfo[budget];
        expect(numbers).toEqual({ limit: told.limit, used: told.used, remaining: told.remaining });
        expect(Date.parse(resetAt)).toBe(Date.parse(told.resetAt));
      }
      // This query's own cost is in: the request before it and itself.
      expect(rateLimitInfo.customer.used).toBeGreaterThan(rateLimitInfo.cost);
    }
    // Only the partner's token proves a client: the other two have no client budget.
    expect(clients).toEqual([null, null, expect.objectContaining({ limit: 600 })]);
  });

  it('refuses an operation over budget with 429 RATE_LIMITED and retryAfter, and runs none of it', async () => {
    const token = await loginAs(t, demoUsers.second);
    const options = caller(uniqueClient('over-budget'), { token });
    // Spend the customer's budget down to a few points, fewer than the mutation costs.
    let remaining = 300;
    for (let round = 0; round < 10 && remaining > 11; round++) {
      const cost = costOf(await page(Math.min(99, Math.floor((remaining - 7) / 2)), options));
      expect(cost.customer.remaining).toBe(remaining - cost.charged);
      remaining = cost.customer.remaining;
    }
    expect(remaining).toBeLessThanOrEqual(11);

    const refused = await t.gql(`mutation { updateProfile(input: { displayName: "Spent Budget" }) { user { displayName } } }`, options);
    expect(refused.status).toBe(429);
    const error = expectErrorCode(refused, 'RATE_LIMITED');
    expect(error.extensions).toMatchObject({ budget: 'customer' });
    expect(error.extensions!.retryAfter).toBeGreaterThanOrEqual(1);
    expect(error.extensions!.retryAfter).toBeLessThanOrEqual(60);
    expect(error.extensions!.retryAfterSeconds).toBe(error.extensions!.retryAfter);
    expect(refused.headers.get('retry-after')).toBe(String(error.extensions!.retryAfter));
    expect(refused.data ?? null).toBeNull();
    const cost = costOf(refused);
    expect(cost.requested).toBeGreaterThan(remaining);
    expect(cost).toMatchObject({ charged: 0, customer: { remaining } });

    // The refusal took nothing: a query that fits still runs, and shows the name never changed.
    const { me } = expectNoGraphQLErrors(await t.gql('{ me { displayName } }', options));
    expect(me.displayName).toBe(demoUsers.second.displayName);
  });

  it('gives the users of our web app, and anyone claiming its name, no shared budget to exhaust', async () => {
    // Under a budget shared by name, these three would spend the whole of `kabinet-web`'s 600 points.
    for (let spender = 0; spender < 3; spender++) expect(costOf(await page(99, caller('kabinet-web'))).charged).toBe(200);
    const users = [await loginAs(t, demoUsers.demo), await customerToken(t)];
    for (const token of users) {
      const response = await t.gql(INFO, caller('kabinet-web', { token }));
      expectNoGraphQLErrors(response);
      expect(costOf(response).client).toBeNull();
      expect(response.headers.get('x-ratelimit-resource')).toBe('customer');
    }
    const anonymous = await page(10, { headers: { 'x-forwarded-for': `203.0.113.${++addresses}` } });
    expect(anonymous.status).toBe(200);
    expect(costOf(anonymous).client).toBeNull();
  });

  it('counts two customers of one token-proven client against the client\'s budget, each against their own', async () => {
    // The only test here spending `kabinet-web` tokens' budget: it starts whole.
    const spenders = await Promise.all([1, 2, 3].map(() => customerToken(t, 'kabinet-web')));
    for (const token of spenders) expect(costOf(await page(99, caller('impostor', { token }))).charged).toBe(200);
    const refused = await page(10, caller('impostor', { token: await customerToken(t, 'kabinet-web') }));
    expect(refused.status).toBe(429);
    expect(expectErrorCode(refused, 'RATE_LIMITED').extensions).toMatchObject({ budget: 'client' });
    const cost = costOf(refused);
    expect(cost.client).toMatchObject({ used: 600, remaining: 0 });
    expect(cost.customer).toMatchObject({ used: 0, remaining: 300 });
    expect(rateLimitHeaders(refused)).toMatchObject({ 'x-ratelimit-resource': 'client', 'x-ratelimit-remaining': '0' });
  });

  it('counts one customer through two apps against the customer\'s budget', async () => {
    const userId = randomUUID();
    const [session, bank] = [await customerToken(t, undefined, userId), await customerToken(t, 'demo-bank', userId)];
    const rateLimit = { id: manifestOperation('demo-bank', 'RateLimit').id, token: bank };
    const probe = costOf(await persistedRequest(t.url, rateLimit));
    // Spent through the web session until less than Demo Bank's query costs is left.
    let remaining = probe.customer.remaining;
    while (remaining >= probe.requested) {
      const room = remaining - probe.requested + 1;
      const response = room >= 4 ? await page(Math.min(99, Math.floor((room - 2) / 2)), { token: session }) : await t.gql('{ __typename }', { token: session });
      const cost = costOf(response);
      expect(cost.customer.remaining).toBe(remaining - cost.charged);
      remaining = cost.customer.remaining;
    }
    const refused = await persistedRequest(t.url, rateLimit);
    expect(refused.status).toBe(429);
    expect(expectErrorCode(refused, 'RATE_LIMITED').extensions).toMatchObject({ budget: 'customer' });
    expect(costOf(refused).customer).toMatchObject({ used: 300 - remaining, remaining });
    expect(costOf(refused).client).toMatchObject({ limit: 600 });
  });

  it('charges a delegated token\'s client, whatever name a header gives, and no header can spend it', async () => {
    // Demo Bank's own token, with a header claiming another name; then its name in a header alone.
    const token = await customerToken(t, 'demo-bank', demoUsers.demo.id);
    const id = manifestOperation('demo-bank', 'RateLimit').id;
    const first = costOf(await persistedRequest(t.url, { id, token, clientName: 'impostor' }));
    expect(first.client!.used).toBeGreaterThanOrEqual(first.requested);
    const claimed = costOf(await persistedRequest(t.url, { id, clientName: 'demo-bank' }));
    expect(claimed.client).toBeNull();
    const again = costOf(await persistedRequest(t.url, { id, token, clientName: 'demo-bank' }));
    expect(again.client!.used).toBe(first.client!.used + again.requested);
  });

  it('counts requests, cost and refusals per registered client in /metrics; any other name is "other"', async () => {
    const metricsText = () => gatewayMetrics(t);
    const series = {
      ok: 'kabinet_gateway_graphql_requests_total{client="kabinet-web",operation_type="query",outcome="ok"}',
      unauthenticated: 'kabinet_gateway_graphql_requests_total{client="kabinet-web",operation_type="query",outcome="UNAUTHENTICATED"}',
      count: 'kabinet_gateway_graphql_request_duration_seconds_count{client="kabinet-web",operation_type="query"}',
      cost: 'kabinet_gateway_graphql_cost_points_total{client="kabinet-web"}',
      other: 'kabinet_gateway_graphql_requests_total{client="other",operation_type="query",outcome="ok"}',
    };
    const before = await metricsText();
    const options = caller('kabinet-web');
    const charged = costOf(await t.gql(INFO, options)).charged + costOf(await t.gql(INFO, options)).charged;
    const pageCost = costOf(await page(5, options)).charged;
    const junk = uniqueClient('metrics');
    expectNoGraphQLErrors(await t.gql(INFO, caller(junk)));
    const after = await eventually(async () => {
      const text = await metricsText();
      return valueIn(text, series.count) === valueIn(before, series.count) + 3 && valueIn(text, series.other) > valueIn(before, series.other) ? text : undefined;
    });
    const grown = (name: keyof typeof series) => valueIn(after, series[name]) - valueIn(before, series[name]);
    expect(grown('ok')).toBe(2);
    expect(grown('unauthenticated')).toBe(1);
    expect(grown('cost')).toBe(charged + pageCost);
    expect(grown('other')).toBe(1);
    expect(after).not.toContain(junk);
    // The refusal of `kabinet-web` tokens' client budget above, and the process' own metrics.
    expect(after).toContain('kabinet_gateway_graphql_rate_limited_total{client="kabinet-web",budget="client"} 1');
    expect(after).toContain('process_cpu_user_seconds_total');
  });

  it('logs each request once: client, operation name and id, cost, duration and status, never variables or tokens', async () => {
    const token = await loginAs(t, demoUsers.demo);
    const client = uniqueClient('logged');
    const query = `query LoggedPage($first: Int) { me { payments(first: $first) { edges { node { id } } } } }`;
    const ok = await t.gql(query, { ...caller(client, { token, headers: { 'apollographql-client-version': '1.2.3' } }), variables: { first: 3 } });
    expectNoGraphQLErrors(ok);
    const secret = 'password-never-logged-1';
    const login = 'mutation LoggedLogin($input: LoginInput!) { login(input: $input) { accessToken } }';
    const failed = await t.gql(login, { ...caller(client), variables: { input: { email: demoUsers.demo.email, password: secret } } });
    expectErrorCode(failed, 'INVALID_CREDENTIALS');
    const lines = await eventually(() => {
      const found = logs.entries().filter((entry) => entry.msg === 'graphql request' && entry.client?.name === client);
      return found.length === 2 ? found : undefined;
    });
    expect(lines[0]).toMatchObject({
      client: { name: client, version: '1.2.3' },
      operation: { name: 'LoggedPage', id: createHash('sha256').update(query).digest('hex'), type: 'query' },
      cost: { requested: costOf(ok).requested, charged: costOf(ok).requested },
      status: 200,
    });
    expect(lines[0]!.durationMs).toBeGreaterThan(0);
    expect(lines[0]!.errors).toBeUndefined();
    expect(lines[1]).toMatchObject({
      operation: { name: 'LoggedLogin', id: createHash('sha256').update(login).digest('hex'), type: 'mutation' },
      cost: { charged: costOf(failed).charged },
      errors: ['INVALID_CREDENTIALS'],
    });
    expect(logs.text()).not.toContain(secret);
    expect(logs.text()).not.toContain(token);
  });
});

const { url: isolatedUrl, prefix: runPrefix, serverUrl: redisUrl } = isolatedRedis();

describe('budgets in Redis (REDIS_URL set), shared by two gateways', () => {
  let t: TestStack;
  let second: RunningGateway;
  let redis: Redis;
  const stops: (() => Promise<void> | void)[] = [];

  /** Another gateway in front of the same subgraphs, as a replica would be. */
  async function replica(budgetsAt: string): Promise<RunningGateway> {
    const identityUrl = `${t.stack.subgraphs.identity.url}/graphql`;
    const logger = createLogger('silent');
    const sessions = openSessionRevocations(t.config, logger, httpRevocationsSource(identityUrl, t.stack.gatewaySecret));
    sessions.start();
    stops.push(() => sessions.stop());
    const gateway = await startGateway({
      supergraphSdl: readSupergraphSdl(),
      subgraphUrls: {
        identity: identityUrl,
        electricity: `${t.stack.subgraphs.electricity.url}/graphql`,
        heat: `${t.stack.subgraphs.heat.url}/graphql`,
        payments: `${t.stack.subgraphs.payments.url}/graphql`,
      },
      tokenKeys: t.stack.tokenKeys,
      sessions,
      gatewaySecret: t.stack.gatewaySecret,
      logger,
      production: false,
      trustProxy: true,
      subgraphTimeoutMs: 5_000,
      registryUploadTimeoutMs: t.config.gateway.registryUploadTimeoutMs,
      costs: t.config.gateway.costs,
      redisUrl: budgetsAt,
      metricsToken: undefined,
      port: 0,
      host: '127.0.0.1',
    });
    stops.unshift(() => gateway.stop());
    return gateway;
  }

  beforeAll(async () => {
    redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await redis.connect();
    t = await startTestStack({ seedDemo: false, env: { ...budgetEnv, REDIS_URL: isolatedUrl } });
    second = await replica(isolatedUrl);
    // Its first request waits (briefly) for its Redis connection: made here, on a budget of its own.
    costOf(await graphqlRequest(`http://127.0.0.1:${second.port}/graphql`, '{ __typename }', caller(uniqueClient('warm-up'))));
  });
  afterAll(async () => {
    for (const stop of stops) await stop();
    await t?.stop();
    if (redis?.status !== 'ready') return;
    const keys = await redis.keys(`${runPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('spends one budget through either gateway, kept in Redis for the window', async () => {
    const userId = randomUUID();
    const options = caller('kabinet-web', { token: await customerToken(t, 'kabinet-web', userId) });
    const started = Date.now();
    const viaFirst = costOf(await t.gql(PAGE, { ...options, variables: { first: 40 } }));
    const viaSecond = costOf(await graphqlRequest(`http://127.0.0.1:${second.port}/graphql`, PAGE, { ...options, variables: { first: 40 } }));
    expect(viaSecond.charged).toBe(viaSecond.requested);
    expect(viaSecond.customer.used).toBe(viaFirst.requested + viaSecond.requested);
    expect(viaSecond.client!.used).toBe(viaFirst.requested + viaSecond.requested);

    expect(await redis.get(`${runPrefix}kabinet:cost:customer:user:${userId}`)).toBe(String(viaSecond.customer.used));
    expect(await redis.get(`${runPrefix}kabinet:cost:client:token:kabinet-web`)).toBe(String(viaSecond.client!.used));
    // A client named by a header alone (the warm-up's) has no budget kept anywhere.
    expect(await redis.keys(`${runPrefix}kabinet:cost:client:named:*`)).toEqual([]);
    const ttl = await redis.ttl(`${runPrefix}kabinet:cost:customer:user:${userId}`);
    expect(ttl).toBeGreaterThanOrEqual(60 - Math.ceil((Date.now() - started) / 1000) - 1);
    expect(ttl).toBeLessThanOrEqual(60);

    // The first gateway refuses what the two spent together.
    const refused = await t.gql(PAGE, { ...options, variables: { first: 99 } });
    expect(refused.status).toBe(429);
    expect(expectErrorCode(refused, 'RATE_LIMITED').extensions).toMatchObject({ budget: 'customer' });
  });

  it('answers a query that ran ahead of its charge with the refusal when another replica spent the budget meanwhile', async () => {
    const options = caller('kabinet-web', { token: await customerToken(t) });
    const viaSecond = (first: number) => graphqlRequest(`http://127.0.0.1:${second.port}/graphql`, PAGE, { ...options, variables: { first } });
    const refusedAhead = 'kabinet_gateway_graphql_charged_ahead_total{charge="refused"}';
    const countedRefusals = async () => valueIn(await gatewayMetrics(t), refusedAhead);
    const refusedBefore = await countedRefusals();

    // The first gateway hears of a budget with room for running a page of 20 ahead (the dearest
    // operation, 200, left after it)...
    const heard = costOf(await t.gql(PAGE, { ...options, variables: { first: 1 } }));
    const twenty = costOf(await viaSecond(20)).requested;
    expect(heard.customer.remaining - twenty).toBeGreaterThanOrEqual(200);
    // ...which the second replica then spends below that page's price.
    let left = heard.customer.remaining - twenty;
    while (left >= twenty) left = costOf(await viaSecond(Math.min(40, left - twenty + 1))).customer.remaining;

    const refused = await t.gql(PAGE, { ...options, variables: { first: 20 } });
    expect(refused.status).toBe(429);
    const error = expectErrorCode(refused, 'RATE_LIMITED');
    expect(error.extensions).toMatchObject({ budget: 'customer' });
    expect(refused.headers.get('retry-after')).toBe(String(error.extensions!.retryAfter));
    expect(refused.data ?? null).toBeNull();
    expect(costOf(refused)).toMatchObject({ requested: twenty, charged: 0, customer: { remaining: left } });
    // It did run ahead, and is counted so (once its answer has gone out).
    const counted = () => countedRefusals().then((count) => (count > refusedBefore ? count : undefined));
    expect(await eventually(counted)).toBe(refusedBefore + 1);
    // Now the gateway knows: the next one is charged first, and refused before it runs.
    expect((await t.gql(PAGE, { ...options, variables: { first: 20 } })).status).toBe(429);
    await sleep(100);
    expect(await countedRefusals()).toBe(refusedBefore + 1);
  });

  it('answers a query that ran ahead of its charge with 503 when Redis went away before the charge', async () => {
    const proxy = await startFaultProxy();
    stops.push(() => proxy.stop());
    proxy.targetPort = Number(new URL(redisUrl).port || 6379);
    const throughProxy = new URL(isolatedUrl);
    throughProxy.host = new URL(proxy.url).host;
    const cut = await replica(throughProxy.toString());
    const options = caller(uniqueClient('redis-gone'), { token: await customerToken(t) });
    const send = () => graphqlRequest(`http://127.0.0.1:${cut.port}/graphql`, PAGE, { ...options, variables: { first: 1 } });
    // Heard of, with all the room there is: the next one runs ahead.
    expect(costOf(await send()).charged).toBeGreaterThan(0);
    await proxy.set('down');

    const response = await send();
    expect(response.status).toBe(503);
    expect(expectErrorCode(response, 'SERVICE_UNAVAILABLE').extensions).toMatchObject({ reason: 'BUDGETS_UNAVAILABLE' });
    expect(response.data ?? null).toBeNull();
    const counted = async () => valueIn(await gatewayMetrics(cut), 'kabinet_gateway_graphql_charged_ahead_total{charge="unavailable"}') || undefined;
    expect(await eventually(counted)).toBe(1);
  });

  it('runs nothing uncharged while Redis is unreachable: 503 SERVICE_UNAVAILABLE, not an internal error', async () => {
    const cut = await replica('redis://127.0.0.1:1');
    const response = await graphqlRequest(`http://127.0.0.1:${cut.port}/graphql`, INFO, caller(uniqueClient('cut-off')));
    expect(response.status).toBe(503);
    expect(expectErrorCode(response, 'SERVICE_UNAVAILABLE').extensions).toMatchObject({ reason: 'BUDGETS_UNAVAILABLE' });
    expect(response.data ?? null).toBeNull();
  });
});
