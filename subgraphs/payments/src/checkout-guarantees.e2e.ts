import { sandboxLiqPayPrivateKey } from '@kabinet/config';
import { demoUsers } from '@kabinet/demo';
import { majorUnits, signed } from '@kabinet/liqpay';
import { formatDateTime } from '@kabinet/pdf';
import { expectErrorCode, expectNoGraphQLErrors, loginAs, pdfText, startTestStack, type TestStack } from '@kabinet/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutInput, checkoutQuery, createCheckoutMutation, demoAccountId, demoAccounts, eventually, payOnSandbox } from './testing/checkout-kit';

/** `db.execute` rows, whichever driver (PGlite answers `{ rows }`, postgres.js an array). */
const rowsOf = <TRow>(result: unknown): TRow[] => (Array.isArray(result) ? result : (result as { rows: TRow[] }).rows) as TRow[];

const kabinetMerchant = { publicKey: 'sandbox_kabinet', privateKey: sandboxLiqPayPrivateKey };

const ledgerQuery = (utility: 'electricity' | 'heat') => `query ($id: ID!) {
  account: ${utility}Account(id: $id) { balance { amount } ledger(first: 100) { edges { node { kind amount { amount } } } } }
}`;

describe('checkout guarantees', () => {
  let t: TestStack;
  let token: string;
  let gatewayOrigin: string;

  beforeAll(async () => {
    t = await startTestStack();
    token = await loginAs(t, demoUsers.demo);
    gatewayOrigin = t.stack.gateway.url.replace('localhost', '127.0.0.1');
  });
  afterAll(() => t?.stop());

  const create = (items: { utility: string; accountId: string; amount: string }[], key?: string, as = token) =>
    t.gql(createCheckoutMutation, { token: as, variables: { input: checkoutInput(t, items, key) } });
  const read = async (id: string) => expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id } })).checkout;
  const ledger = async (utility: 'electricity' | 'heat', id: string) =>
    expectNoGraphQLErrors(await t.gql(ledgerQuery(utility), { token, variables: { id } })).account as {
      balance: { amount: string };
      ledger: { edges: { node: { kind: string; amount: { amount: string } } }[] };
    };
  const entriesOf = async (utility: 'electricity' | 'heat', id: string, kind: string, amount: string) =>
    (await ledger(utility, id)).ledger.edges.filter((edge) => edge.node.kind === kind && edge.node.amount.amount === amount).length;

  /** A callback as LiqPay would post it about `checkout` (signed now, by the stack's clock), signed with Kabinet's merchant key (or another). */
  const callback = (checkout: { id: string; total: { amount: string; currency: string } }, status: string, extra: Record<string, unknown> = {}, keys = kabinetMerchant) =>
    signed(keys, {
      version: 3,
      action: 'pay',
      status,
      payment_id: 1_500_000_001,
      order_id: checkout.id,
      amount: majorUnits(Math.round(Number(checkout.total.amount) * 100)),
      currency: checkout.total.currency,
      description: 'test',
      create_date: t.clock.now().getTime(),
      ...extra,
    });
  /** Provider news matching no checkout of ours, as kept for an operator. */
  const unmatched = async (orderId: string) =>
    rowsOf<{ reason: string; provider_status: string; amount_minor: string }>(
      await t.stack.database.db.execute(
        sql`select reason, provider_status, amount_minor::text as amount_minor from payments.unmatched_notices where order_id = ${orderId} order by received_at, reason`,
      ),
    );
  const post = (message: { data: string; signature: string }) =>
    fetch(`${gatewayOrigin}/callbacks/liqpay`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(message),
    });

  it('returns the same checkout for a retried request with the same key, and refuses the key for another request', async () => {
    const items = [{ utility: 'ELECTRICITY', accountId: demoAccounts.lvivEnergo.accountId, amount: '120.00' }];
    const key = `retry-${crypto.randomUUID()}`;
    // Two devices (or a retry racing the first request) at once: one checkout.
    const answers = await Promise.all([create(items, key), create(items, key), create(items, key)]);
    const ids = answers.map((answer) => expectNoGraphQLErrors(answer).createCheckout.id);
    expect(new Set(ids).size).toBe(1);
    const again = expectNoGraphQLErrors(await create([{ ...items[0]!, amount: '120,0' }], key)).createCheckout;
    expect(again.id).toBe(ids[0]);
    expect(again.paymentUrl).toBe(answers[0]!.data!.createCheckout.paymentUrl);

    const changed = await create([{ ...items[0]!, amount: '121.00' }], key);
    expectErrorCode(changed, 'IDEMPOTENCY_KEY_REUSED');
    // A day and more later the key still stands for its checkout.
    const madeAt = t.clock.now();
    t.clock.set(new Date(madeAt.getTime() + 25 * 3600_000));
    try {
      expect(expectNoGraphQLErrors(await create(items, key)).createCheckout.id).toBe(ids[0]);
    } finally {
      t.clock.set(madeAt);
    }
    // Keys are per login: another login's same key is its own checkout.
    const neighbour = await loginAs(t, demoUsers.second);
    const odesa = demoAccountId('electricity', 'odesa-energo', 'OD4412907');
    const theirs = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: odesa, amount: '5.00' }], key, neighbour)).createCheckout;
    expect(theirs.id).not.toBe(ids[0]);
  });

  it('applies a callback once: a duplicate, a forged one and news older than the state change nothing', async () => {
    const checkout = expectNoGraphQLErrors(await create([{ utility: 'HEAT', accountId: demoAccounts.poltavaTeplo.accountId, amount: '333.33' }])).createCheckout;
    const forged = callback(checkout, 'success', {}, { publicKey: 'sandbox_kabinet', privateKey: 'someone-elses-key' });
    expect((await post(forged)).status).toBe(400);
    // The signature covers the exact data: one byte changed and it is refused.
    const genuine = callback(checkout, 'success');
    const tampered = { data: Buffer.from(Buffer.from(genuine.data, 'base64').toString().replace('333.33', '3.33')).toString('base64'), signature: genuine.signature };
    expect((await post(tampered)).status).toBe(400);
    expect((await read(checkout.id)).status).toBe('PENDING');

    // A signed callback for another amount than the checkout is refused and changes nothing; it is
    // kept for an operator.
    const otherAmount = await post(callback({ ...checkout, total: { ...checkout.total, amount: '1.00' } }, 'success'));
    expect(otherAmount.status).toBe(400);
    expect(await otherAmount.json()).toEqual({ status: 'mismatch' });
    expect((await read(checkout.id)).status).toBe('PENDING');
    expect(await unmatched(checkout.id)).toEqual([{ reason: 'mismatch', provider_status: 'success', amount_minor: '100' }]);

    expect((await post(genuine)).status).toBe(200);
    expect((await post(genuine)).status).toBe(200);
    // Late news of an earlier attempt: processing and failure after success.
    expect((await post(callback(checkout, 'processing'))).status).toBe(200);
    expect((await post(callback(checkout, 'failure', { payment_id: 1_500_000_000 }))).status).toBe(200);
    expect(await read(checkout.id)).toMatchObject({ status: 'CAPTURED', providerStatus: 'success' });

    await eventually('the posting', async () => ((await entriesOf('heat', demoAccounts.poltavaTeplo.accountId, 'PAYMENT', '-333.33')) === 1 ? true : undefined));
    // Give a duplicate posting every chance to arrive: there is none.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await entriesOf('heat', demoAccounts.poltavaTeplo.accountId, 'PAYMENT', '-333.33')).toBe(1);
  });

  it("dedupes on the provider's payment and status, not on the message's exact bytes", async () => {
    const checkout = expectNoGraphQLErrors(await create([{ utility: 'HEAT', accountId: demoAccounts.poltavaTeplo.accountId, amount: '212.12' }])).createCheckout;
    const at = t.clock.now().getTime();
    const params = { version: 3, action: 'pay', payment_id: 1_500_000_101, order_id: checkout.id, amount: 212.12, currency: 'UAH', description: 'test', create_date: at };
    const reordered = (status: string, extra: Record<string, unknown> = {}) =>
      signed(kabinetMerchant, Object.fromEntries(Object.entries({ ...params, status, ...extra }).reverse()) as typeof params & { status: string });
    const answer = async (message: { data: string; signature: string }) => {
      const response = await post(message);
      expect(response.status).toBe(200);
      return ((await response.json()) as { status: string }).status;
    };
    const recorded = async () => {
      const result = (await t.stack.database.db.execute(sql`select event_id from payments.provider_callbacks where payment_id = ${checkout.id}`)) as unknown;
      return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { event_id: string }[];
    };

    expect(await answer(callback(checkout, '3ds_verify', { payment_id: 1_500_000_101, create_date: at }))).toBe('applied');
    // The same payment at the same status, its keys in another order and a field more: the same news.
    expect(await answer(reordered('3ds_verify', { paytype: 'card' }))).toBe('duplicate');
    // The same payment at a new status is news.
    expect(await answer(callback(checkout, 'success', { payment_id: 1_500_000_101, end_date: at + 1_000 }))).toBe('applied');
    expect(await answer(reordered('success', { end_date: at + 1_000, sender_card_mask2: '424242*42' }))).toBe('duplicate');
    expect(await read(checkout.id)).toMatchObject({ status: 'CAPTURED', providerStatus: 'success' });
    expect((await recorded()).map((row) => row.event_id).sort()).toEqual(['payment:1500000101:3ds_verify:21212', 'payment:1500000101:success:21212']);

    await eventually('the posting', async () => ((await entriesOf('heat', demoAccounts.poltavaTeplo.accountId, 'PAYMENT', '-212.12')) === 1 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await entriesOf('heat', demoAccounts.poltavaTeplo.accountId, 'PAYMENT', '-212.12')).toBe(1);
  });

  it('refuses, with a 200 the provider will not retry, a callback signed before its checkout was made or without a time', async () => {
    const checkout = expectNoGraphQLErrors(await create([{ utility: 'HEAT', accountId: demoAccounts.poltavaTeplo.accountId, amount: '7.77' }])).createCheckout;
    const before = t.clock.now().getTime() - 60 * 60_000;
    for (const message of [callback(checkout, 'success', { create_date: before, end_date: before }), callback(checkout, 'success', { create_date: undefined })]) {
      const response = await post(message);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'stale' });
    }
    expect(await read(checkout.id)).toMatchObject({ status: 'PENDING', capturedAt: null });
    // A fresh one is taken.
    expect(await (await post(callback(checkout, 'success'))).json()).toEqual({ status: 'applied' });
    expect((await read(checkout.id)).status).toBe('CAPTURED');
  });

  it('refuses, like a stale one, a callback signed further ahead of our clock than the allowed skew', async () => {
    const checkout = expectNoGraphQLErrors(await create([{ utility: 'HEAT', accountId: demoAccounts.poltavaTeplo.accountId, amount: '7.78' }])).createCheckout;
    const now = t.clock.now().getTime();
    // Ten minutes ahead: a provider clock that far off, or a message made up for later, is not trusted.
    for (const message of [callback(checkout, 'success', { create_date: now + 10 * 60_000 }), callback(checkout, 'success', { create_date: now, end_date: now + 10 * 60_000 })]) {
      const response = await post(message);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'stale' });
    }
    expect(await read(checkout.id)).toMatchObject({ status: 'PENDING', capturedAt: null });
    // Within the skew (a provider clock a minute fast) it is news.
    expect(await (await post(callback(checkout, 'success', { create_date: now, end_date: now + 60_000 }))).json()).toEqual({ status: 'applied' });
    expect((await read(checkout.id)).status).toBe('CAPTURED');
  });

  it('ends in the right state whatever order the callbacks come in', async () => {
    // `success` after `failure`: the payer tried again on the same page and paid.
    const retried = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: demoAccounts.kyivEnergo.accountId, amount: '10.01' }])).createCheckout;
    await post(callback(retried, '3ds_verify'));
    await post(callback(retried, 'failure'));
    expect((await read(retried.id)).status).toBe('FAILED');
    await post(callback(retried, 'success', { payment_id: 1_500_000_002 }));
    expect((await read(retried.id)).status).toBe('CAPTURED');

    // A declined payment takes nothing and posts nothing.
    const declined = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: demoAccounts.kyivEnergo.accountId, amount: '10.02' }])).createCheckout;
    await payOnSandbox(declined.paymentUrl, 'decline');
    expect(await read(declined.id)).toMatchObject({ status: 'FAILED', providerStatus: 'failure', receiptUrl: null });

    // 3-D Secure: pending while the bank asks for the code, paid after it.
    const secured = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: demoAccounts.kyivEnergo.accountId, amount: '10.03' }])).createCheckout;
    await payOnSandbox(secured.paymentUrl, '3ds');
    expect((await read(secured.id)).status).toBe('CAPTURED');
    await eventually('both postings', async () =>
      (await entriesOf('electricity', demoAccounts.kyivEnergo.accountId, 'PAYMENT', '-10.01')) === 1 &&
      (await entriesOf('electricity', demoAccounts.kyivEnergo.accountId, 'PAYMENT', '-10.03')) === 1
        ? true
        : undefined,
    );
    expect(await entriesOf('electricity', demoAccounts.kyivEnergo.accountId, 'PAYMENT', '-10.02')).toBe(0);
  });

  it('warns when an account already has a pending or captured payment since its latest bill', async () => {
    // Kamchatka's account has had no payment since its bill: the first checkout is no second payment.
    const neighbour = await loginAs(t, demoUsers.second);
    const kamchatka = demoAccountId('electricity', 'kamchatka-energo', '4100112233');
    const first = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: kamchatka, amount: '400.00' }], undefined, neighbour)).createCheckout;
    expect(first).toMatchObject({ status: 'PENDING', alreadyPaid: false, total: { currency: 'RUB' } });
    // The same household pays again from another device while the first is pending.
    const second = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: kamchatka, amount: '400.00' }], undefined, neighbour)).createCheckout;
    expect(second.alreadyPaid).toBe(true);
    expect(second.items[0].alreadyPaid).toBe(true);
  });

  it("prints a receipt's times in its supplier's clock (Kamchatka's, not Kyiv's)", async () => {
    const neighbour = await loginAs(t, demoUsers.second);
    const kamchatka = demoAccountId('electricity', 'kamchatka-energo', '4100112233');
    const checkout = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: kamchatka, amount: '150.00' }], undefined, neighbour)).createCheckout;
    await payOnSandbox(checkout.paymentUrl, 'pay');
    const paid = expectNoGraphQLErrors(await t.gql(checkoutQuery, { token: neighbour, variables: { id: checkout.id } })).checkout;
    const pdf = await fetch(paid.receiptUrl);
    expect(pdf.status).toBe(200);
    const text = pdfText(Buffer.from(await pdf.arrayBuffer()));
    expect(text).toContain(`${formatDateTime(new Date(paid.capturedAt), 'Asia/Kamchatka')} (за камчатським часом)`);
    expect(text).not.toContain('київським');
  });

  it('refuses a signed callback for an unknown order, changing nothing, and keeps it once for an operator', async () => {
    const orderId = crypto.randomUUID();
    const unknown = callback({ id: orderId, total: { amount: '10.00', currency: 'UAH' } }, 'success');
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await post(unknown);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ status: 'unknown-order' });
    }
    // Kept once, however often it comes.
    expect(await unmatched(orderId)).toEqual([{ reason: 'unknown-order', provider_status: 'success', amount_minor: '1000' }]);
    // An order id that is none of ours (another shop's on the same merchant) likewise.
    const foreign = callback({ id: 'shop-order-17', total: { amount: '10.00', currency: 'UAH' } }, 'success');
    expect(await (await post(foreign)).json()).toEqual({ status: 'unknown-order' });
    expect(await unmatched('shop-order-17')).toEqual([{ reason: 'unknown-order', provider_status: 'success', amount_minor: '1000' }]);
    // A checkout the provider was never given (still awaiting its utilities, or refused) is no order of the provider's either.
    const neighbour = await loginAs(t, demoUsers.second);
    const refused = await create([{ utility: 'ELECTRICITY', accountId: demoAccounts.kyivEnergo.accountId, amount: '10.00' }], undefined, neighbour);
    const refusedId = expectErrorCode(refused, 'ACCOUNT_NOT_HELD').extensions?.checkoutId as string;
    expect(await (await post(callback({ id: refusedId, total: { amount: '10.00', currency: 'UAH' } }, 'success'))).json()).toEqual({ status: 'unknown-order' });
    const [row] = rowsOf<{ status: string }>(await t.stack.database.db.execute(sql`select status from payments.payments where id = ${refusedId}`));
    expect(row!.status).toBe('REFUSED');
    // A forged one is not LiqPay's: refused (400), as nothing genuine would ever be retried there.
    expect((await post(callback({ id: orderId, total: { amount: '10.00', currency: 'UAH' } }, 'success', {}, { publicKey: 'sandbox_kabinet', privateKey: 'forged' }))).status).toBe(400);
  });

  it('posts a reversing entry on each ledger when a captured payment is returned to the card', async () => {
    const { kyivEnergo, kyivTeplo } = demoAccounts;
    const before = { electricity: (await ledger('electricity', kyivEnergo.accountId)).balance.amount, heat: (await ledger('heat', kyivTeplo.accountId)).balance.amount };
    const checkout = expectNoGraphQLErrors(
      await create([
        { utility: 'ELECTRICITY', accountId: kyivEnergo.accountId, amount: '77.70' },
        { utility: 'HEAT', accountId: kyivTeplo.accountId, amount: '88.80' },
      ]),
    ).createCheckout;
    await payOnSandbox(checkout.paymentUrl, 'pay');
    await eventually('the postings', async () => ((await entriesOf('heat', kyivTeplo.accountId, 'PAYMENT', '-88.80')) === 1 ? true : undefined));

    // The merchant refunds it at LiqPay (its cabinet, or a chargeback): LiqPay calls back `reversed`.
    const refund = signed(kabinetMerchant, { version: 3, action: 'refund', order_id: checkout.id, amount: 166.5 });
    const refunded = await fetch(`${t.stack.liqpaySandbox!.url}/api/request`, { method: 'POST', body: new URLSearchParams(refund) });
    expect(await refunded.json()).toMatchObject({ status: 'reversed' });
    expect((await read(checkout.id)).status).toBe('REVERSED');

    await eventually('the reversals', async () =>
      (await entriesOf('electricity', kyivEnergo.accountId, 'PAYMENT_REVERSAL', '77.70')) === 1 && (await entriesOf('heat', kyivTeplo.accountId, 'PAYMENT_REVERSAL', '88.80')) === 1
        ? true
        : undefined,
    );
    expect((await ledger('electricity', kyivEnergo.accountId)).balance.amount).toBe(before.electricity);
    expect((await ledger('heat', kyivTeplo.accountId)).balance.amount).toBe(before.heat);
  });

  it('acknowledges a partial refund and leaves the checkout and its ledger as they are', async () => {
    const { poltavaTeplo } = demoAccounts;
    const checkout = expectNoGraphQLErrors(await create([{ utility: 'HEAT', accountId: poltavaTeplo.accountId, amount: '90.00' }])).createCheckout;
    await payOnSandbox(checkout.paymentUrl, 'pay');
    await eventually('the posting', async () => ((await entriesOf('heat', poltavaTeplo.accountId, 'PAYMENT', '-90.00')) === 1 ? true : undefined));

    // The merchant returned 30 of the 90 in LiqPay's cabinet: LiqPay says `reversed` for 30.
    const partial = callback(checkout, 'reversed', { action: 'refund', amount: 30 });
    expect((await post(partial)).status).toBe(200);
    expect((await post(partial)).status).toBe(200);
    expect(await read(checkout.id)).toMatchObject({ status: 'CAPTURED', providerStatus: 'success' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await entriesOf('heat', poltavaTeplo.accountId, 'PAYMENT_REVERSAL', '90.00')).toBe(0);
    expect(await entriesOf('heat', poltavaTeplo.accountId, 'PAYMENT_REVERSAL', '30.00')).toBe(0);
    // More than was paid is no refund of this checkout: it changes nothing and is kept for an operator.
    expect(await (await post(callback(checkout, 'reversed', { amount: 90.01 }))).json()).toEqual({ status: 'mismatch' });
    expect(await read(checkout.id)).toMatchObject({ status: 'CAPTURED', providerStatus: 'success' });
    expect(await unmatched(checkout.id)).toEqual([{ reason: 'mismatch', provider_status: 'reversed', amount_minor: '9001' }]);
  });

  it('records two partial refunds of the same amount once each, and a retry of either as a duplicate', async () => {
    const { poltavaTeplo } = demoAccounts;
    const checkout = expectNoGraphQLErrors(await create([{ utility: 'HEAT', accountId: poltavaTeplo.accountId, amount: '91.00' }])).createCheckout;
    await payOnSandbox(checkout.paymentUrl, 'pay');
    const at = t.clock.now().getTime();
    // Two refunds of 20 made a minute apart in LiqPay's cabinet: one payment, one status, one amount, two refunds.
    const first = callback(checkout, 'reversed', { action: 'refund', amount: 20, end_date: at + 1_000 });
    const second = callback(checkout, 'reversed', { action: 'refund', amount: 20, end_date: at + 61_000 });
    const answer = async (message: { data: string; signature: string }) => ((await (await post(message)).json()) as { status: string }).status;
    expect(await answer(first)).toBe('recorded');
    expect(await answer(second)).toBe('recorded');
    expect(await answer(first)).toBe('duplicate');
    expect(await answer(second)).toBe('duplicate');
    expect(rowsOf(await t.stack.database.db.execute(sql`select event_id from payments.provider_callbacks where payment_id = ${checkout.id} and provider_status = 'reversed'`))).toHaveLength(2);
    expect(await read(checkout.id)).toMatchObject({ status: 'CAPTURED', providerStatus: 'success' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await entriesOf('heat', poltavaTeplo.accountId, 'PAYMENT_REVERSAL', '91.00')).toBe(0);
  });

  it('never lets a just-unlinked account be paid, and never mixes currencies', async () => {
    const neighbour = await loginAs(t, demoUsers.second);
    const odesa = demoAccountId('electricity', 'odesa-energo', 'OD4412907');
    const kamchatka = demoAccountId('electricity', 'kamchatka-energo', '4100112233');
    expectErrorCode(
      await create(
        [
          { utility: 'ELECTRICITY', accountId: odesa, amount: '10.00' },
          { utility: 'ELECTRICITY', accountId: kamchatka, amount: '10.00' },
        ],
        undefined,
        neighbour,
      ),
      'CURRENCIES_MIXED',
    );

    const unlinked = expectNoGraphQLErrors(
      await t.gql(`mutation ($input: AccountIdInput!) { unlinkElectricityAccount(input: $input) { __typename } }`, { token: neighbour, variables: { input: { accountId: odesa } } }),
    );
    expect(unlinked).toBeTruthy();
    const refused = expectErrorCode(await create([{ utility: 'ELECTRICITY', accountId: odesa, amount: '10.00' }], undefined, neighbour), 'ACCOUNT_NOT_HELD');
    expect(refused.extensions?.accountIds).toEqual([odesa]);
  });

  it('shows a login only its own checkouts and receipts', async () => {
    const checkout = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: demoAccounts.lvivEnergo.accountId, amount: '15.00' }])).createCheckout;
    await payOnSandbox(checkout.paymentUrl, 'pay');
    const mine = await read(checkout.id);
    const neighbour = await loginAs(t, demoUsers.second);
    const theirs = await t.gql(checkoutQuery, { token: neighbour, variables: { id: checkout.id } });
    expect(theirs.data?.checkout).toBeNull();
    const viaEntities = await t.gql(`query ($r: [_Any!]!) { _entities(representations: $r) { ... on Checkout { id } } }`, {
      token: neighbour,
      variables: { r: [{ __typename: 'Checkout', id: checkout.id }] },
    });
    expect(viaEntities.data?._entities?.[0] ?? null).toBeNull();

    // A receipt link opens only the checkout it was made for.
    const receiptUrl = new URL(mine.receiptUrl);
    const other = expectNoGraphQLErrors(await create([{ utility: 'ELECTRICITY', accountId: demoAccounts.lvivEnergo.accountId, amount: '16.00' }])).createCheckout;
    receiptUrl.pathname = receiptUrl.pathname.replace(checkout.id, other.id);
    expect((await fetch(receiptUrl)).status).toBe(403);

    // Operators pay nothing here; anonymous clients nothing at all.
    expectErrorCode(await t.gql(createCheckoutMutation, { variables: { input: checkoutInput(t, [{ utility: 'HEAT', accountId: demoAccounts.kyivTeplo.accountId, amount: '1.00' }]) } }), 'UNAUTHENTICATED');
  });

  it('keeps callbacks and posting off the public API', async () => {
    // Payments' own routes answer only the gateway; the gateway forwards only the providers' callback path.
    const internal = await fetch(`${t.stack.subgraphs.payments.url}/internal/providers/liqpay/callback`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(callback({ id: crypto.randomUUID(), total: { amount: '1.00', currency: 'UAH' } }, 'success')),
    });
    expect(internal.status).toBe(403);
    expect((await fetch(`${gatewayOrigin}/callbacks/other-provider`, { method: 'POST' })).status).toBe(404);
    const schema = await t.gql(`{ __schema { mutationType { fields { name } } } }`);
    const mutations = (schema.data?.__schema.mutationType.fields ?? []).map((field: { name: string }) => field.name);
    expect(mutations).toContain('createCheckout');
    expect(mutations.filter((name: string) => /callback|capture|post/i.test(name))).toEqual([]);
  });
});
