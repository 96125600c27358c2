import { setTimeout as sleep } from 'node:timers/promises';
import { demoOperators, demoUsers } from '@kabinet/demo';
import { expectErrorCode, expectNoGraphQLErrors, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payments } from './db/schema';
import { checkoutInput, checkoutQuery, createCheckoutMutation, demoAccountId, demoAccounts, eventually, payOnSandbox } from './testing/checkout-kit';

const ledgerQuery = `query ($id: ID!) { electricityAccount(id: $id) { balance { amount } ledger(first: 100) { edges { node { kind amount { amount } } } } } }`;
const unlinkMutation = `mutation ($input: AccountIdInput!) { unlinkElectricityAccount(input: $input) { __typename } }`;

/**
 * A checkout made while the login held its accounts must not be paid once one of them is
 * released: the utility says so in an event, payments cancels the checkout, and money the
 * provider takes through the stale page anyway goes back to the card, never to a ledger.
 */
describe('checkouts of a released account', () => {
  let t: TestStack;
  let token: string;
  let operator: string;

  beforeAll(async () => {
    t = await startTestStack();
    token = await loginAs(t, demoUsers.demo);
    // The supplier's operator still sees the account's ledger after the login lets go of it.
    operator = await loginAs(t, demoOperators.kyivEnergo);
  });
  afterAll(() => t?.stop());

  const create = (items: { utility: string; accountId: string; amount: string }[]) => t.gql(createCheckoutMutation, { token, variables: { input: checkoutInput(t, items) } });
  const read = async (id: string) => expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id } })).checkout;
  const ledger = async (id: string) =>
    expectNoGraphQLErrors(await t.gql(ledgerQuery, { token: operator, variables: { id } })).electricityAccount as {
      balance: { amount: string };
      ledger: { edges: { node: { kind: string; amount: { amount: string } } }[] };
    };

  it('cancels the checkout, refunds what the stale page took and posts nothing', async () => {
    const { kyivEnergo } = demoAccounts;
    const before = await ledger(kyivEnergo.accountId);
    const checkout = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: kyivEnergo.accountId, amount: '55.55' }])).createCheckout;
    expect(checkout.status).toBe('PENDING');

    expectNoGraphQLErrors(await t.gql(unlinkMutation, { token, variables: { input: { accountId: kyivEnergo.accountId } } }));
    await eventually('the cancellation', async () => ((await read(checkout.id)).status === 'CANCELLED' ? true : undefined));
    expect(await read(checkout.id)).toMatchObject({ refusal: 'ACCOUNT_RELEASED', capturedAt: null });

    // The payer still had the provider's page open, and pays on it.
    await payOnSandbox(checkout.paymentUrl, 'pay');
    await eventually('the refund', async () => ((await read(checkout.id)).status === 'REVERSED' ? true : undefined));
    expect(await read(checkout.id)).toMatchObject({ refusal: 'ACCOUNT_RELEASED', capturedAt: null, receiptUrl: null });
    expect(t.stack.liqpaySandbox!.order('sandbox_kabinet', checkout.id)?.status).toBe('reversed');

    // Give a posting every chance to arrive: there is none, and the balance is as it was.
    await sleep(1_000);
    const after = await ledger(kyivEnergo.accountId);
    expect(after.ledger.edges.filter((edge) => edge.node.amount.amount === '-55.55' || edge.node.amount.amount === '55.55')).toEqual([]);
    expect(after.balance.amount).toBe(before.balance.amount);

    // And a new checkout for it is refused.
    expectErrorCode(await create([{ utility: 'ELECTRICITY', accountId: kyivEnergo.accountId, amount: '55.55' }]), 'ACCOUNT_NOT_HELD');
  });

  it('leaves a checkout captured before the release as it was, and cancels only the released account\'s', async () => {
    const { lvivEnergo, kyivTeplo } = demoAccounts;
    const paid = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: lvivEnergo.accountId, amount: '12.34' }])).createCheckout;
    await payOnSandbox(paid.paymentUrl, 'pay');
    expect((await read(paid.id)).status).toBe('CAPTURED');
    const other = expectNoGraphQLErrors(await create([{ utility: 'HEAT', accountId: kyivTeplo.accountId, amount: '12.35' }])).createCheckout;
    const both = expectNoGraphQLErrors(
      await create([
        { utility: 'HEAT', accountId: kyivTeplo.accountId, amount: '12.36' },
        { utility: 'ELECTRICITY', accountId: lvivEnergo.accountId, amount: '12.37' },
      ]),
    ).createCheckout;

    expectNoGraphQLErrors(await t.gql(unlinkMutation, { token, variables: { input: { accountId: lvivEnergo.accountId } } }));
    // One debit pays every item: a checkout with the released account among others is cancelled whole.
    await eventually('the cancellation', async () => ((await read(both.id)).status === 'CANCELLED' ? true : undefined));
    expect((await read(paid.id)).status).toBe('CAPTURED');
    expect((await read(other.id)).status).toBe('PENDING');
  });

  it("cancels a deactivated login's unpaid checkouts: what its open page takes goes back to the card", async () => {
    const neighbour = await loginAs(t, demoUsers.second);
    const odesa = demoAccountId('electricity', 'odesa-energo', 'OD4412907');
    const odesaOperator = await loginAs(t, demoOperators.odesaEnergo);
    const balance = async () => expectNoGraphQLErrors(await t.gql(ledgerQuery, { token: odesaOperator, variables: { id: odesa } })).electricityAccount.balance.amount;
    const before = await balance();
    const checkout = expectNoGraphQLErrors(
      await t.gql(createCheckoutMutation, { token: neighbour, variables: { input: checkoutInput(t, [{ utility: 'ELECTRICITY', accountId: odesa, amount: '66.66' }]) } }),
    ).createCheckout;
    expect(checkout.status).toBe('PENDING');

    expectNoGraphQLErrors(await t.gql(`mutation ($input: DeactivateAccountInput!) { deactivateAccount(input: $input) { ok } }`, { token: neighbour, variables: { input: { password: demoUsers.second.password } } }));
    // The login can read nothing any more: its checkout's state is read where payments keeps it.
    const statusOf = async () => (await t.stack.database.db.select({ status: payments.status, refusal: payments.refusal }).from(payments).where(eq(payments.id, checkout.id)))[0];
    await eventually('the cancellation', async () => ((await statusOf())?.status === 'CANCELLED' ? true : undefined));
    expect((await statusOf())?.refusal).toBe('ACCOUNT_RELEASED');

    await payOnSandbox(checkout.paymentUrl, 'pay');
    await eventually('the refund', async () => ((await statusOf())?.status === 'REVERSED' ? true : undefined));
    expect(t.stack.liqpaySandbox!.order('sandbox_kabinet', checkout.id)?.status).toBe('reversed');
    await sleep(1_000);
    expect(await balance()).toBe(before);
  });
});
