import { randomUUID } from 'node:crypto';
import { bench, describe } from 'vitest';
import { sessionRevocations } from './session-revocations';
import { generateTokenKeyPems, importTokenKeys, signAccessToken, verifyAccessToken, viewerFromAuthorization } from './tokens';

// `pnpm bench`: what checking a token's session against the ended sessions adds to verifying it,
// with 10,000 sessions ended within the last access-token lifetime (a busy quarter of an hour), and
// what a request costs once its token has been verified (remembered until it expires).
const pems = await generateTokenKeyPems();
const keys = await importTokenKeys({ ...pems, issuer: 'kabinet', accessTokenTtlSeconds: 900 });
const token = await signAccessToken(keys, { userId: randomUUID(), role: 'CUSTOMER', sessionId: randomUUID() });
const authorization = `Bearer ${token}`;
const now = new Date();
const revocations = sessionRevocations({
  source: async () => ({ asOf: now, sessions: Array.from({ length: 10_000 }, () => ({ sessionId: randomUUID(), revokedAt: now })) }),
  intervalMs: 60_000,
  accessTokenTtlSeconds: 900,
});
await revocations.refresh();
revocations.stop();

describe('access token check per request', () => {
  bench('verify the token (ES256)', async () => {
    await verifyAccessToken(keys, token);
  });
  bench('a token verified before (remembered)', async () => {
    await viewerFromAuthorization(keys, authorization);
  });
  bench('a token verified before, its session checked against 10,000 ended ones', async () => {
    await viewerFromAuthorization(keys, authorization, revocations);
  });
});
