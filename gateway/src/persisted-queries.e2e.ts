import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { signAccessToken } from '@kabinet/auth';
import { demoUsers } from '@kabinet/demo';
import {
  errorCodes,
  expectErrorCode,
  expectNoGraphQLErrors,
  loginAs,
  manifestOperation,
  manifestOperations,
  persistedRequest,
  startTestStack,
  type GraphQLResponse,
  type PersistedRequest,
  type TestStack,
} from '@kabinet/testing';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bank = (name: string) => manifestOperation('demo-bank', name);
const web = (name: string) => manifestOperation('kabinet-web', name);
// The Dashboard as clients keep it: comments and formatting of their own.
const dashboardText = readFileSync(new URL('../../schema/operations/Dashboard.graphql', import.meta.url), 'utf8');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const send = (url: string, sent: PersistedRequest, method?: 'GET') => persistedRequest(url, { ...sent, method });

/** The one code refused with, its HTTP status, and nothing run. */
function expectRefusal(response: GraphQLResponse, code: string, status: number) {
  expectErrorCode(response, code);
  expect(errorCodes(response)).toEqual([code]);
  expect(response.status).toBe(status);
  expect(response.data).toBeUndefined();
}

/** A customer's login, and a token Demo Bank holds for the same session by the customer's consent. */
async function demoBankToken(t: TestStack, scopes: ('accounts:read' | 'readings:write' | 'payments:write')[]) {
  const firstParty = await loginAs(t, demoUsers.demo);
  const sessionId = String(decodeJwt(firstParty).sid);
  const delegated = await signAccessToken(t.stack.tokenKeys, { userId: demoUsers.demo.id, role: 'CUSTOMER', sessionId, clientId: 'demo-bank', scopes });
  return { firstParty, delegated };
}

