import { startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const introspection = '{ __schema { queryType { name } } }';

async function landingPage(t: TestStack) {
  const response = await fetch(t.url, { headers: { accept: 'text/html' } });
  return { status: response.status, html: await response.text() };
}

describe('gateway over HTTP in development', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ seedDemo: false });
  });
  afterAll(() => t?.stop());

  it('serves Apollo Sandbox with the Dashboard operation and how to authenticate', async () => {
    const { status, html } = await landingPage(t);
    expect(status).toBe(200);
    expect(html).toContain('embeddable-sandbox');
    expect(html).toContain('query Dashboard');
    expect(html).toContain('Authorization: Bearer');
  });

  it('answers a path it has nothing at with a typed 404, not an HTML page', async () => {
    for (const path of ['/no-such-page', '/files/../etc/passwd', '/callbacks', '/oauth/no-such-endpoint']) {
      const response = await fetch(new URL(path, t.url), { headers: { accept: 'text/html' } });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toMatch(/^application\/json/);
      expect(await response.json(), path).toEqual({ errors: [{ message: 'There is nothing at this address', extensions: { code: 'NOT_FOUND' } }] });
    }
  });

  it('answers introspection for Sandbox', async () => {
    expect((await t.gql(introspection)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('refuses requests a browser could send cross-site (CSRF prevention)', async () => {
    // A form or text/plain POST (no preflight): refused before anything reads it as GraphQL.
    const simple = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"query":"{__typename}"}' });
    expect(simple.status).toBe(415);
    expect(((await simple.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const get = await fetch(`${t.url}?query=${encodeURIComponent('{__typename}')}`);
    expect(get.status).toBe(400);
  });

  it("answers in the media type each request's Accept header prefers, and 406 to one it cannot answer", async () => {
    // Each header in turn, twice: what one header chose is never another's answer.
    const typeFor = async (accept: string) => {
      const response = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: '{"query":"{ __typename }"}' });
      return response.status === 406 ? 406 : response.headers.get('content-type');
    };
    for (let round = 0; round < 2; round += 1) {
      expect(await typeFor('application/graphql-response+json')).toMatch(/^application\/graphql-response\+json/);
      expect(await typeFor('application/json')).toMatch(/^application\/json/);
      expect(await typeFor('text/plain')).toBe(406);
      expect(await typeFor('application/graphql-response+json;q=0.5, application/json')).toMatch(/^application\/json/);
    }
  });

  it('refuses an oversized body with 413', async () => {
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename }`, variables: { padding: 'x'.repeat(400_000) } }),
    });
    expect(response.status).toBe(413);
    const body = await response.text();
    expect(body).not.toMatch(/at .+\.(js|ts):\d+/);
    expect(JSON.parse(body).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('gateway over HTTP in production', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({
      seedDemo: false,
      env: {
        NODE_ENV: 'production',
        LIQPAY_PRIVATE_KEY: 'a-merchant-key-from-liqpay',
        // Production safelists first-party operations by default (persisted-queries.e2e.ts); these
        // requests are free text, to prove what production does behind the safelist too.
        FIRST_PARTY_OPERATIONS: 'free',
      },
    });
  });
  afterAll(() => t?.stop());

  it('has no landing page and no introspection', async () => {
    const { html } = await landingPage(t);
    expect(html).not.toContain('embeddable-sandbox');
    const response = await t.gql(introspection);
    expect(response.data ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('gateway behind a load balancer (TRUST_PROXY)', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startTestStack({ seedDemo: false, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(() => t?.stop());

  /** An anonymous caller's budget is kept per address: what it has used tells which address the gateway saw. */
  const usedBy = async (forwardedFor: string) => {
    const response = await t.gql('{ rateLimitInfo { cost } }', { headers: { 'x-forwarded-for': forwardedFor } });
    return response.extensions!.cost as { requested: number; customer: { used: number } };
  };

  it('takes the address the load balancer appended, not the ones the caller wrote before it', async () => {
    const first = await usedBy('198.51.100.1, 203.0.113.77');
    expect(first.customer.used).toBe(first.requested);
    // Another made-up address in front: still the same caller, charged on the same budget.
    const again = await usedBy('198.51.100.2, 203.0.113.77');
    expect(again.customer.used).toBe(first.requested + again.requested);
    // Another address from the load balancer: another caller.
    const other = await usedBy('203.0.113.78');
    expect(other.customer.used).toBe(other.requested);
  });
});
