import { randomUUID } from 'node:crypto';
import { demoOperators, demoUsers } from '@kabinet/demo';
import { expectErrorCode, expectNoGraphQLErrors, loginAs, startTestStack, type GraphQLResponse, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * Bad input is the client's fault: a 4xx with a stable code, never a 500 or
 * INTERNAL_SERVER_ERROR, and nothing written. Reproductions from the hardening review.
 */

const post = (t: TestStack, body: unknown, headers: Record<string, string> = {}) =>
  fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

async function answer(response: Response): Promise<GraphQLResponse> {
  const body = (await response.json()) as Omit<GraphQLResponse, 'status' | 'headers'>;
  return { ...body, status: response.status, headers: response.headers };
}

/** Refused as the client's fault: 4xx, `code`, no data, no internals. */
function expectClientError(response: GraphQLResponse, code: string) {
  expect(response.status, JSON.stringify(response.errors)).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expectErrorCode(response, code);
  expect(response.errors!.map((error) => error.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
  expect(response.data ?? null).toBeNull();
}

const cursor = (list: string, at: string) => Buffer.from(`${list}|${at}|${randomUUID()}`).toString('base64url');

describe('bad input through the gateway', () => {
  let t: TestStack;
  let token: string;
  beforeAll(async () => {
    t = await startTestStack();
    token = await loginAs(t, demoUsers.demo);
  });
  afterAll(() => t?.stop());

  it('answers a syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    for (const query of ['{ me { email ', 'query {', '}', 'mutation { login(input: { email: "a }) { accessToken } }']) {
      expectClientError(await t.gql(query, { token }), 'GRAPHQL_PARSE_FAILED');
    }
  });

  it('answers an operationName the document lacks, or a missing one among several, with 400', async () => {
    const two = 'query A { me { email } } query B { me { displayName } }';
    expectClientError(await answer(await post(t, { query: two, operationName: 'C' }, { authorization: `Bearer ${token}` })), 'OPERATION_RESOLUTION_FAILURE');
    expectClientError(await answer(await post(t, { query: two }, { authorization: `Bearer ${token}` })), 'OPERATION_RESOLUTION_FAILURE');
    expectClientError(await answer(await post(t, { query: '{ me { email } }', operationName: 42 })), 'BAD_REQUEST');
    const chosen = await answer(await post(t, { query: two, operationName: 'B' }, { authorization: `Bearer ${token}` }));
    expect(expectNoGraphQLErrors(chosen)).toEqual({ me: { displayName: demoUsers.demo.displayName } });
  });

  it('refuses a NUL byte or a control character in any string, in variables or literals, and writes nothing', async () => {
    const email = `nul-${randomUUID().slice(0, 8)}@kabinet.test`;
    const register = 'mutation ($input: RegisterInput!) { register(input: $input) { __typename } }';
    // C0 and C1 controls (U+009B is a terminal's escape sequence introducer), and a lone surrogate.
    for (const displayName of ['Олена\u0000', 'Олена\u0007', 'a\u001b[31m', 'a\u009b31m', 'Олена\u0085', 'Олена\ud800']) {
      const response = await t.gql(register, { variables: { input: { email, password: 'a-long-pass-2026', displayName } } });
      expectClientError(response, 'BAD_USER_INPUT');
    }
    expectClientError(await t.gql(`mutation { login(input: { email: "a\\u0000@kabinet.test", password: "x" }) { accessToken } }`), 'BAD_USER_INPUT');
    // Not registered: the login still does not exist.
    const login = await t.gql('mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', {
      variables: { input: { email, password: 'a-long-pass-2026' } },
    });
    expectErrorCode(login, 'INVALID_CREDENTIALS');
  });

  it('refuses a string longer than any field takes', async () => {
    const response = await t.gql('mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', {
      variables: { input: { email: `${'a'.repeat(20_000)}@kabinet.test`, password: 'x' } },
    });
    expectClientError(response, 'BAD_USER_INPUT');
  });

  it('keeps line breaks and tabs in free text', async () => {
    // An appeal's text is typed by people: new lines are theirs to use.
    const response = await t.gql('mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', {
      variables: { input: { email: 'nobody@kabinet.test', password: 'line one\nline\ttwo' } },
    });
    expectErrorCode(response, 'INVALID_CREDENTIALS');
  });

  it('refuses crafted pagination cursors (impossible dates and instants) with 400 BAD_USER_INPUT, keeping the rest of the data', async () => {
    const payments = (after: string) => t.gql(`{ me { email payments(first: 5, after: "${after}") { edges { cursor } } } }`, { token });
    for (const at of ['t-271821-04-20T00:00:00.000Z', 't+275760-09-13T00:00:00.000Z', 't0000-01-01T00:00:00.000Z']) {
      const response = await payments(cursor('payments', at));
      expect(response.status).toBe(400);
      expect(response.errors!.map((error) => error.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(response.data).toEqual({ me: { email: demoUsers.demo.email, payments: null } });
    }
    const bills = (after: string) => t.gql(`{ me { electricityAccounts { bills(first: 2, after: "${after}") { edges { cursor } } } } }`, { token });
    for (const at of ['s2026-13-45', 's2026-02-30', 's0000-00-00']) {
      const response = await bills(cursor('bills', at));
      expect(response.status).toBe(400);
      expectErrorCode(response, 'BAD_USER_INPUT');
      expect(JSON.stringify(response.errors)).not.toContain('INTERNAL_SERVER_ERROR');
    }
  });

  it("refuses a cursor holding the other kind of position than its list's order (a date for an instant, an instant for a date)", async () => {
    const lists = [
      `{ me { payments(first: 5, after: "${cursor('payments', 's2026-01-01')}") { edges { cursor } } } }`,
      `{ me { electricityAccounts { ledger(first: 5, after: "${cursor('ledger', 's2026-01-01')}") { edges { cursor } } } } }`,
      `{ me { heatAccounts { bills(first: 2, after: "${cursor('bills', 't2026-01-01T00:00:00.000Z')}") { edges { cursor } } } } }`,
    ];
    for (const query of lists) {
      const response = await t.gql(query, { token });
      expectErrorCode(response, 'BAD_USER_INPUT');
      expect(JSON.stringify(response.errors)).not.toContain('INTERNAL_SERVER_ERROR');
      expect(response.status).toBe(400);
    }
  });

  it('refuses a billing month PostgreSQL cannot store (year 0000) with BAD_USER_INPUT, to a holder and to an operator', async () => {
    const bills = await t.gql('{ me { electricityAccounts { bill(period: "0000-01") { id } } heatAccounts { bill(period: "0000-12") { id } } } }', { token });
    expectErrorCode(bills, 'BAD_USER_INPUT');
    expect(JSON.stringify(bills.errors)).not.toContain('INTERNAL_SERVER_ERROR');
    const operator = await loginAs(t, demoOperators.kyivEnergo);
    const run = await t.gql('mutation { runElectricityBilling(input: { period: "0000-01" }) { __typename } }', { token: operator });
    expectErrorCode(run, 'BAD_USER_INPUT');
    expect(JSON.stringify(run.errors)).not.toContain('INTERNAL_SERVER_ERROR');
    for (const response of [bills, run]) expect(response.status).toBe(400);
  });

  it('answers a mutation refused for its input with 400, but one that may have done something with 200', async () => {
    const [account] = expectNoGraphQLErrors(await t.gql('{ me { electricityAccounts { id } } }', { token })).me.electricityAccounts;
    const emptyCheckout = `createCheckout(input: { items: [], provider: LIQPAY, idempotencyKey: "${randomUUID()}", returnUrl: "${new URL(t.url).origin}/payments/return" }) { id }`;
    const refused = await t.gql(`mutation { ${emptyCheckout} }`, { token });
    expect(refused.status).toBe(400);
    expectErrorCode(refused, 'BAD_USER_INPUT');
    // Two root fields: the first subscribed, the second's refusal nulls the whole answer; 200, or the client would think nothing happened.
    const both = await t.gql(`mutation { subscribeElectricityEReceipts(input: { accountId: "${account.id}" }) { subscription { status } } ${emptyCheckout} }`, { token });
    expectErrorCode(both, 'BAD_USER_INPUT');
    expect(both.status).toBe(200);
  });

  it('refuses an impossible Date with 400 BAD_USER_INPUT, in variables and literals', async () => {
    const operator = await loginAs(t, demoOperators.kyivEnergo);
    const newMeter = (installedOn: string) => ({
      serialNumber: 'X-1',
      zones: ['SINGLE'],
      digits: 6,
      installedOn,
      lastVerifiedOn: '2026-01-01',
      verificationIntervalYears: 8,
      initialValues: [{ zone: 'SINGLE', value: '0' }],
    });
    const replace = 'mutation ($input: ReplaceMeterInput!) { replaceElectricityMeter(input: $input) { meter { id } } }';
    for (const installedOn of ['2026-02-30', '2026-13-01', 'yesterday', '20261101']) {
      const response = await t.gql(replace, {
        token: operator,
        variables: { input: { meterId: randomUUID(), finalValues: [{ zone: 'SINGLE', value: '1' }], newMeter: newMeter(installedOn) } },
      });
      expectClientError(response, 'BAD_USER_INPUT');
    }
    const literal = await t.gql(
      `mutation { replaceElectricityMeter(input: { meterId: "${randomUUID()}", finalValues: [{ zone: SINGLE, value: "1" }],
        newMeter: { serialNumber: "X-1", zones: [SINGLE], digits: 6, installedOn: "2026-02-30", lastVerifiedOn: "2026-01-01",
        verificationIntervalYears: 8, initialValues: [{ zone: SINGLE, value: "0" }] } }) { meter { id } } }`,
      { token: operator },
    );
    // A literal is part of the document: the document is refused.
    expectClientError(literal, 'GRAPHQL_VALIDATION_FAILED');
    expect(literal.errors![0]!.message).toContain('A Date is a day that exists');
  });

  it('refuses an automatic persisted query whose hash does not match its text', async () => {
    const response = await answer(
      await post(t, {
        query: '{ __typename }',
        extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } },
      }),
    );
    expect(response.status, JSON.stringify(response.errors)).toBe(400);
    expectErrorCode(response, 'PERSISTED_QUERY_HASH_MISMATCH');
  });
});

describe('bad input in production', () => {
  let t: TestStack;
  let token: string;
  beforeAll(async () => {
    t = await startTestStack({
      env: {
        NODE_ENV: 'production',
        LIQPAY_PRIVATE_KEY: 'a-merchant-key-from-liqpay',
        // Production safelists first-party operations by default (persisted-queries.e2e.ts); these
        // requests are free text, to prove what production does behind the safelist too.
        FIRST_PARTY_OPERATIONS: 'free',
      },
    });
    token = await loginAs(t, demoUsers.demo);
  });
  afterAll(() => t?.stop());

  it('suggests no enum values', async () => {
    const responses = [
      await t.gql(`mutation { linkElectricityAccount(input: { supplierId: "${randomUUID()}", accountNumber: "1", proof: { kind: HOLDER_SURNAM, value: "x" } }) { account { id } } }`, { token }),
      await t.gql('mutation ($input: LinkAccountInput!) { linkElectricityAccount(input: $input) { account { id } } }', {
        token,
        variables: { input: { supplierId: randomUUID(), accountNumber: '1', proof: { kind: 'HOLDER_SURNAM', value: 'x' } } },
      }),
    ];
    for (const response of responses) {
      expect(response.errors?.length).toBeGreaterThan(0);
      expect(JSON.stringify(response.errors)).not.toMatch(/did you mean|HOLDER_SURNAME/i);
    }
  });
});
