import { demoOperators } from '@kabinet/demo';
import { expectNoGraphQLErrors, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Staff of an organisation that supplies electricity and heat (Kamchatskenergo has a supplier
 * row in each utility subgraph) serve both from one login, and only their own accounts.
 */
describe('an operator of a supplier of both utilities', () => {
  let t: TestStack;
  const byNumber = `query ($electricity: String!, $heat: String!) {
    electricityAccountByNumber(accountNumber: $electricity) { accountNumber supplier { name } }
    heatAccountByNumber(accountNumber: $heat) { accountNumber supplier { name } }
  }`;

  beforeAll(async () => {
    t = await startTestStack();
  });
  afterAll(() => t?.stop());

  it('finds its accounts in each utility with one login', async () => {
    const token = await loginAs(t, demoOperators.kamchatkaEnergo);
    const found = expectNoGraphQLErrors(await t.gql(byNumber, { token, variables: { electricity: '4100112233', heat: '4100986512' } }));
    expect(found).toEqual({
      electricityAccountByNumber: { accountNumber: '4100112233', supplier: { name: 'Камчатскэнерго' } },
      heatAccountByNumber: { accountNumber: '4100986512', supplier: { name: 'Камчатскэнерго' } },
    });
    const runs = expectNoGraphQLErrors(await t.gql(`{ electricityBillingRuns { period } heatBillingRuns { period } }`, { token }));
    expect(runs.electricityBillingRuns).toBeInstanceOf(Array);
    expect(runs.heatBillingRuns).toBeInstanceOf(Array);
  });

  it('sees no other supplier\'s accounts, and staff of one utility\'s supplier none in the other', async () => {
    const kamchatka = await loginAs(t, demoOperators.kamchatkaEnergo);
    // Kyiv's electricity and heat accounts are another organisation's.
    const others = expectNoGraphQLErrors(await t.gql(byNumber, { token: kamchatka, variables: { electricity: '10234567', heat: '260114400118700' } }));
    expect(others).toEqual({ electricityAccountByNumber: null, heatAccountByNumber: null });

    // Kharkiv supplies heat only: in electricity its operator acts for no supplier.
    const kharkiv = await loginAs(t, demoOperators.kharkivTeplo);
    const kamchatkaAccounts = expectNoGraphQLErrors(await t.gql(byNumber, { token: kharkiv, variables: { electricity: '4100112233', heat: '4100986512' } }));
    expect(kamchatkaAccounts).toEqual({ electricityAccountByNumber: null, heatAccountByNumber: null });
  });
});