describe('persisted queries, by default outside production (first-party apps free)', () => {
  let t: TestStack;
  let tokens: { firstParty: string; delegated: string };
  beforeAll(async () => {
    t = await startTestStack();
    tokens = await demoBankToken(t, ['accounts:read', 'readings:write', 'payments:write']);
  });
  afterAll(() => t?.stop());

  describe('Demo Bank, a partner', () => {
    it('reads the Dashboard by its persisted id with its delegated token', async () => {
      const { me } = expectNoGraphQLErrors(await send(t.url, { id: bank('Dashboard').id, operationName: 'Dashboard', token: tokens.delegated }));
      expect(me.email).toBe(demoUsers.demo.email);
      expect(me.electricityAccounts.length).toBeGreaterThanOrEqual(2);
      expect(me.heatAccounts.length).toBeGreaterThanOrEqual(2);
    });

    it('reads it by GET as well, naming itself only in the header', async () => {
      const response = await send(t.url, { id: bank('Dashboard').id, token: tokens.delegated, clientName: 'demo-bank' }, 'GET');
      expect(expectNoGraphQLErrors(response).me.email).toBe(demoUsers.demo.email);
    });

    it('submits an electricity and a heat reading, pays and reads the checkout, all by id', async () => {
      const accounts = expectNoGraphQLErrors(
        await t.gql(`{ me { electricityAccounts { id readingWindow { isOpen opensOn } meters { id zones latestReadings { zone value } } }
          heatAccounts { id readingWindow { isOpen opensOn } meters { id zones latestReadings { zone value } } } } }`, { token: tokens.firstParty }),
      ).me;
      for (const [name, field, account] of [
        ['SubmitElectricityReading', 'submitElectricityReadings', accounts.electricityAccounts[0]],
        ['SubmitHeatReading', 'submitHeatReadings', accounts.heatAccounts[0]],
      ] as const) {
        if (!account.readingWindow.isOpen) t.clock.set(`${account.readingWindow.opensOn}T09:00:00Z`);
        const readings = account.meters.flatMap((meter: any) =>
          meter.zones.map((zone: string) => ({
            meterId: meter.id,
            zone,
            value: String(Number(meter.latestReadings.find((reading: any) => reading.zone === zone)?.value ?? 0) + 1),
          })),
        );
        const response = await send(t.url, { id: bank(name).id, operationName: name, variables: { input: { accountId: account.id, readings } }, token: tokens.delegated });
        const submitted = expectNoGraphQLErrors(response)[field];
        expect(submitted.readings.map((reading: any) => reading.value).sort()).toEqual(readings.map((reading: any) => reading.value).sort());
      }

      const items = [{ utility: 'ELECTRICITY', accountId: accounts.electricityAccounts[0].id, amount: '10.00' }];
      const input = { items, provider: 'LIQPAY', idempotencyKey: `key-${randomUUID()}`, returnUrl: `${t.stack.gateway.url.replace('localhost', '127.0.0.1')}/payments/return` };
      const checkout = expectNoGraphQLErrors(await send(t.url, { id: bank('PayBills').id, variables: { input }, token: tokens.delegated })).createCheckout;
      expect(checkout.total).toEqual({ amount: '10.00', currency: 'UAH' });
      const followed = expectNoGraphQLErrors(await send(t.url, { id: bank('PaymentStatus').id, variables: { id: checkout.id }, token: tokens.delegated })).checkout;
      expect(followed).toMatchObject({ id: checkout.id, status: checkout.status });
    });

    it('is refused free-form text, even the Dashboard word for word: PERSISTED_QUERY_ID_REQUIRED', async () => {
      for (const sent of [
        { query: dashboardText, token: tokens.delegated },
        { query: bank('Dashboard').body, token: tokens.delegated },
        // Named in the header only, without a token: still the partner.
        { query: bank('Dashboard').body, clientName: 'demo-bank' },
        // A delegated token wins over a header claiming to be the web app.
        { query: bank('Dashboard').body, token: tokens.delegated, clientName: 'kabinet-web' },
      ]) {
        expectRefusal(await send(t.url, sent), 'PERSISTED_QUERY_ID_REQUIRED', 400);
      }
    });

    it('is refused ids outside its own manifest: PERSISTED_QUERY_NOT_IN_LIST', async () => {
      const unknown = sha256('query Other { me { id } }');
      const refused = await send(t.url, { id: unknown, token: tokens.delegated });
      expectRefusal(refused, 'PERSISTED_QUERY_NOT_IN_LIST', 404);
      expect(refused.errors![0]!.message).toBe(`Persisted query '${unknown}' not found in the persisted query list`);
      // The web app's login is a registered operation, but not Demo Bank's.
      expect(manifestOperations('demo-bank').map((entry) => entry.id)).not.toContain(web('Login').id);
      expectRefusal(await send(t.url, { id: web('Login').id, token: tokens.delegated }), 'PERSISTED_QUERY_NOT_IN_LIST', 404);
      expectRefusal(await send(t.url, { id: web('Profile').id, clientName: 'demo-bank' }), 'PERSISTED_QUERY_NOT_IN_LIST', 404);
      // Counted as the refusals they are, so that a partner sending wrong ids does not look healthy.
      const metrics = await (await fetch(new URL('/metrics', t.url))).text();
      expect(metrics).toMatch(/kabinet_gateway_graphql_requests_total\{client="demo-bank",operation_type="[a-z]+",outcome="PERSISTED_QUERY_NOT_IN_LIST"\} 3\n/);
    });

    it('cannot send an id with a body, nor register one through APQ: CANNOT_SEND_PQ_ID_AND_BODY', async () => {
      const other = 'query Other { me { id email } }';
      expectRefusal(await send(t.url, { id: bank('Dashboard').id, query: bank('Dashboard').body, token: tokens.delegated }), 'CANNOT_SEND_PQ_ID_AND_BODY', 400);
      expectRefusal(await send(t.url, { id: sha256(other), query: other, token: tokens.delegated }), 'CANNOT_SEND_PQ_ID_AND_BODY', 400);
      // Nothing was registered: neither the partner nor the web app can run it by that hash.
      expectRefusal(await send(t.url, { id: sha256(other), token: tokens.delegated }), 'PERSISTED_QUERY_NOT_IN_LIST', 404);
      expectErrorCode(await send(t.url, { id: sha256(other), token: tokens.firstParty }), 'PERSISTED_QUERY_NOT_FOUND');
    });
  });

  describe('first-party apps', () => {
    it('send any text, as every other test here does', async () => {
      expectNoGraphQLErrors(await send(t.url, { query: '{ me { id } }', token: tokens.firstParty }));
    });

    it('send manifest ids without registering them first', async () => {
      const { me } = expectNoGraphQLErrors(await send(t.url, { id: web('Dashboard').id, token: tokens.firstParty, clientName: 'kabinet-web' }));
      expect(me.email).toBe(demoUsers.demo.email);
    });

    it('use APQ: a hash, PERSISTED_QUERY_NOT_FOUND, the hash with its text, then the hash alone', async () => {
      const query = `query Balances { me { electricityAccounts { id balance { amount } } } } # ${randomUUID()}`;
      const hash = sha256(query);
      const missed = await send(t.url, { id: hash, token: tokens.firstParty });
      expectErrorCode(missed, 'PERSISTED_QUERY_NOT_FOUND');
      const registered = expectNoGraphQLErrors(await send(t.url, { id: hash, query, token: tokens.firstParty }));
      const again = expectNoGraphQLErrors(await send(t.url, { id: hash, token: tokens.firstParty }));
      expect(again).toEqual(registered);
      expect(again.me.electricityAccounts.length).toBeGreaterThanOrEqual(2);
    });
  });
});

