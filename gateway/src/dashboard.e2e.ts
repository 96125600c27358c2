import { readFileSync } from 'node:fs';
import { demoUsers } from '@kabinet/demo';
import { expectNoGraphQLErrors, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The operation every client opens with, exactly as written in schema/operations.
const dashboard = readFileSync(new URL('../../schema/operations/Dashboard.graphql', import.meta.url), 'utf8');


describe('Dashboard for the demo login', () => {
  let t: TestStack;
  let token: string;
  beforeAll(async () => {
    t = await startTestStack();
    token = await loginAs(t, demoUsers.demo);
  });
  afterAll(() => t?.stop());

  it('answers with data from identity, electricity, heat and payments in one response', async () => {
    const { me } = expectNoGraphQLErrors(await t.gql(dashboard, { token }));
    expect(me.email).toBe(demoUsers.demo.email);

    for (const accounts of [me.electricityAccounts, me.heatAccounts]) {
      expect(accounts.length).toBeGreaterThanOrEqual(2);
      for (const account of accounts) {
        expect(account.accountNumber).toBeTruthy();
        expect(account.balance).toMatchObject({ amount: expect.stringMatching(/^-?\d+\.\d{2}$/), currency: 'UAH' });
        expect(account.meters.length).toBeGreaterThan(0);
        for (const meter of account.meters) {
          expect(meter.serialNumber).toBeTruthy();
          expect(meter.nextVerificationDue).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        }
        expect(account.latestBill.period).toMatch(/^\d{4}-\d{2}$/);
        expect(account.latestBill.amountDue.amount).toMatch(/^-?\d+\.\d{2}$/);
      }
    }
    expect(me.electricityAccounts.some((account: any) => account.meters.some((meter: any) => meter.latestReading))).toBe(true);

    const payments = me.payments.edges.map((edge: any) => edge.node);
    expect(payments.length).toBeGreaterThan(0);
    expect(payments.length).toBeLessThanOrEqual(5);
    for (const payment of payments) {
      expect(payment.total.amount).toMatch(/^\d+\.\d{2}$/);
      expect(Date.parse(payment.createdAt)).not.toBeNaN();
    }
  });

  it('shows a user none of another user\'s accounts', async () => {
    const secondToken = await loginAs(t, demoUsers.second);
    const mine = expectNoGraphQLErrors(await t.gql(dashboard, { token })).me;
    const theirs = expectNoGraphQLErrors(await t.gql(dashboard, { token: secondToken })).me;
    const ids = (me: any) => [...me.electricityAccounts, ...me.heatAccounts].map((account: any) => account.id);
    expect(ids(theirs).length).toBeGreaterThan(0);
    expect(ids(mine).filter((id) => ids(theirs).includes(id))).toEqual([]);
    const paymentIds = (me: any) => me.payments.edges.map((edge: any) => edge.node.id);
    expect(paymentIds(mine).filter((id: string) => paymentIds(theirs).includes(id))).toEqual([]);
  });

  it('refuses the Dashboard to anonymous callers with UNAUTHENTICATED, once though each subgraph refused its part of me', async () => {
    const response = await t.gql(dashboard);
    expect(response.errors).toEqual([expect.objectContaining({ path: ['me'], extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })]);
    expect(response.data?.me ?? null).toBeNull();
  });
});
