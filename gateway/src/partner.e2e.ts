import { randomUUID } from 'node:crypto';
import { DemoBankApp, NotConnected, nextReadings, type AccountForReadings, type BankAnswer } from '@kabinet/demo/bank-app';
import { demoUsers } from '@kabinet/demo';
import { expectErrorCode, expectNoGraphQLErrors, followPartnerLink, loginAs, manifestOperation, persistedRequest, startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * The "done when", played by Demo Bank's own app code (the one `pnpm demo:bank` runs):
 * consent through OAuth with PKCE, the Dashboard and a reading by persisted id with a scoped
 * token, refusals with the Router's codes and for scopes it was not given, and no access the
 * moment the customer revokes it; every answer tells its cost and the budget left.
 */

const december1 = new Date('2026-12-01T09:00:00Z');
const customer = demoUsers.demo;

/** Every answer carries what it cost and both budgets. */
function expectCostShown(answer: BankAnswer): void {
  expect(answer.cost, JSON.stringify(answer)).toBeDefined();
  expect(answer.cost!.requested).toBeGreaterThanOrEqual(1);
  // A partner calling with its token always has a budget of its own beside the customer's.
  expect(answer.cost!.client).not.toBeNull();
  for (const budget of [answer.cost!.customer, answer.cost!.client!]) {
    expect(budget.remaining).toBe(budget.limit - budget.used);
    expect(Date.parse(budget.resetAt)).toBeGreaterThan(Date.now() - 1_000);
  }
}

const refusalOf = (answer: BankAnswer) => answer.errors?.[0]?.extensions ?? {};

/** The data of an answer that must have no errors. */
function dataOf(answer: BankAnswer) {
  expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
  return answer.data;
}

describe('Demo Bank acting for a customer, end to end through the gateway', () => {
  let t: TestStack;
  let bank: DemoBankApp;
  let firstParty: string;

  beforeAll(async () => {
    t = await startTestStack({ now: december1 });
    firstParty = await loginAs(t, customer);
    // Reading balances and submitting readings; paying was not asked for.
    bank = new DemoBankApp({ kabinetUrl: new URL(t.url).origin, scopes: ['accounts:read', 'readings:write'] });
    await bank.connect(await followPartnerLink(t, bank.authorizationUrl(), { login: customer }));
  });
  afterAll(() => t?.stop());

  it('gets a token for that customer and the scopes allowed, and reads the Dashboard by id as Kabinet shows it', async () => {
    expect(bank.tokens!.scope).toBe('accounts:read readings:write');
    const dashboard = await bank.call('Dashboard');
    expectCostShown(dashboard);
    expect(dashboard.status).toBe(200);
    const mine = expectNoGraphQLErrors(await t.gql(manifestOperation('demo-bank', 'Dashboard').body, { token: firstParty }));
    expect(dashboard.data).toEqual(mine);
    expect(dashboard.data.me.email).toBe(customer.email);
    expect(dashboard.data.me.electricityAccounts.length + dashboard.data.me.heatAccounts.length).toBeGreaterThan(1);
  });

  it('submits a reading by id, stored for the customer, and the budget goes down by what each answer cost', async () => {
    const meters = await bank.call<{ me: { electricityAccounts: AccountForReadings[] } }>('Meters');
    expectCostShown(meters);
    const account = meters.data!.me.electricityAccounts.find((candidate) => candidate.meters.length)!;
    if (!account.readingWindow.isOpen) t.clock.set(`${account.readingWindow.opensOn}T09:00:00Z`);
    const readings = nextReadings(account, 42);

    const submitted = await bank.call('SubmitElectricityReading', { input: { accountId: account.id, readings } });
    expectCostShown(submitted);
    expect(submitted.cost!.customer.used).toBe(meters.cost!.customer.used + submitted.cost!.requested);
    expect(submitted.cost!.client!.remaining).toBe(meters.cost!.client!.remaining - submitted.cost!.requested);
    expect(dataOf(submitted).submitElectricityReadings.readings.map((reading: { value: string }) => Number(reading.value)).sort()).toEqual(
      readings.map((reading) => Number(reading.value)).sort(),
    );

    // The customer sees it in Kabinet itself.
    const seen = expectNoGraphQLErrors(
      await t.gql(`query ($id: ID!) { electricityAccount(id: $id) { meters { id latestReadings { zone value } } } }`, { token: firstParty, variables: { id: account.id } }),
    );
    const latest = seen.electricityAccount.meters.flatMap((meter: { id: string; latestReadings: { zone: string; value: string }[] }) =>
      meter.latestReadings.map((reading) => ({ meterId: meter.id, zone: reading.zone, value: Number(reading.value) })),
    );
    for (const reading of readings) expect(latest).toContainEqual({ ...reading, value: Number(reading.value) });
  });

  it('given only readings:write, submits a reading and reads back just what it submitted', async () => {
    const neighbour = demoUsers.second;
    const readingsOnly = new DemoBankApp({ kabinetUrl: new URL(t.url).origin, scopes: ['readings:write'] });
    await readingsOnly.connect(await followPartnerLink(t, readingsOnly.authorizationUrl(), { login: neighbour }));
    expect(refusalOf(await readingsOnly.call('Meters'))).toMatchObject({ code: 'FORBIDDEN', reason: 'MISSING_SCOPE', requiredScope: 'accounts:read' });

    // The customer tells the bank's app their meter; the app itself may not look it up.
    const mine = expectNoGraphQLErrors(await t.gql(manifestOperation('demo-bank', 'Meters').body, { token: await loginAs(t, neighbour) }));
    const account: AccountForReadings = mine.me.electricityAccounts.find((candidate: AccountForReadings) => candidate.meters.length);
    if (!account.readingWindow.isOpen) t.clock.set(`${account.readingWindow.opensOn}T09:00:00Z`);
    const readings = nextReadings(account, 7);
    const submitted = dataOf(await readingsOnly.call('SubmitElectricityReading', { input: { accountId: account.id, readings } }));
    expect(submitted.submitElectricityReadings.readings.map((reading: { value: string }) => Number(reading.value)).sort()).toEqual(
      readings.map((reading) => Number(reading.value)).sort(),
    );
  });

  it('is refused free-form text and operations outside its manifest, with the Router\'s codes and statuses', async () => {
    const token = bank.tokens!.accessToken;
    const text = await t.gql(manifestOperation('demo-bank', 'Dashboard').body, { token });
    expect(text.status).toBe(400);
    expectErrorCode(text, 'PERSISTED_QUERY_ID_REQUIRED');

    const webOnly = await persistedRequest(t.url, { id: manifestOperation('kabinet-web', 'LinkElectricityAccount').id, token, clientName: 'demo-bank' });
    expect(webOnly.status).toBe(404);
    expectErrorCode(webOnly, 'PERSISTED_QUERY_NOT_IN_LIST');

    const both = await persistedRequest(t.url, { id: manifestOperation('demo-bank', 'Dashboard').id, query: '{ me { email } }', token });
    expect(both.status).toBe(400);
    expectErrorCode(both, 'CANNOT_SEND_PQ_ID_AND_BODY');
  });

  it('is refused what its scopes do not cover: paying, without payments:write', async () => {
    const { data } = await bank.call('Dashboard');
    const account = data.me.electricityAccounts[0];
    const input = { items: [{ utility: 'ELECTRICITY', accountId: account.id, amount: '10.00' }], provider: 'LIQPAY', idempotencyKey: randomUUID(), returnUrl: `${new URL(t.url).origin}/payments/return` };
    const payments = async () => expectNoGraphQLErrors(await t.gql(`{ me { payments(first: 50) { edges { node { id } } } } }`, { token: firstParty })).me.payments.edges;
    const before = await payments();
    const paid = await bank.call('PayBills', { input });
    expect(refusalOf(paid)).toMatchObject({ code: 'FORBIDDEN', reason: 'MISSING_SCOPE', requiredScope: 'payments:write' });
    expect(await payments()).toEqual(before);
  });

  it('tells its budget through rateLimitInfo, as the answers\' extensions do', async () => {
    const answer = await bank.call('RateLimit');
    expectCostShown(answer);
    const info = dataOf(answer).rateLimitInfo;
    expect(info.cost).toBe(answer.cost!.requested);
    expect(info.client).toMatchObject({ limit: answer.cost!.client!.limit, used: answer.cost!.client!.used, remaining: answer.cost!.client!.remaining });
    expect(info.customer).toMatchObject({ remaining: answer.cost!.customer.remaining });
  });

  it('loses access the moment the customer revokes it: its token and its refresh token', async () => {
    const apps = expectNoGraphQLErrors(await t.gql(`{ me { authorizedApps { clientId name scopes } } }`, { token: firstParty })).me.authorizedApps;
    expect(apps).toEqual([{ clientId: 'demo-bank', name: 'Demo Bank', scopes: ['accounts:read', 'readings:write'] }]);

    expectNoGraphQLErrors(await t.gql(`mutation { revokeAppAuthorization(clientId: "demo-bank") { ok } }`, { token: firstParty }));
    // Refused within the revocation list's interval (SESSION_CHECK_INTERVAL_MS).
    await expect.poll(async () => (await bank.call('Dashboard')).status, { timeout: 5_000, interval: 100 }).toBe(401);
    expect(refusalOf(await bank.call('Dashboard'))).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_ENDED' });
    await expect(bank.refresh()).rejects.toMatchObject({ error: 'invalid_grant' } satisfies Partial<NotConnected>);
  });
});
