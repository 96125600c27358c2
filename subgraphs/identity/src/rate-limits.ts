import { createRateLimits as createSharedRateLimits, type RateLimitPolicy, type RateLimits as SharedRateLimits } from '@kabinet/rate-limits';

/** Attempts per window; each aliased field in a request is its own attempt. */
const policies = {
  loginByEmail: { points: 10, duration: 15 * 60 },
  loginByIp: { points: 50, duration: 15 * 60 },
  resetByEmail: { points: 3, duration: 60 * 60 },
  resetByIp: { points: 20, duration: 60 * 60 },
} as const satisfies Record<string, RateLimitPolicy>;

export type RatePolicy = keyof typeof policies;
export type RateLimits = SharedRateLimits<RatePolicy>;

/** In memory without REDIS_URL; in Redis (`kabinet:rl:<policy>:<key>`) with it, shared by replicas. */
export function createRateLimits(redisUrl: string | undefined): RateLimits {
  return createSharedRateLimits(redisUrl, policies);
}
