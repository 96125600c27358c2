import { DomainError, type Translations } from '@kabinet/errors';
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export * from './cost-report';

/** `points` attempts per `duration` seconds, counted per key (an email, an IP, an account…). */
export interface RateLimitPolicy {
  points: number;
  duration: number;
}

/** Where one key's budget stands in its current window. */
export interface PointsState {
  /** Points per window (the policy's `points`). */
  limit: number;
  /** Points spent in this window. */
  used: number;
  remaining: number;
  /** Until the window ends and the budget is whole again; a key not used yet has a whole window ahead. */
  resetInMs: number;
}

export interface Spending {
  /** Whether the points were taken; a refused spend takes none. */
  granted: boolean;
  /** The budget after the spend (or after the refusal). */
  state: PointsState;
}

export interface RateLimits<Policy extends string> {
  /** Counts one attempt against `key`; refuses with RATE_LIMITED (and `retryAfterSeconds`) once the policy is exhausted. */
  consume(policy: Policy, key: string): Promise<void>;
  /** Takes `points` from `key`'s budget when they all fit; otherwise takes none and tells when the budget is whole again. */
  spend(policy: Policy, key: string, points: number): Promise<Spending>;
  /** Gives back points a spend took (another budget refused the same request). */
  refund(policy: Policy, key: string, points: number): Promise<void>;
  /** `key`'s budget as it stands, taking nothing. */
  peek(policy: Policy, key: string): Promise<PointsState>;
  /** Closes the Redis connection, if any. Never rejects, so callers may leave it unawaited. */
  close(): Promise<void>;
}

export interface RateLimitsOptions {
  /**
   * Redis keys are `<keyPrefix>:<policy>:<key>`. Every replica must use the same prefix to share
   * counters; tests pass their own to keep their keys apart.
   */
  keyPrefix?: string;
  /** How long the first attempts after start wait for the first Redis connection. */
  connectWaitMs?: number;
  /** Told each Redis connection error (ioredis prints them to the console when no one listens). */
  onRedisError?: (error: Error) => void;
}

export const defaultKeyPrefix = 'kabinet:rl';

const tooManyAttempts = (seconds: number): Translations => ({
  en: `Too many attempts. Try again in ${seconds} s.`,
  uk: `Забагато спроб. Спробуйте знову за ${seconds} с.`,
  ru: `Слишком много попыток. Попробуйте снова через ${seconds} с.`,
});

/**
 * One limiter per policy: in memory without `redisUrl` (a single process), in Redis with it,
 * so that every replica counts against the same numbers.
 */
export function createRateLimits<Policy extends string>(
  redisUrl: string | undefined,
  policies: Record<Policy, RateLimitPolicy>,
  options: RateLimitsOptions = {},
): RateLimits<Policy> {
  const keyPrefix = options.keyPrefix ?? defaultKeyPrefix;
  const inRedis = redisUrl ? connectLimiters(redisUrl, policies, keyPrefix, options) : null;
  const inMemory = inRedis
    ? null
    : new Map<string, RateLimiterAbstract>(
        (Object.entries(policies) as [Policy, RateLimitPolicy][]).map(([name, { points, duration }]) => [name, new RateLimiterMemory({ keyPrefix: name, points, duration })]),
      );

  const limiterOf = async (policy: Policy) => {
    const limiter = (inMemory ?? (await inRedis!).limiters).get(policy);
    if (!limiter) throw new Error(`unknown rate-limit policy ${policy}`);
    return limiter;
  };
  const stateOf = (policy: Policy, res: RateLimiterRes | null, givenBack = 0): PointsState => {
    const { points, duration } = policies[policy];
    const used = Math.max((res?.consumedPoints ?? 0) - givenBack, 0);
    return { limit: points, used, remaining: Math.max(points - used, 0), resetInMs: res ? Math.max(res.msBeforeNext, 0) : duration * 1000 };
  };

  return {
    consume: async (policy, key) => {
      const limiter = await limiterOf(policy);
      try {
        await limiter.consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.ceil(rejection.msBeforeNext / 1000);
        throw new DomainError('RATE_LIMITED', tooManyAttempts(retryAfterSeconds), { retryAfterSeconds });
      }
    },
    spend: async (policy, key, points) => {
      const limiter = await limiterOf(policy);
      if (points <= 0) return { granted: true, state: stateOf(policy, await limiter.get(key)) };
      try {
        return { granted: true, state: stateOf(policy, await limiter.consume(key, points)) };
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        // The limiter counted the refused points: they are given back, so a refusal costs nothing.
        await limiter.reward(key, points);
        return { granted: false, state: stateOf(policy, rejection, points) };
      }
    },
    refund: async (policy, key, points) => {
      if (points > 0) await (await limiterOf(policy)).reward(key, points);
    },
    peek: async (policy, key) => stateOf(policy, await (await limiterOf(policy)).get(key)),
    close: async () => {
      const redis = inRedis && (await inRedis.catch(() => null))?.redis;
      if (!redis) return;
      // QUIT lets replies in flight arrive; without a connection there is nothing to wait for.
      if (redis.status === 'ready') await redis.quit().catch(() => redis.disconnect());
      else redis.disconnect();
    },
  };
}

/**
 * The policies' limiters in Redis. ioredis is imported only when Redis is configured: a tenth of
 * a second of every start otherwise. No offline queue: while Redis is unreachable an attempt fails
 * at once (and is masked as an internal error) instead of waiting, uncounted, for a reconnection.
 * Without one, an attempt right after start would also fail while the first connection is being
 * made: that one is worth waiting for, briefly.
 */
async function connectLimiters(
  redisUrl: string,
  policies: Record<string, RateLimitPolicy>,
  keyPrefix: string,
  options: RateLimitsOptions,
): Promise<{ redis: Redis; limiters: Map<string, RateLimiterAbstract> }> {
  const { Redis } = await import('ioredis');
  // Auto-pipelining: the commands of the requests that arrive together go to Redis in one write
  // (a write of its own each was 9% of the gateway's CPU in a profile under load).
  const redis = new Redis(redisUrl, { enableOfflineQueue: false, lazyConnect: false, enableAutoPipelining: true });
  if (options.onRedisError) redis.on('error', options.onRedisError);
  const limiters = new Map<string, RateLimiterAbstract>(
    Object.entries(policies).map(([name, { points, duration }]) => [name, new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:${name}`, points, duration })]),
  );
  await waitForReady(redis, options.connectWaitMs ?? 2_000);
  return { redis, limiters };
}

/** Resolves once `redis` is ready or after `ms`, whichever comes first; never rejects. */
function waitForReady(redis: Redis, ms: number): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      redis.off('end', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    redis.once('ready', done);
    redis.once('end', done);
  });
}
