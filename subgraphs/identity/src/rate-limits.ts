import { DomainError } from '@kabinet/errors';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface RateLimits {
  /** Counts one attempt against `key`; refuses with RATE_LIMITED once the policy is exhausted. */
  consume(policy: RatePolicy, key: string): Promise<void>;
  close(): void;
}

/** Attempts per window; each aliased field in a request is its own attempt. */
const policies = {
  loginByEmail: { points: 10, duration: 15 * 60 },
  loginByIp: { points: 50, duration: 15 * 60 },
  resetByEmail: { points: 3, duration: 60 * 60 },
  resetByIp: { points: 20, duration: 60 * 60 },
} as const;

export type RatePolicy = keyof typeof policies;

export function createRateLimits(redisUrl: string | undefined): RateLimits {
  const redis = redisUrl ? new Redis(redisUrl, { enableOfflineQueue: false, lazyConnect: false }) : null;
  const limiters = Object.fromEntries(
    Object.entries(policies).map(([kind, policy]) => [
      kind,
      redis
        ? new RateLimiterRedis({ storeClient: redis, keyPrefix: `kabinet:rl:${kind}`, ...policy })
        : new RateLimiterMemory({ keyPrefix: kind, ...policy }),
    ]),
  ) as unknown as Record<RatePolicy, RateLimiterAbstract>;

  return {
    consume: async (policy, key) => {
      try {
        await limiters[policy].consume(key);
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const retryAfterSeconds = Math.ceil(rejection.msBeforeNext / 1000);
        throw new DomainError('RATE_LIMITED', `Too many attempts. Try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
      }
    },
    close: () => {
      redis?.disconnect();
    },
  };
}
