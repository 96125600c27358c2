import { randomUUID } from 'node:crypto';

/**
 * A Redis for one test file: Redis runs on developer machines and in CI, so a missing one is a
 * failure, not a skip. ioredis reads client options from the URL's query: `keyPrefix` puts this
 * run's keys apart from any other run's (and from real ones) with nothing to change in the
 * product's config; `url` is what the stack is given, `prefix` what a test reading keys adds.
 */
export function isolatedRedis(): { url: string; prefix: string; serverUrl: string } {
  const serverUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const prefix = `kabinet-test:${randomUUID()}:`;
  const url = new URL(serverUrl);
  url.searchParams.set('keyPrefix', prefix);
  return { url: url.toString(), prefix, serverUrl };
}
