import { demoBankAccounts, demoOperators, demoUsers } from '@kabinet/demo';
import { expectErrorCode, expectNoGraphQLErrors, loginAs, pdfText, startTestStack, type TestStack } from '@kabinet/testing';
import { rowsOf } from '@kabinet/db';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inGroups } from './providers/bank-transfer/page';
import { demoAccountId, eventually } from './testing/checkout-kit';

/*
 * Paying by bank transfer: Kabinet gives each item's supplier details and NBU QR code, the money
 * goes straight to each supplier's bank, and each supplier's bank registry, uploaded by its
 * operator days later, settles the items. The second demo login holds Odesa electricity and
 * Kharkiv heat, the two suppliers whose demo operators upload registries.
 */

const odesa = { utility: 'ELECTRICITY', accountId: demoAccountId('electricity', 'odesa-energo', 'OD4412907'), number: 'OD4412907' };
const kharkiv = { utility: 'HEAT', accountId: demoAccountId('heat', 'kharkiv-teplo', 'ХТМ-004518'), number: 'ХТМ-004518' };
const kamchatka = { utility: 'ELECTRICITY', accountId: demoAccountId('electricity', 'kamchatka-energo', '4100112233') };

const checkoutFields = `id status total { amount currency } paymentUrl providerStatus refusal receiptUrl capturedAt provider
  items { utility accountId accountNumber amount { amount } transfer { recipient recipientCode iban amount { amount currency } purpose reference qrLink received { amount } } }`;
const createMutation = `mutation Pay($input: CreateCheckoutInput!) { createCheckout(input: $input) { ${checkoutFields} } }`;
const checkoutQuery = `query Checkout($id: ID!) { checkout(id: $id) { ${checkoutFields} } }`;
const balanceQuery = `query ($e: ID!, $h: ID!) {
  e: electricityAccount(id: $e) { balance { amount } ledger(first: 50) { edges { node { kind description } } } }
  h: heatAccount(id: $h) { balance { amount } ledger(first: 50) { edges { node { kind description } } } }
}`;

const minor = (amount: string) => Math.round(Number(amount) * 100);
const ibanOf = (supplierCode: string) => demoBankAccounts.find((account) => account.supplierCode === supplierCode)!.iban;

