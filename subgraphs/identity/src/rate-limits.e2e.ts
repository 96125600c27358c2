import { randomUUID } from 'node:crypto';
import { errorCodes, expectErrorCode, isolatedRedis, startTestStack, type TestStack } from '@kabinet/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRateLimits } from './rate-limits';

const { url: isolatedUrl, prefix: runPrefix, serverUrl: redisUrl } = isolatedRedis();

const LOGIN = `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`;

describe('identity login limits in Redis (REDIS_URL set)', () => {
  let t: TestStack;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    let cause: unknown;
    redis.on('error', (error) => (cause = error));
    await redis.connect().catch((error: unknown) => {
      throw new Error(`This test needs Redis at ${redisUrl} (set REDIS_URL for another): ${String(cause ?? error)}`);
    });
    t = await startTestStack({ seedDemo: false, env: { REDIS_URL: isolatedUrl } });
  });
  afterAll(async () => {
    await t?.stop();
    if (redis?.status !== 'ready') return;
    const keys = await redis.keys(`${runPrefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  const login = (email: string) => t.gql(LOGIN, { variables: { input: { email, password: 'wrong-pass-1' } } });

  it('refuses logins for one email with RATE_LIMITED after 10 attempts, counted in Redis', async () => {
    const email = `limited-${randomUUID()}@example.com`;
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      expect(errorCodes(await login(email))).toEqual(['INVALID_CREDENTIALS']);
    }
    const limited = expectErrorCode(await login(email), 'RATE_LIMITED');
    expect(limited.extensions?.retryAfterSeconds).toBeGreaterThan(14 * 60);
    expect(limited.extensions?.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);

    // The counter lives in Redis under identity's key layout, with this run's prefix.
    const key = `${runPrefix}kabinet:rl:loginByEmail:${email}`;
    expect(await redis.get(key)).toBe('11');
    expect(await redis.ttl(key)).toBeGreaterThan(14 * 60);
    const perIp = await redis.keys(`${runPrefix}kabinet:rl:loginByIp:*`);
    expect(perIp).toHaveLength(1);
    expect(Number(await redis.get(perIp[0]!))).toBeGreaterThanOrEqual(11);
  });

  it('refuses the same email through another replica sharing the Redis', async () => {
    const email = `replica-${randomUUID()}@example.com`;
    for (let attempt = 1; attempt <= 10; attempt += 1) await login(email);
    const replica = createRateLimits(isolatedUrl);
    try {
      await expect(replica.consume('loginByEmail', email)).rejects.toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
      // A fresh email is still let through by the replica.
      await replica.consume('loginByEmail', `fresh-${randomUUID()}@example.com`);
    } finally {
      await replica.close();
    }
  });
});
