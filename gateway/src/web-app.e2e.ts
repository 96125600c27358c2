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

describe('the web app in production: profile and security pages, and the pages a visitor uses without logging in', () => {
  let t: TestStack;
  const web = (name: string, variables: Record<string, unknown> = {}, token?: string) =>
    persistedRequest(t.url, { id: manifestOperation('kabinet-web', name).id, operationName: name, variables, token, clientName: 'kabinet-web' });
  const run = async (name: string, variables?: Record<string, unknown>, token?: string) => expectNoGraphQLErrors(await web(name, variables, token));
  const login = async (who: { email: string; password: string }) => (await run('Login', { input: { email: who.email, password: who.password } })).login.accessToken as string;

  beforeAll(async () => {
    // 1 December, 10:00 in Kyiv: November's reading windows are open for electricity and heat.
    t = await startTestStack({ now: '2026-12-01T08:00:00Z', env: { NODE_ENV: 'production', LIQPAY_PRIVATE_KEY: 'a-merchant-key-from-liqpay' } });
  });
  afterAll(() => t?.stop());

  it('edits the profile, changes the password, lists and revokes apps, and deactivates the login', async () => {
    const who = demoUsers.second;
    const token = await login(who);
    expect((await run('UpdateProfile', { input: { displayName: 'Сусід з 5-го', phone: '+380501234567' } }, token)).updateProfile.user).toMatchObject({ displayName: 'Сусід з 5-го', phone: '+380501234567' });
    expect((await run('Profile', {}, token)).me.displayName).toBe('Сусід з 5-го');

    const changed = (await run('ChangePassword', { input: { currentPassword: who.password, newPassword: 'a-new-long-passphrase-2026' } }, token)).changePassword;
    const fresh = changed.accessToken as string;
    expect((await run('AuthorizedApps', {}, fresh)).me.authorizedApps).toEqual([]);
    expect((await web('RevokeAppAuthorization', { clientId: 'demo-bank' }, fresh)).errors?.[0]?.extensions?.code).toBe('APP_NOT_AUTHORIZED');

    expect((await run('DeactivateAccount', { input: { password: 'a-new-long-passphrase-2026' } }, fresh)).deactivateAccount.ok).toBe(true);
    expect((await web('Login', { input: { email: who.email, password: 'a-new-long-passphrase-2026' } })).errors?.[0]?.extensions?.code).toBe('ACCOUNT_DEACTIVATED');
  });

  it('quotes tariffs and takes a household\'s readings by account number, without a login', async () => {
    const suppliers = await run('Suppliers');
    const kyivEnergo = suppliers.electricitySuppliers.find((supplier: { name: string }) => /Київ/.test(supplier.name));
    const kyivTeplo = suppliers.heatSuppliers.find((supplier: { name: string }) => /Київ/.test(supplier.name));
    const electricityQuote = (await run('ElectricityTariffQuote', { input: { supplierId: kyivEnergo.id, consumption: [{ zone: 'SINGLE', value: '100' }] } })).electricityTariffQuote;
    expect(electricityQuote.total.currency).toBe('UAH');
    expect(Number(electricityQuote.total.amount)).toBeGreaterThan(0);
    // 2 Gcal at Kyivteploenergo's 1654.18.
    expect((await run('HeatTariffQuote', { input: { supplierId: kyivTeplo.id, consumption: [{ zone: 'HEAT', value: '2' }] } })).heatTariffQuote.total).toEqual({ amount: '3308.36', currency: 'UAH' });

    // The household's meters and their last values, as its holder sees them.
    const token = await login(demoUsers.demo);
    const { me } = await run('PayableAccounts', {}, token);
    for (const [name, field, account] of [
      ['Electricity', 'electricityAccount', me.electricityAccounts.find((candidate: Account) => candidate.accountNumber === '10234567')],
      ['Heat', 'heatAccount', me.heatAccounts.find((candidate: Account) => candidate.accountNumber === '260114400118700')],
    ] as const) {
      const { meters } = (await run(`${name}Account`, { id: account.id }, token))[field];
      const meter = meters[0];
      const readings = meter.latestReadings.map((reading: { zone: string; value: string }) => ({ meterSerialNumber: meter.serialNumber, zone: reading.zone, value: String(Number(reading.value) + 1) }));
      const supplierId = (name === 'Electricity' ? kyivEnergo : kyivTeplo).id;
      const input = { supplierId, accountNumber: account.accountNumber, check: 'HOLDER_SURNAME', checkValue: demoUsers.demo.surname, readings };
      const accepted = (await run(`Submit${name}ReadingsAnonymously`, { input }))[`submit${name}ReadingsAnonymously`];
      expect(accepted).toMatchObject({ period: '2026-11', acceptedReadings: readings.length });
      expect(accepted.preliminaryCharge.total.currency).toBe('UAH');
    }
  });
});