describe('checkout by bank transfer: the suppliers’ details and QR codes, settled by their bank registries', () => {
  let t: TestStack;
  let token: string;
  let origin: string;

  beforeAll(async () => {
    t = await startTestStack({ now: '2026-11-30T10:00:00+02:00', env: { JOBS_INTERVAL_SECONDS: '1' } });
    token = await loginAs(t, demoUsers.second);
    origin = t.stack.gateway.url.replace('localhost', '127.0.0.1');
  });
  afterAll(() => t?.stop());

  const pay = (items: { utility: string; accountId: string; amount: string }[]) =>
    t.gql(createMutation, { token, variables: { input: { items, provider: 'BANK_TRANSFER', idempotencyKey: `key-${crypto.randomUUID()}`, returnUrl: `${origin}/payments/return` } } });
  const read = async (id: string) => expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id } })).checkout;
  /** The checkout once `check` holds of it, as the relay and the jobs get to it. */
  const readWhen = (id: string, what: string, check: (checkout: any) => boolean) =>
    eventually(what, async () => {
      const checkout = await read(id);
      return check(checkout) ? checkout : undefined;
    });

  /** The supplier's bank registry of one transfer, uploaded by that supplier's operator. */
  const upload = async (utility: 'electricity' | 'heat', operator: { email: string; password: string }, row: { accountNumber: string; amount: string; reference: string; purpose?: string }) => {
    // Without a purpose: the bank's export without that column.
    const csv = (
      row.purpose === undefined
        ? ['Дата;Особовий рахунок;Сума;Номер документа', `29.11.2026;${row.accountNumber};${row.amount};${row.reference}`]
        : ['Дата;Особовий рахунок;Сума;Номер документа;Призначення платежу', `29.11.2026;${row.accountNumber};${row.amount};${row.reference};${row.purpose}`]
    ).join('\n');
    const response = await fetch(`${origin}/operator/payment-registries/${utility}?source=PrivatBank`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv; charset=utf-8', authorization: `Bearer ${await loginAs(t, operator)}` },
      body: csv,
    });
    expect(response.status).toBe(200);
    return response.json();
  };

  it('gives each item its supplier’s details, and captures the checkout once both registries bring its transfers, each posted once', async () => {
    const before = expectNoGraphQLErrors(await t.gql(balanceQuery, { token, variables: { e: odesa.accountId, h: kharkiv.accountId } }));
    const created = expectNoGraphQLErrors(
      await pay([
        { utility: odesa.utility, accountId: odesa.accountId, amount: '300.00' },
        { utility: kharkiv.utility, accountId: kharkiv.accountId, amount: '450,50' },
      ]),
    ).createCheckout;
    expect(created).toMatchObject({ status: 'PENDING', provider: 'BANK_TRANSFER', total: { amount: '750.50', currency: 'UAH' }, receiptUrl: null });
    const [electricity, heat] = created.items.map((item: any) => item.transfer);
    expect(electricity).toMatchObject({ iban: ibanOf('odesa-energo'), recipientCode: '90000033', amount: { amount: '300.00', currency: 'UAH' }, received: { amount: '0.00' } });
    expect(heat).toMatchObject({ iban: ibanOf('kharkiv-teplo'), amount: { amount: '450.50', currency: 'UAH' } });
    for (const [transfer, number] of [[electricity, odesa.number], [heat, kharkiv.number]]) {
      expect(transfer.reference).toMatch(/^KB[0-9A-HJKMNP-TV-Z]{10}$/);
      expect(transfer.purpose).toContain(number);
      expect(transfer.purpose).toContain(transfer.reference);
      expect(transfer.qrLink).toMatch(/^https:\/\/qr\.bank\.gov\.ua\/[A-Za-z0-9_-]+$/);
    }
    expect(electricity.reference).not.toBe(heat.reference);

    // The page: both transfers, their QR codes and links for a banking app, kept from other sites.
    expect(created.paymentUrl).toMatch(new RegExp(`/files/payments/transfers/${created.id}\\?token=`));
    const page = await fetch(created.paymentUrl.replace('localhost', '127.0.0.1'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    for (const transfer of [electricity, heat]) {
      expect(html).toContain(inGroups(transfer.iban));
      expect(html).toContain(transfer.reference);
      expect(html).toContain(`href="${transfer.qrLink}"`);
    }
    expect(html.match(/<svg/g)).toHaveLength(2);
    const forged = await fetch(created.paymentUrl.replace(/token=[^&]+/, 'token=forged'));
    expect(forged.status).toBe(403);

    // Odesa's bank brings the electricity transfer, its purpose as the bank wrote it (upper case).
    const odesaReport = await upload('electricity', demoOperators.odesaEnergo, { accountNumber: odesa.number, amount: '300,00', reference: 'PB-7001', purpose: electricity.purpose.toUpperCase() });
    expect(odesaReport).toMatchObject({ posted: 1, transfers: 1 });
    const halfway = await readWhen(created.id, 'the electricity transfer to be counted', (checkout) => checkout.items[0].transfer.received.amount === '300.00');
    expect(halfway).toMatchObject({ status: 'PENDING', receiptUrl: null });

    const kharkivReport = await upload('heat', demoOperators.kharkivTeplo, { accountNumber: kharkiv.number, amount: '450,50', reference: 'PB-7002', purpose: heat.purpose });
    expect(kharkivReport).toMatchObject({ posted: 1, transfers: 1 });
    const captured = await readWhen(created.id, 'the checkout to be captured', (checkout) => checkout.status === 'CAPTURED');
    expect(captured).toMatchObject({
      providerStatus: 'received',
      items: [{ transfer: { received: { amount: '300.00' }, qrLink: null } }, { transfer: { received: { amount: '450.50' }, qrLink: null } }],
    });
    const receipt = await fetch(captured.receiptUrl.replace('localhost', '127.0.0.1'));
    expect(receipt.status).toBe(200);
    const receiptText = await pdfText(Buffer.from(await receipt.arrayBuffer()));
    expect(receiptText).toContain('Переказ за реквізитами');
    // The bank's day, the day before the registry reached Kabinet.
    expect(receiptText).toContain('Дата оплати 29.11.2026');
    expect(receiptText).toContain(kharkiv.number);

    // The same files again post nothing and settle nothing again.
    expect(await upload('electricity', demoOperators.odesaEnergo, { accountNumber: odesa.number, amount: '300,00', reference: 'PB-7001', purpose: electricity.purpose })).toMatchObject({ posted: 0, alreadyPosted: 1, transfers: 1 });
    expect(await upload('heat', demoOperators.kharkivTeplo, { accountNumber: kharkiv.number, amount: '450,50', reference: 'PB-7002', purpose: heat.purpose })).toMatchObject({ posted: 0, transfers: 1 });
    // Told again, and counted once: once payments has taken both tellings in.
    await eventually('the transfers told again to be delivered', async () => {
      const undelivered = await Promise.all(
        ['electricity', 'heat'].map((utility) =>
          t.stack.database.db.execute(sql`select 1 from ${sql.identifier(utility)}.outbox where topic = 'utility.transfer.received' and delivered_at is null`),
        ),
      );
      return undelivered.every((result) => rowsOf(result).length === 0) ? true : undefined;
    });
    expect((await read(created.id)).items.map((item: any) => item.transfer.received.amount)).toEqual(['300.00', '450.50']);
    const after = expectNoGraphQLErrors(await t.gql(balanceQuery, { token, variables: { e: odesa.accountId, h: kharkiv.accountId } }));
    expect(minor(after.e.balance.amount)).toBe(minor(before.e.balance.amount) - 30_000);
    expect(minor(after.h.balance.amount)).toBe(minor(before.h.balance.amount) - 45_050);
    expect(after.e.ledger.edges.filter((edge: any) => edge.node.description.includes('PB-7001'))).toHaveLength(1);
    expect(after.h.ledger.edges.filter((edge: any) => edge.node.description.includes('PB-7002'))).toHaveLength(1);
    expect((await read(created.id)).items[0].transfer.received.amount).toBe('300.00');

    const listed = expectNoGraphQLErrors(await t.gql('{ me { payments(first: 1) { edges { node { id status provider } } } } }', { token })).me.payments.edges;
    expect(listed).toEqual([{ node: { id: created.id, status: 'CAPTURED', provider: 'BANK_TRANSFER' } }]);
  });

  it('refuses a supplier that takes no transfers by the NBU’s details, or whose bank details are mistyped', async () => {
    expectErrorCode(await pay([{ utility: kamchatka.utility, accountId: kamchatka.accountId, amount: '100.00' }]), 'SUPPLIER_NOT_PAYABLE');
    const db = t.stack.database.db;
    await db.execute(sql`update payments.bank_accounts set iban = 'UA903999990000026000010235586' where supplier_code = 'kharkiv-teplo'`);
    try {
      expectErrorCode(await pay([{ utility: kharkiv.utility, accountId: kharkiv.accountId, amount: '100.00' }]), 'SUPPLIER_NOT_PAYABLE');
    } finally {
      await db.execute(sql`update payments.bank_accounts set iban = ${ibanOf('kharkiv-teplo')} where supplier_code = 'kharkiv-teplo'`);
    }
  });

  it('settles an item from a registry uploaded again with its purpose column, its rows posted the first time', async () => {
    const created = expectNoGraphQLErrors(await pay([{ utility: odesa.utility, accountId: odesa.accountId, amount: '64.20' }])).createCheckout;
    const { purpose } = created.items[0].transfer;
    expect(await upload('electricity', demoOperators.odesaEnergo, { accountNumber: odesa.number, amount: '64,20', reference: 'PB-7051' })).toMatchObject({ posted: 1, transfers: 0 });
    expect((await read(created.id)).status).toBe('PENDING');
    // The person types the reference off the screen on a Ukrainian keyboard: its К and В are Cyrillic.
    const typed = purpose.replace(/KB/, 'КВ');
    expect(await upload('electricity', demoOperators.odesaEnergo, { accountNumber: odesa.number, amount: '64,20', reference: 'PB-7051', purpose: typed })).toMatchObject({ posted: 0, alreadyPosted: 1, transfers: 1 });
    const captured = await readWhen(created.id, 'the checkout to be captured', (checkout) => checkout.status === 'CAPTURED');
    expect(captured.items[0].transfer.received.amount).toBe('64.20');
  });

  it('settles no item with another account’s transfer; unpaid details expire after a week, and a late transfer still captures', async () => {
    const created = expectNoGraphQLErrors(await pay([{ utility: odesa.utility, accountId: odesa.accountId, amount: '120.00' }])).createCheckout;
    const { reference, purpose } = created.items[0].transfer;

    // A neighbour's payment carrying this reference by mistake: posted to the neighbour's account, settling nothing here.
    expect(await upload('electricity', demoOperators.odesaEnergo, { accountNumber: 'OD7700112', amount: '120,00', reference: 'PB-7101', purpose: `${reference} помилково` })).toMatchObject({ posted: 1, transfers: 1 });
    // A partial payment is counted and leaves the checkout pending.
    expect(await upload('electricity', demoOperators.odesaEnergo, { accountNumber: odesa.number, amount: '20,00', reference: 'PB-7102', purpose })).toMatchObject({ posted: 1, transfers: 1 });
    await readWhen(created.id, 'the partial transfer to be counted', (checkout) => checkout.items[0].transfer.received.amount === '20.00');
    expect((await read(created.id)).status).toBe('PENDING');

    t.clock.set(new Date(t.clock.now().getTime() + 8 * 24 * 3600_000));
    const expired = await readWhen(created.id, 'the details to expire', (checkout) => checkout.status === 'FAILED');
    expect(expired.providerStatus).toBe('expired');
    const page = await (await fetch(expired.paymentUrl.replace('localhost', '127.0.0.1'))).text();
    expect(page).not.toContain('<svg');
    expect(page).toMatch(/no longer valid|не діють/);

    expect(await upload('electricity', demoOperators.odesaEnergo, { accountNumber: odesa.number, amount: '100,00', reference: 'PB-7103', purpose })).toMatchObject({ posted: 1, transfers: 1 });
    const captured = await readWhen(created.id, 'the late transfer to capture the checkout', (checkout) => checkout.status === 'CAPTURED');
    expect(captured.items[0].transfer.received.amount).toBe('120.00');
  });

  it('cancels the transfers of an account let go of: the page says not to pay, and money sent anyway stays posted to the account', async () => {
    const created = expectNoGraphQLErrors(await pay([{ utility: kharkiv.utility, accountId: kharkiv.accountId, amount: '75.00' }])).createCheckout;
    const { purpose } = created.items[0].transfer;
    // An older one whose details expired: a banking app may still send it, and it must not capture then.
    const older = expectNoGraphQLErrors(await pay([{ utility: kharkiv.utility, accountId: kharkiv.accountId, amount: '33.00' }])).createCheckout;
    await t.stack.database.db.execute(sql`update payments.payments set status = 'FAILED', provider_status = 'expired', page_expires_at = created_at where id = ${older.id}`);
    expectNoGraphQLErrors(await t.gql('mutation ($input: AccountIdInput!) { unlinkHeatAccount(input: $input) { __typename } }', { token, variables: { input: { accountId: kharkiv.accountId } } }));
    const cancelled = await readWhen(created.id, 'the checkout to be cancelled', (checkout) => checkout.status === 'CANCELLED');
    expect(cancelled.refusal).toBe('ACCOUNT_RELEASED');
    expect(await read(older.id)).toMatchObject({ status: 'CANCELLED', refusal: 'ACCOUNT_RELEASED' });
    const page = await (await fetch(cancelled.paymentUrl.replace('localhost', '127.0.0.1'))).text();
    expect(page).not.toContain('<svg');
    expect(page).toMatch(/do not pay|не сплачуйте/);

    expect(await upload('heat', demoOperators.kharkivTeplo, { accountNumber: kharkiv.number, amount: '75,00', reference: 'PB-7201', purpose })).toMatchObject({ posted: 1, transfers: 1 });
    await readWhen(created.id, 'the transfer to be counted', (checkout) => checkout.items[0].transfer.received.amount === '75.00');
    expect((await read(created.id)).status).toBe('CANCELLED');
  });
});