describe('persisted queries in production: first-party apps safelisted by default', () => {
  let t: TestStack;
  let token: string;
  beforeAll(async () => {
    t = await startTestStack({ env: { NODE_ENV: 'production', LIQPAY_PRIVATE_KEY: 'a-merchant-key-from-liqpay' } });
    expect(t.config.gateway.firstPartyOperations).toBe('safelist');
    token = await send(t.url, { id: web('Login').id, variables: { input: { email: demoUsers.demo.email, password: demoUsers.demo.password } } }).then(
      (response) => expectNoGraphQLErrors(response).login.accessToken as string,
    );
  });
  afterAll(() => t?.stop());

  it('runs a first-party manifest operation by id', async () => {
    expect(expectNoGraphQLErrors(await send(t.url, { id: web('Dashboard').id, token, clientName: 'kabinet-web' })).me.email).toBe(demoUsers.demo.email);
  });

  it('runs text that is a manifest operation, however it is formatted', async () => {
    expect(expectNoGraphQLErrors(await send(t.url, { query: dashboardText, token })).me.email).toBe(demoUsers.demo.email);
    expect(expectNoGraphQLErrors(await send(t.url, { query: web('Profile').body.replace(/\s+/g, ' '), token })).me.email).toBe(demoUsers.demo.email);
  });

  it('refuses any other text: QUERY_NOT_IN_SAFELIST', async () => {
    const refused = await send(t.url, { query: '{ me { id } }', token });
    expectRefusal(refused, 'QUERY_NOT_IN_SAFELIST', 403);
    expect(refused.errors![0]!.message).toBe('The operation body was not found in the persisted query safelist');
    // A partner's operation is not a first-party one.
    expect(manifestOperations('kabinet-web').map((entry) => entry.body)).not.toContain(bank('PaymentStatus').body);
    expectRefusal(await send(t.url, { query: bank('PaymentStatus').body, variables: { id: randomUUID() }, token }), 'QUERY_NOT_IN_SAFELIST', 403);
  });

  it('has no APQ: unknown hashes are not in the list, and an id with a body is refused', async () => {
    const query = '{ me { id } }';
    expectRefusal(await send(t.url, { id: sha256(query), token }), 'PERSISTED_QUERY_NOT_IN_LIST', 404);
    expectRefusal(await send(t.url, { id: sha256(query), query, token }), 'CANNOT_SEND_PQ_ID_AND_BODY', 400);
    expectRefusal(await send(t.url, { id: web('Dashboard').id, query: web('Dashboard').body, token }), 'CANNOT_SEND_PQ_ID_AND_BODY', 400);
  });

  it('still holds partners to ids of their own manifest', async () => {
    expectRefusal(await send(t.url, { query: web('Profile').body, clientName: 'demo-bank', token }), 'PERSISTED_QUERY_ID_REQUIRED', 400);
    expectRefusal(await send(t.url, { id: web('Profile').id, clientName: 'demo-bank', token }), 'PERSISTED_QUERY_NOT_IN_LIST', 404);
  });
});

describe('persisted queries with FIRST_PARTY_OPERATIONS=log-unknown', () => {
  let t: TestStack;
  const lines: string[] = [];
  const logged = () => lines.map((line) => JSON.parse(line)).filter((entry) => entry.msg === 'operation not in any first-party manifest');
  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    t = await startTestStack({ env: { FIRST_PARTY_OPERATIONS: 'log-unknown' }, logs: destination });
  });
  afterAll(() => t?.stop());

  it('runs any text, logging the operations that are in no first-party manifest with the client', async () => {
    const token = await loginAs(t, demoUsers.demo);
    lines.length = 0;
    expectNoGraphQLErrors(await send(t.url, { query: dashboardText, token, clientName: 'kabinet-web' }));
    expectNoGraphQLErrors(await send(t.url, { id: web('Profile').id, token, clientName: 'kabinet-web' }));
    expect(logged()).toEqual([]);

    const unknown = 'query Unlisted { me { id } }';
    expectNoGraphQLErrors(await send(t.url, { query: unknown, operationName: 'Unlisted', token, clientName: 'kabinet-mobile' }));
    expect(logged()).toEqual([expect.objectContaining({ level: 40, client: 'kabinet-mobile', operationName: 'Unlisted', operationId: sha256(unknown) })]);
  });
});
