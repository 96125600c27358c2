import { randomUUID } from 'node:crypto';
import { demoUsers } from '@kabinet/demo';
import { expectNoGraphQLErrors, manifestOperation, persistedRequest, startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/*
 * What the web and mobile apps do, as they do it in production: FIRST_PARTY_OPERATIONS=safelist,
 * so every operation goes by the id of schema/clients/kabinet-web/*.graphql. An operation the
 * cabinet needs and the manifest lacks fails here with PERSISTED_QUERY_NOT_IN_LIST.
 */

type Account = { id: string; accountNumber: string; supplier: { name: string; currency: string }; amountDue: { amount: string; currency: string } };

describe('the web app in production: every cabinet page and the payment flow from its manifest', () => {
  let t: TestStack;
  let token: string;
  const web = (name: string, variables: Record<string, unknown> = {}) =>
    persistedRequest(t.url, { id: manifestOperation('kabinet-web', name).id, operationName: name, variables, token, clientName: 'kabinet-web' });
  const run = async (name: string, variables?: Record<string, unknown>) => expectNoGraphQLErrors(await web(name, variables));

  beforeAll(async () => {
    t = await startTestStack({ env: { NODE_ENV: 'production', LIQPAY_PRIVATE_KEY: 'a-merchant-key-from-liqpay' } });
    expect(t.config.gateway.firstPartyOperations).toBe('safelist');
    token = (await run('Login', { input: { email: demoUsers.demo.email, password: demoUsers.demo.password } })).login.accessToken;
  });
  afterAll(() => t?.stop());

  it('pays: amounts due, a checkout for an electricity and a heat account, its status, and the payments history page by page', async () => {
    const { me } = await run('PayableAccounts');
    const accounts: Account[] = [...me.electricityAccounts, ...me.heatAccounts];
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    for (const account of accounts) expect(account.amountDue.currency).toBe(account.supplier.currency);
    const electricity: Account = me.electricityAccounts[0];
    const heat: Account = me.heatAccounts.find((account: Account) => account.supplier.currency === electricity.supplier.currency);

    const input = {
      items: [
        { utility: 'ELECTRICITY', accountId: electricity.id, amount: '12.30' },
        { utility: 'HEAT', accountId: heat.id, amount: '45.60' },
      ],
      provider: 'LIQPAY',
      idempotencyKey: randomUUID(),
      returnUrl: `${new URL(t.url).origin}/payments/return`,
    };
    const created = (await run('CreateCheckout', { input })).createCheckout;
    expect(created.total).toEqual({ amount: '57.90', currency: electricity.supplier.currency });
    const polled = (await run('Checkout', { id: created.id })).checkout;
    expect(polled.id).toBe(created.id);
    expect(polled.items.map((item: { accountNumber: string }) => item.accountNumber).sort()).toEqual([electricity.accountNumber, heat.accountNumber].sort());

    const first = (await run('Payments', { first: 2 })).me.payments;
    expect(first.edges[0].node.id).toBe(created.id);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await run('Payments', { first: 2, after: first.pageInfo.endCursor })).me.payments;
    expect(second.edges.length).toBeGreaterThan(0);
    const ids = (page: { edges: { node: { id: string } }[] }) => page.edges.map((edge) => edge.node.id);
    expect(ids(second).filter((id) => ids(first).includes(id))).toEqual([]);
  });

  it('shows each account\'s page: amount due, bills and one bill, the ledger page by page, payments by month, appeals', async () => {
    const { me } = await run('PayableAccounts');
    for (const [name, field, id] of [
      ['Electricity', 'electricityAccount', me.electricityAccounts[0].id],
      ['Heat', 'heatAccount', me.heatAccounts[0].id],
    ] as const) {
      const account = (await run(`${name}Account`, { id }))[field];
      expect(account.amountDue.currency).toBe(account.supplier.currency);
      expect(account.bills.edges.length).toBeGreaterThan(0);
      expect(account.paymentsReport).toEqual(expect.any(Array));
      expect(account.meters.length).toBeGreaterThan(0);

      const { period } = account.bills.edges[0].node;
      const bill = (await run(`${name}Bill`, { id, period }))[field].bill;
      expect(bill.period).toBe(period);
      expect(bill.lines.length).toBeGreaterThan(0);

      const bills = (await run(`${name}Bills`, { id, after: account.bills.pageInfo.endCursor }))[field].bills;
      expect(bills.edges.map((edge: { node: { period: string } }) => edge.node.period)).not.toContain(period);
      expect(account.ledger.edges.length).toBeGreaterThan(0);
      if (account.ledger.pageInfo.hasNextPage) {
        const more = (await run(`${name}Ledger`, { id, after: account.ledger.pageInfo.endCursor }))[field].ledger;
        expect(more.edges.length).toBeGreaterThan(0);
      }
      expect((await run(`${name}Appeals`, { id }))[field].appeals).toEqual(expect.any(Array));
    }
  });

  it('links and unlinks an account with the supplier\'s rules, files an appeal and manages e-receipts', async () => {
    const suppliers = await run('Suppliers');
    const kyiv = suppliers.electricitySuppliers.find((supplier: { name: string }) => /Київ|Kyiv/i.test(supplier.name));
    expect(kyiv.linkProofs).toContain('HOLDER_SURNAME');
    expect(suppliers.heatSuppliers.length).toBeGreaterThan(0);

    const linked = (await run('LinkElectricityAccount', { input: { supplierId: kyiv.id, accountNumber: '10987654', proof: { kind: 'HOLDER_SURNAME', value: 'Ковальчук' } } }))
      .linkElectricityAccount.account;
    const appeal = (await run('CreateElectricityAppeal', { input: { accountId: linked.id, kind: 'QUESTION', subject: 'Показники', body: 'Коли наступна повірка?' } }))
      .createElectricityAppeal.appeal;
    expect((await run('ReplyToElectricityAppeal', { input: { appealId: appeal.id, body: 'Дякую' } })).replyToElectricityAppeal.appeal.messages).toHaveLength(2);
    expect((await run('CloseElectricityAppeal', { input: { appealId: appeal.id } })).closeElectricityAppeal.appeal.status).toBe('CLOSED');
    expect((await run('SubscribeElectricityEReceipts', { input: { accountId: linked.id, email: `paper-${randomUUID()}@example.com` } })).subscribeElectricityEReceipts.subscription.status).toBe(
      'PENDING',
    );
    expect((await run('UnsubscribeElectricityEReceipts', { input: { accountId: linked.id } })).unsubscribeElectricityEReceipts).toBeTruthy();
    expect((await run('UnlinkElectricityAccount', { input: { accountId: linked.id } })).unlinkElectricityAccount.accountId).toBe(linked.id);
    expect((await run('PayableAccounts')).me.electricityAccounts.map((account: Account) => account.id)).not.toContain(linked.id);
  });
});
