import { describe, expect, it } from 'vitest';
import { AccessTokenError, generateTokenKeyPems, importTokenKeys, signAccessToken, verifyAccessToken, viewerHasScope, type Viewer } from './tokens';

const keys = await importTokenKeys({ ...(await generateTokenKeyPems()), issuer: 'kabinet-test', accessTokenTtlSeconds: 60 });
const customer: Viewer = { userId: 'u1', role: 'CUSTOMER', sessionId: 's1' };

describe('delegated access tokens', () => {
  it('carry the client and its scopes; a first-party token carries neither and has every scope', async () => {
    const delegated = await verifyAccessToken(keys, await signAccessToken(keys, { ...customer, clientId: 'demo-bank', scopes: ['readings:write'] }));
    expect(delegated).toMatchObject({ userId: 'u1', clientId: 'demo-bank', scopes: ['readings:write'] });
    expect(viewerHasScope(delegated, 'readings:write')).toBe(true);
    expect(viewerHasScope(delegated, 'accounts:read')).toBe(false);

    const firstParty = await verifyAccessToken(keys, await signAccessToken(keys, customer));
    expect(firstParty.clientId).toBeUndefined();
    expect(viewerHasScope(firstParty, 'payments:write')).toBe(true);
  });

  it('allow nothing when the scope claim is empty', async () => {
    const delegated = await verifyAccessToken(keys, await signAccessToken(keys, { ...customer, clientId: 'demo-bank', scopes: [] }));
    expect(delegated.scopes).toEqual([]);
    expect(viewerHasScope(delegated, 'accounts:read')).toBe(false);
  });

  it.each(['OPERATOR', 'ADMIN'] as const)('are refused as invalid when they name a %s: staff never delegate', async (role) => {
    const token = await signAccessToken(keys, { ...customer, role, supplierIds: role === 'OPERATOR' ? ['sup'] : undefined, clientId: 'demo-bank', scopes: ['accounts:read'] });
    await expect(verifyAccessToken(keys, token)).rejects.toEqual(new AccessTokenError('invalid'));
  });
});

describe('operators\' tokens', () => {
  it('name the suppliers they serve; the one they act for when there is one', async () => {
    const operator: Viewer = { userId: 'o1', role: 'OPERATOR', sessionId: 's1' };
    const single = await verifyAccessToken(keys, await signAccessToken(keys, { ...operator, supplierIds: ['s-electricity'] }));
    expect(single).toMatchObject({ supplierIds: ['s-electricity'], supplierId: 's-electricity' });
    // An organisation in two utilities: which is which, each utility subgraph looks up.
    const both = await verifyAccessToken(keys, await signAccessToken(keys, { ...operator, supplierIds: ['s-electricity', 's-heat'] }));
    expect(both.supplierIds).toEqual(['s-electricity', 's-heat']);
    expect(both.supplierId).toBeUndefined();
  });

  it('still read the single supplier of a token signed before suppliers became a list', async () => {
    const { privateKey } = keys;
    const { SignJWT } = await import('jose');
    const legacy = await new SignJWT({ role: 'OPERATOR', sid: 's1', sup: 's-electricity' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('o1')
      .setIssuer('kabinet-test')
      .setAudience('kabinet')
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(privateKey!);
    expect(await verifyAccessToken(keys, legacy)).toMatchObject({ supplierIds: ['s-electricity'], supplierId: 's-electricity' });
  });
});

