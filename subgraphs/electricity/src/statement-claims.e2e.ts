import { randomUUID } from 'node:crypto';
import { expectNoGraphQLErrors, type TestStack } from '@kabinet/testing';
import { postPayment } from '@kabinet/utility-core';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIdOf, demoLogins, loginAs, startElectricityStack, supplierIds, tables } from './testing/e2e';

const runBilling = `mutation Run($input: RunBillingInput!) { runElectricityBilling(input: $input) { run { billsIssued } } }`;
const billOf = `query Bill($id: ID!, $period: String!) { electricityAccount(id: $id) { bill(period: $period) { payments { amount } } } }`;

/*
 * A payment recorded before a billing run's cut-off whose transaction commits only after the
 * run: the run cannot see it, and it must land on the next bill instead of on none. It needs two
 * real connections at once, so it runs on PostgreSQL (CI runs the suite there too); on the
 * embedded database one transaction holds the only connection and the run would wait for it.
 */
describe.runIf(process.env.DATABASE_URL)('a payment committed after a billing run that could not see it', () => {
  let t: TestStack;
  beforeAll(async () => {
    t = await startElectricityStack();
  });
  afterAll(() => t?.stop());

  it('lands on the next bill', async () => {
    const db = t.stack.database.db;
    const operator = await loginAs(t, demoLogins.kyivOperator);
    const holder = await loginAs(t, demoLogins.demo);
    const accountId = await accountIdOf(t, supplierIds.kyiv, '10234567');
    const paymentId = randomUUID();

    // 6 December, 10:00 in Kyiv: November's window has closed.
    t.clock.set('2026-12-06T08:00:00Z');
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    const payment = db.transaction(async (tx) => {
      // Recorded an hour before the run's cut-off, committed after the run.
      const at = new Date('2026-12-06T07:00:00Z');
      await postPayment(tx, tables, { paymentId, accountId, amountMinor: 123_45, currency: 'UAH', capturedAt: at, description: 'Оплата в банку' }, at);
      await held;
    });

    expectNoGraphQLErrors(await t.gql(runBilling, { token: operator, variables: { input: { period: '2026-11' } } }));
    commit();
    await payment;
    const [entry] = await db.select().from(tables.ledgerEntries).where(eq(tables.ledgerEntries.paymentId, paymentId));
    expect(entry!.statementBillId).toBeNull();

    // The next month's bill claims it.
    t.clock.set('2027-01-06T08:00:00Z');
    expectNoGraphQLErrors(await t.gql(runBilling, { token: operator, variables: { input: { period: '2026-12' } } }));
    t.clock.set('2027-01-08T08:00:00Z');
    const november = expectNoGraphQLErrors(await t.gql(billOf, { token: holder, variables: { id: accountId, period: '2026-11' } }));
    const december = expectNoGraphQLErrors(await t.gql(billOf, { token: holder, variables: { id: accountId, period: '2026-12' } }));
    // November shows only the demo's payment of 20 November; this one waited for December.
    expect(november.electricityAccount.bill.payments.amount).toBe('900.00');
    expect(december.electricityAccount.bill.payments.amount).toBe('123.45');
  });
});
