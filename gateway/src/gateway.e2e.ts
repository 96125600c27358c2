import { startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('gateway and subgraph boundary', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ seedDemo: false });
  });
  afterAll(() => t?.stop());

  it('serves health checks on every service', async () => {
    const gateway = t.stack.gateway.url.replace('localhost', '127.0.0.1');
    expect((await fetch(`${gateway}/healthz`)).status).toBe(200);
    // Started means serving GraphQL with its plans warm: ready.
    expect(await (await fetch(`${gateway}/readyz`)).json()).toEqual({ status: 'ready' });
    for (const service of Object.values(t.stack.subgraphs)) {
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${service.url}/readyz`)).json()).toEqual({ status: 'ready' });
    }
  });

  it('refuses a direct call to a subgraph without the gateway secret', async () => {
    for (const service of Object.values(t.stack.subgraphs)) {
      const response = await fetch(`${service.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ _service { sdl } }' }),
      });
      expect(response.status).toBe(403);
      const body = (await response.json()) as { data?: unknown; errors: { extensions: { code: string } }[] };
      expect(body.errors[0]?.extensions.code).toBe('FORBIDDEN');
      expect(body.data).toBeUndefined();
    }
  });

  it('refuses a subgraph call carrying another subgraph\'s secret', async () => {
    const { subgraphSecret, gatewaySecretHeader } = await import('@kabinet/auth');
    const response = await fetch(`${t.stack.subgraphs.electricity.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [gatewaySecretHeader]: subgraphSecret(t.stack.gatewaySecret, 'identity'),
      },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    });
    expect(response.status).toBe(403);
  });

  it('rejects forged and malformed access tokens with UNAUTHENTICATED', async () => {
    const { generateTokenKeyPems, importTokenKeys, signAccessToken } = await import('@kabinet/auth');
    const foreign = await generateTokenKeyPems();
    const forgedKeys = await importTokenKeys({ ...foreign, issuer: 'kabinet', accessTokenTtlSeconds: 60 });
    const forged = await signAccessToken(forgedKeys, { userId: 'x', role: 'ADMIN', sessionId: 's' });
    for (const token of [forged, 'not-a-jwt']) {
      const response = await t.gql('{ __typename }', { token });
      expect(response.status).toBe(401);
      expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
  });

  it('rejects an expired access token with UNAUTHENTICATED', async () => {
    const { SignJWT } = await import('jose');
    const expired = await new SignJWT({ role: 'CUSTOMER', sid: 's' })
      .setProtectedHeader({ alg: 'ES256' })
      .setSubject('u')
      .setIssuer('kabinet')
      .setAudience('kabinet')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 3600)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(t.stack.tokenKeys.privateKey!);
    const response = await t.gql('{ __typename }', { token: expired });
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' });
  });

  it('lets anonymous requests through where the schema allows them', async () => {
    const response = await t.gql('{ __typename }');
    expect(response.data).toEqual({ __typename: 'Query' });
  });

  it('keeps HTTP connections to subgraphs alive across requests', async () => {
    const { signAccessToken } = await import('@kabinet/auth');
    const { servers } = await import('@kabinet/http');
    const token = await signAccessToken(t.stack.tokenKeys, { userId: crypto.randomUUID(), role: 'CUSTOMER', sessionId: 's' });
    // Count the GraphQL requests identity receives from the gateway, and the TCP connections they
    // came on, while a client sends ten. Not /internal/: the revocation-list poll reaches identity on
    // its own route and connection whenever its interval falls inside the loop.
    const server = servers.get(t.stack.subgraphs.identity.port)!;
    const sockets = new Set<unknown>();
    let requests = 0;
    const countRequest = (request: import('node:http').IncomingMessage) => {
      if (request.url?.startsWith('/internal/')) return;
      requests += 1;
      sockets.add(request.socket);
    };
    server.on('request', countRequest);
    for (let i = 0; i < 10; i += 1) await t.gql('{ me { id email } }', { token });
    server.off('request', countRequest);
    expect(requests).toBe(10);
    expect(sockets.size).toBeLessThanOrEqual(1);
  });
});
