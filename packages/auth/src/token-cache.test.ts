import { afterEach, describe, expect, it, vi } from 'vitest';
import { sessionRevocations } from './session-revocations';
import { generateTokenKeyPems, importTokenKeys, signAccessToken, viewerFromAuthorization, type TokenKeys, type Viewer } from './tokens';

const ttlSeconds = 60;
const newKeys = async () => importTokenKeys({ ...(await generateTokenKeyPems()), issuer: 'kabinet-test', accessTokenTtlSeconds: ttlSeconds });
const keys = await newKeys();
const customer: Viewer = { userId: 'u1', role: 'CUSTOMER', sessionId: 's1' };
const bearer = (token: string) => `Bearer ${token}`;

/** The `reason` of the UNAUTHENTICATED error a request with this header is refused with. */
async function refusal(tokenKeys: TokenKeys, authorization: string, revocations?: Parameters<typeof viewerFromAuthorization>[2]) {
  const error = await viewerFromAuthorization(tokenKeys, authorization, revocations).then(
    () => null,
    (refused: unknown) => refused as { extensions: { code: string; reason: string } },
  );
  expect(error?.extensions.code).toBe('UNAUTHENTICATED');
  return error!.extensions.reason;
}

/** The token with one character of `part` (0 header, 1 payload, 2 signature) changed. */
function tampered(token: string, part: 0 | 1 | 2): string {
  const parts = token.split('.');
  const segment = parts[part]!;
  const at = Math.floor(segment.length / 2);
  parts[part] = `${segment.slice(0, at)}${segment[at] === 'A' ? 'B' : 'A'}${segment.slice(at + 1)}`;
  return parts.join('.');
}

afterEach(() => vi.useRealTimers());

describe('verified access tokens are remembered', () => {
  it('verifies a token once: the same viewer comes back for it, a new token is verified on its own', async () => {
    const token = await signAccessToken(keys, customer);
    const first = await viewerFromAuthorization(keys, bearer(token));
    expect(first).toMatchObject(customer);
    expect(await viewerFromAuthorization(keys, bearer(token))).toBe(first);

    const other = await signAccessToken(keys, { ...customer, userId: 'u2', sessionId: 's2' });
    expect(await viewerFromAuthorization(keys, bearer(other))).toMatchObject({ userId: 'u2', sessionId: 's2' });
  });

  it('refuses a remembered token from the instant it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-02T10:00:00.250Z'));
    const token = await signAccessToken(keys, customer);
    const expiresAt = Date.parse('2026-12-02T10:00:00Z') + ttlSeconds * 1000;
    const viewer = await viewerFromAuthorization(keys, bearer(token));

    vi.setSystemTime(expiresAt - 1);
    expect(await viewerFromAuthorization(keys, bearer(token))).toBe(viewer);
    vi.setSystemTime(expiresAt);
    expect(await refusal(keys, bearer(token))).toBe('TOKEN_EXPIRED');
    // Still refused once forgotten, now by the verification itself.
    expect(await refusal(keys, bearer(token))).toBe('TOKEN_EXPIRED');
  });

  it('checks the session on every request: a remembered token stops once its session has ended', async () => {
    const ended: string[] = [];
    const revocations = sessionRevocations({
      source: async () => ({ asOf: new Date(), sessions: ended.map((sessionId) => ({ sessionId, revokedAt: new Date() })) }),
      intervalMs: 60_000,
      accessTokenTtlSeconds: ttlSeconds,
    });
    const token = await signAccessToken(keys, { ...customer, sessionId: 'ends-soon' });
    await revocations.refresh();
    expect(await viewerFromAuthorization(keys, bearer(token), revocations)).toMatchObject({ sessionId: 'ends-soon' });

    ended.push('ends-soon');
    await revocations.refresh();
    expect(await refusal(keys, bearer(token), revocations)).toBe('SESSION_ENDED');
  });

  it.each([
    ['header', 0],
    ['claims', 1],
    ['signature', 2],
  ] as const)('refuses a token with a changed %s, however often it is sent, while the good one still works', async (_part, part) => {
    const token = await signAccessToken(keys, customer);
    const viewer = await viewerFromAuthorization(keys, bearer(token));
    const forged = tampered(token, part);
    expect(forged).not.toBe(token);
    expect(await refusal(keys, bearer(forged))).toBe('TOKEN_INVALID');
    expect(await refusal(keys, bearer(forged))).toBe('TOKEN_INVALID');
    expect(await viewerFromAuthorization(keys, bearer(token))).toBe(viewer);
  });

  it('remembers a token only for the keys that verified it', async () => {
    const token = await signAccessToken(keys, customer);
    await viewerFromAuthorization(keys, bearer(token));
    expect(await refusal(await newKeys(), bearer(token))).toBe('TOKEN_INVALID');
  });

  it('never hands out a viewer a caller could change for the next request', async () => {
    const token = await signAccessToken(keys, { ...customer, clientId: 'demo-bank', scopes: ['accounts:read'] });
    const viewer = await viewerFromAuthorization(keys, bearer(token));
    expect(Object.isFrozen(viewer)).toBe(true);
    expect(Object.isFrozen(viewer!.scopes)).toBe(true);
  });
});
