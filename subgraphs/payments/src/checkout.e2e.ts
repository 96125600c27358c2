import { demoUsers } from '@kabinet/demo';
import { expectErrorCode, expectNoGraphQLErrors, pdfText, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkoutInput,
  checkoutQuery,
  createCheckoutMutation,
  demoAccounts,
  eventually,
  payOnSandbox,
} from './testing/checkout-kit';

const accountQuery = (utility: 'electricity' | 'heat') => `query ($id: ID!) {
  account: ${utility}Account(id: $id) {
    balance { amount currency }
    amountDue { amount currency }
    ledger(first: 50) { edges { node { kind amount { amount } description } } }
  }
}`;

const minor = (amount: string) => Math.round(Number(amount) * 100);

describe('checkout: one payment for accounts of several utilities and suppliers', () => {
  let t: TestStack;
  let token: string;

  beforeAll(async () => {
    t = await startTestStack();
    token = await loginAs(t, demoUsers.demo);
  });
  afterAll(() => t?.stop());

  const balanceOf = async (utility: 'electricity' | 'heat', id: string) => {
    const data = expectNoGraphQLErrors(await t.gql(accountQuery(utility), { token, variables: { id } }));
    return data.account;
  };

  it('pays an electricity and a heat account of different suppliers through the LiqPay sandbox, posting each once', async () => {
    const { kyivEnergo, kyivTeplo } = demoAccounts;
    const before = { electricity: await balanceOf('electricity', kyivEnergo.accountId), heat: await balanceOf('heat', kyivTeplo.accountId) };

    const created = expectNoGraphQLErrors(
      await t.gql(createCheckoutMutation, {
        token,
        variables: {
          input: checkoutInput(t, [
            { utility: 'ELECTRICITY', accountId: kyivEnergo.accountId, amount: '412.30' },
            // As a Ukrainian keyboard types it.
            { utility: 'HEAT', accountId: kyivTeplo.accountId, amount: '1000,00' },
          ]),
        },
      }),
    ).createCheckout;
    expect(created).toMatchObject({ status: 'PENDING', total: { amount: '1412.30', currency: 'UAH' }, receiptUrl: null });
    expect(created.items).toEqual([
      expect.objectContaining({ accountId: kyivEnergo.accountId, supplierName: kyivEnergo.supplier, accountNumber: kyivEnergo.number, amount: { amount: '412.30', currency: 'UAH' } }),
      expect.objectContaining({ accountId: kyivTeplo.accountId, supplierName: kyivTeplo.supplier, accountNumber: kyivTeplo.number, amount: { amount: '1000.00', currency: 'UAH' } }),
    ]);
    expect(created.paymentUrl).toContain(`${t.stack.liqpaySandbox!.url}/api/3/checkout?data=`);

    // One card debit, split between the two suppliers' merchants.
    const order = await (async () => {
      await fetch(created.paymentUrl);
      return t.stack.liqpaySandbox!.order('sandbox_kabinet', created.id)!;
    })();
    expect(order.amountMinor).toBe(141_230);
    expect(order.splits).toEqual(
      expect.arrayContaining([
        { publicKey: 'sandbox_kyiv_energo', amountMinor: 41_230 },
        { publicKey: 'sandbox_kyiv_teplo', amountMinor: 100_000 },
      ]),
    );

    const paid = await payOnSandbox(created.paymentUrl, 'pay');
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(checkoutInput(t, []).returnUrl);

    const captured = expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id: created.id } })).checkout;
    expect(captured).toMatchObject({ status: 'CAPTURED', providerStatus: 'success' });
    expect(captured.capturedAt).toBeTruthy();

    // Each ledger gets its item once, through the outbox and the utility's consumer.
    const posted = (account: any, amount: string) => account.ledger.edges.filter((edge: any) => edge.node.kind === 'PAYMENT' && edge.node.amount.amount === amount).length;
    await eventually('both postings', async () =>
      posted(await balanceOf('electricity', kyivEnergo.accountId), '-412.30') === 1 && posted(await balanceOf('heat', kyivTeplo.accountId), '-1000.00') === 1 ? true : undefined,
    );
    // Read once both have committed: a balance and its ledger in one answer are separate statements.
    const electricity = await balanceOf('electricity', kyivEnergo.accountId);
    const heat = await balanceOf('heat', kyivTeplo.accountId);
    expect([posted(electricity, '-412.30'), posted(heat, '-1000.00')]).toEqual([1, 1]);
    expect(minor(electricity.balance.amount)).toBe(minor(before.electricity.balance.amount) - 41_230);
    expect(minor(heat.balance.amount)).toBe(minor(before.heat.balance.amount) - 100_000);
    expect(minor(electricity.amountDue.amount)).toBe(Math.max(minor(electricity.balance.amount), 0));

    // The login's payments show it first, and its receipt names every supplier and account.
    const dashboard = expectNoGraphQLErrors(await t.gql(`{ me { payments(first: 1) { edges { node { id status total { amount } } } } } }`, { token }));
    expect(dashboard.me.payments.edges[0].node).toEqual({ id: created.id, status: 'CAPTURED', total: { amount: '1412.30' } });
    const receipt = await fetch(captured.receiptUrl);
    expect(receipt.status).toBe(200);
    expect(receipt.headers.get('content-type')).toBe('application/pdf');
    const text = pdfText(Buffer.from(await receipt.arrayBuffer()));
    for (const expected of [kyivEnergo.supplier, kyivEnergo.number, kyivTeplo.supplier, kyivTeplo.number]) expect(text).toContain(expected);
  });

  it('refuses accounts the login does not hold, and bad amounts, with typed errors', async () => {
    const neighbours = await loginAs(t, demoUsers.second);
    const notHeld = await t.gql(createCheckoutMutation, {
      token: neighbours,
      variables: { input: checkoutInput(t, [{ utility: 'ELECTRICITY', accountId: demoAccounts.kyivEnergo.accountId, amount: '10.00' }]) },
    });
    const refusedId = expectErrorCode(notHeld, 'ACCOUNT_NOT_HELD').extensions?.checkoutId as string;
    // Refused before any provider saw it: not among the login's payments, though it can still be looked up.
    const listed = expectNoGraphQLErrors(await t.gql('{ me { payments(first: 100) { edges { node { id } } } } }', { token: neighbours })).me.payments.edges;
    expect(listed.map((edge: { node: { id: string } }) => edge.node.id)).not.toContain(refusedId);
    expect(expectNoGraphQLErrors(await t.gql(checkoutQuery, { token: neighbours, variables: { id: refusedId } })).checkout).toMatchObject({ id: refusedId, status: 'REFUSED' });

    for (const [amount, code] of [
      ['0', 'AMOUNT_NOT_POSITIVE'],
      ['-5.00', 'AMOUNT_NOT_POSITIVE'],
      ['12.345', 'AMOUNT_FORMAT'],
      ['1e3', 'AMOUNT_FORMAT'],
      ['100000.01', 'AMOUNT_OVER_LIMIT'],
    ] as const) {
      const response = await t.gql(createCheckoutMutation, {
        token,
        variables: { input: checkoutInput(t, [{ utility: 'HEAT', accountId: demoAccounts.kyivTeplo.accountId, amount }]) },
      });
      expectErrorCode(response, code);
    }
  });
});
