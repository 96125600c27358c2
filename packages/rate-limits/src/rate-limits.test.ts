import { randomUUID } from 'node:crypto';
import { DomainError } from '@kabinet/errors';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimits, decodeCostReport, encodeCostReport, type CostReport, type RateLimits } from './index';

// Redis runs on developer machines and in CI: a missing Redis is a failure, not a skip.
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const policies = {
  perIp: { points: 3, duration: 60 },
  perAccount: { points: 2, duration: 600 },
};
type Policy = keyof typeof policies;

/** The DomainError a refused attempt throws. */
async function refusal(attempt: Promise<void>): Promise<DomainError> {
  const error = await attempt.then(
    () => null,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

async function consumeTimes(limits: RateLimits<Policy>, policy: Policy, key: string, times: number) {
  for (let i = 0; i < times; i += 1) await limits.consume(policy, key);
}

describe('rate limits in memory (no REDIS_URL)', () => {
  it('allows the policy\'s points, then refuses with RATE_LIMITED and retryAfterSeconds', async () => {
    const limits = createRateLimits(undefined, policies);
    await consumeTimes(limits, 'perIp', '10.0.0.1', 3);
    const error = await refusal(limits.consume('perIp', '10.0.0.1'));
    expect(error.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 60 });
    expect(error.message).toContain('60 s');
    await limits.close();
  });

  it('counts each policy and each key apart', async () => {
    const limits = createRateLimits(undefined, policies);
    await consumeTimes(limits, 'perAccount', 'A1', 2);
    await expect(limits.consume('perAccount', 'A1')).rejects.toBeInstanceOf(DomainError);
    await limits.consume('perAccount', 'A2');
    await limits.consume('perIp', 'A1');
  });

  it('keeps counts per instance: two processes without Redis do not share them', async () => {
    const [one, two] = [createRateLimits(undefined, policies), createRateLimits(undefined, policies)];
    await consumeTimes(one, 'perAccount', 'A1', 2);
    await two.consume('perAccount', 'A1');
  });
});

describe('points budgets in memory', () => {
  const budgets = { perCustomer: { points: 100, duration: 60 } };

  it('takes points while they fit, tells what is left, and refuses a spend that does not fit without taking it', async () => {
    const limits = createRateLimits(undefined, budgets);
    expect(await limits.peek('perCustomer', 'U1')).toEqual({ limit: 100, used: 0, remaining: 100, resetInMs: 60_000 });
    const first = await limits.spend('perCustomer', 'U1', 30);
    expect(first.granted).toBe(true);
    expect(first.state).toMatchObject({ limit: 100, used: 30, remaining: 70 });
    expect(first.state.resetInMs).toBeGreaterThan(59_000);
    expect((await limits.spend('perCustomer', 'U1', 60)).state).toMatchObject({ used: 90, remaining: 10 });

    const refused = await limits.spend('perCustomer', 'U1', 11);
    expect(refused.granted).toBe(false);
    expect(refused.state).toMatchObject({ used: 90, remaining: 10 });
    expect(refused.state.resetInMs).toBeGreaterThan(0);
    // The refusal took nothing: the last 10 points still fit.
    expect((await limits.spend('perCustomer', 'U1', 10)).state).toMatchObject({ used: 100, remaining: 0 });
    expect(await limits.peek('perCustomer', 'U2')).toMatchObject({ used: 0, remaining: 100 });
  });

  it('gives back refunded points', async () => {
    const limits = createRateLimits(undefined, budgets);
    await limits.spend('perCustomer', 'U1', 40);
    await limits.refund('perCustomer', 'U1', 40);
    expect(await limits.peek('perCustomer', 'U1')).toMatchObject({ used: 0, remaining: 100 });
  });
});

describe('the cost report the gateway sends to subgraphs', () => {
  const budget = { limit: 100, used: 12, remaining: 88, resetAt: '2026-11-30T10:00:00.000Z' };
  const report: CostReport = { requested: 12, charged: 12, maxOperationCost: 50, customer: budget, client: { ...budget, limit: 1000, remaining: 988 } };

  it('reads back what was written', () => {
    expect(decodeCostReport(encodeCostReport(report))).toEqual(report);
  });

  it('reads back a report without a client budget (no token-proven client)', () => {
    const customerOnly: CostReport = { ...report, client: null };
    expect(decodeCostReport(encodeCostReport(customerOnly))).toEqual(customerOnly);
  });

  it('is null when absent or not a report', () => {
    expect(decodeCostReport(undefined)).toBeNull();
    expect(decodeCostReport('not base64 json')).toBeNull();
    expect(decodeCostReport(Buffer.from(JSON.stringify({ ...report, customer: { limit: '100' } })).toString('base64url'))).toBeNull();
    expect(decodeCostReport(Buffer.from(JSON.stringify({ ...report, client: undefined })).toString('base64url'))).toBeNull();
  });
});

describe('rate limits in Redis', () => {
  // A fresh prefix per run: parallel runs (and CI jobs sharing one Redis) never see each other's keys.
  const keyPrefix = `kabinet-test:${randomUUID()}:rl`;
  let inspect: Redis;
  const opened: { close(): Promise<void> }[] = [];
  const open = () => {
    const limits = createRateLimits(redisUrl, policies, { keyPrefix });
    opened.push(limits);
    return limits;
  };

  beforeAll(async () => {
    inspect = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    let cause: unknown;
    inspect.on('error', (error) => (cause = error));
    await inspect.connect().catch((error: unknown) => {
      throw new Error(`These tests need Redis at ${redisUrl} (set REDIS_URL for another): ${String(cause ?? error)}`);
    });
  });

  afterAll(async () => {
    await Promise.all(opened.map((limits) => limits.close()));
    if (inspect?.status !== 'ready') return;
    const keys = await inspect.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await inspect.del(...keys);
    await inspect.quit();
  });

  it('shares one counter between two instances (two replicas)', async () => {
    const [one, two] = [open(), open()];
    await one.consume('perIp', '192.0.2.7');
    await two.consume('perIp', '192.0.2.7');
    await one.consume('perIp', '192.0.2.7');
    for (const replica of [two, one]) {
      const error = await refusal(replica.consume('perIp', '192.0.2.7'));
      expect(error.extensions.code).toBe('RATE_LIMITED');
    }
    expect(await inspect.get(`${keyPrefix}:perIp:192.0.2.7`)).toBe('5');
  });

  it('refuses with retryAfterSeconds from the key\'s remaining time to live in Redis', async () => {
    const limits = open();
    await consumeTimes(limits, 'perAccount', 'A-100', 2);
    const error = await refusal(limits.consume('perAccount', 'A-100'));
    const ttl = await inspect.ttl(`${keyPrefix}:perAccount:A-100`);
    expect(ttl).toBeGreaterThan(590);
    expect(error.extensions.retryAfterSeconds).toBeGreaterThanOrEqual(ttl);
    expect(error.extensions.retryAfterSeconds).toBeLessThanOrEqual(600);
  });

  it('keeps prefixes apart: another prefix starts from zero', async () => {
    const other = createRateLimits(redisUrl, policies, { keyPrefix: `${keyPrefix}:other` });
    opened.push(other);
    await consumeTimes(open(), 'perAccount', 'A-200', 2);
    await consumeTimes(other, 'perAccount', 'A-200', 2);
    await expect(other.consume('perAccount', 'A-200')).rejects.toBeInstanceOf(DomainError);
  });

  it('keeps points budgets in Redis, shared by two instances, with the window\'s time to live', async () => {
    const budgets = { perClient: { points: 50, duration: 120 } };
    const [one, two] = [createRateLimits(redisUrl, budgets, { keyPrefix }), createRateLimits(redisUrl, budgets, { keyPrefix })];
    opened.push(one, two);
    expect((await one.spend('perClient', 'partner-app', 20)).state).toMatchObject({ used: 20, remaining: 30 });
    expect((await two.spend('perClient', 'partner-app', 25)).state).toMatchObject({ used: 45, remaining: 5 });
    const refused = await one.spend('perClient', 'partner-app', 6);
    expect(refused).toMatchObject({ granted: false, state: { used: 45, remaining: 5 } });
    expect(await inspect.get(`${keyPrefix}:perClient:partner-app`)).toBe('45');
    expect(await inspect.ttl(`${keyPrefix}:perClient:partner-app`)).toBeGreaterThan(110);
    expect((await two.peek('perClient', 'partner-app')).resetInMs).toBeGreaterThan(110_000);
  });

  it('counts the very first attempt after start (waits for the connection)', async () => {
    const limits = open();
    await limits.consume('perIp', '198.51.100.1');
    expect(await inspect.get(`${keyPrefix}:perIp:198.51.100.1`)).toBe('1');
  });
});
