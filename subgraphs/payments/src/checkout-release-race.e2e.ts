import { setTimeout as sleep } from 'node:timers/promises';
import { demoSupplierId, demoUsers } from '@kabinet/demo';
import { decodeData } from '@kabinet/liqpay';
import { expectNoGraphQLErrors, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutInput, checkoutQuery, createCheckoutMutation, demoAccounts, eventually, payOnSandbox } from './testing/checkout-kit';

/** `db.execute` rows, whichever driver (PGlite answers `{ rows }`, postgres.js an array). */
const rowsOf = <TRow>(result: unknown): TRow[] => (Array.isArray(result) ? result : (result as { rows: TRow[] }).rows) as TRow[];

type Utility = 'electricity' | 'heat';
type Account = (typeof demoAccounts)[keyof typeof demoAccounts];
const utilityOf = (account: Account): Utility => (account.utility === 'ELECTRICITY' ? 'electricity' : 'heat');

/**
 * The release and the capture race: the utility has released an account, but its event has not
 * reached payments yet when the payer pays on the page still open. Whatever order the release,
 * the capture and the posting then arrive in, a payment taken after the release is never posted
 * to the account and goes back to the card once; one taken before it is posted.
 */
describe('a capture racing the release of its account', () => {
  let t: TestStack;
  let token: string;

  beforeAll(async () => {
    t = await startTestStack();
    token = await loginAs(t, demoUsers.demo);
  });
  afterAll(() => t?.stop());

  const db = () => t.stack.database.db;
  const create = async (items: { account: Account; amount: string }[]) =>
    expectNoGraphQLErrors(
      await t.gql(createCheckoutMutation, {
        token,
        variables: { input: checkoutInput(t, items.map(({ account, amount }) => ({ utility: account.utility, accountId: account.accountId, amount }))) },
      }),
    ).createCheckout;
  const read = async (id: string) => expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id } })).checkout;
  const unlink = async (account: Account) =>
    expectNoGraphQLErrors(
      await t.gql(`mutation ($input: AccountIdInput!) { unlink${account.utility === 'ELECTRICITY' ? 'Electricity' : 'Heat'}Account(input: $input) { __typename } }`, {
        token,
        variables: { input: { accountId: account.accountId } },
      }),
    );
  /** The account's ledger entries of this checkout, read where the utility keeps them. */
  const entriesOf = async (account: Account, checkoutId: string) =>
    rowsOf<{ kind: string; amount: string }>(
      await db().execute(
        sql`select kind, amount_minor::text as amount from ${sql.identifier(utilityOf(account))}.ledger_entries where account_id = ${account.accountId} and payment_id = ${checkoutId} order by kind`,
      ),
    );
  const balanceOf = async (account: Account) =>
    rowsOf<{ total: string }>(
      await db().execute(sql`select coalesce(sum(amount_minor), 0)::text as total from ${sql.identifier(utilityOf(account))}.ledger_entries where account_id = ${account.accountId}`),
    )[0]!.total;

  /** Holds a subgraph's undelivered events of `topic` back (parked, as the relay leaves them alone), answering their ids. */
  const holdBack = async (schema: string, topic: string) => {
    const held = rowsOf<{ id: string }>(
      await db().execute(sql`update ${sql.identifier(schema)}.outbox set parked_at = now() where topic = ${topic} and delivered_at is null and parked_at is null returning id`),
    ).map((row) => row.id);
    expect(held.length).toBeGreaterThan(0);
    return held;
  };
  /** Lets held events go (as an operator redelivers parked ones) and waits until they are delivered. */
  const letGo = async (schema: string, ids: string[]) => {
    const list = sql.join(ids.map((id) => sql`${id}::uuid`), sql`, `);
    await db().execute(sql`update ${sql.identifier(schema)}.outbox set parked_at = null, next_attempt_at = now() where id in (${list})`);
    await eventually(`${schema}'s held events delivered`, async () => {
      const [row] = rowsOf<{ waiting: number }>(await db().execute(sql`select count(*)::int as waiting from ${sql.identifier(schema)}.outbox where id in (${list}) and delivered_at is null`));
      return row!.waiting === 0 ? true : undefined;
    });
  };
  /** Refunds the provider made of the order: each one it makes is told in one `reversed` callback. */
  const refundsOf = (checkoutId: string) =>
    t.stack.liqpaySandbox!.sentCallbacks.filter((sent) => {
      const params = decodeData(sent.message.data);
      return params?.order_id === checkoutId && params.status === 'reversed';
    }).length;
  const later = (minutes: number) => t.clock.set(new Date(t.clock.now().getTime() + minutes * 60_000));

  it('refunds a payment captured after the release, before payments heard of it, and posts it to no ledger', async () => {
    const { poltavaTeplo, lvivEnergo } = demoAccounts;
    const before = { heat: await balanceOf(poltavaTeplo), electricity: await balanceOf(lvivEnergo) };
    // One debit pays both: the released heat account's item and an electricity account still held.
    const checkout = await create([
      { account: poltavaTeplo, amount: '41.10' },
      { account: lvivEnergo, amount: '41.20' },
    ]);
    expect(checkout.status).toBe('PENDING');

    // Payments does not hear of the release: it is down while the heat utility releases the account.
    await t.stack.stopSubgraph('payments');
    later(1);
    await unlink(poltavaTeplo);
    const release = await holdBack('heat', 'utility.accounts.released');
    await t.stack.startSubgraph('payments');

    // The payer pays on the page still open: payments, not knowing of the release, takes the capture.
    later(1);
    await payOnSandbox(checkout.paymentUrl, 'pay');
    await eventually('the refund', async () => ((await read(checkout.id)).status === 'REVERSED' ? true : undefined));
    expect(await read(checkout.id)).toMatchObject({ status: 'REVERSED', refusal: 'ACCOUNT_RELEASED' });
    expect(t.stack.liqpaySandbox!.order('sandbox_kabinet', checkout.id)?.status).toBe('reversed');

    // The release arrives at last: it changes nothing more.
    await letGo('heat', release);
    await sleep(500);
    expect((await read(checkout.id)).status).toBe('REVERSED');
    expect(refundsOf(checkout.id)).toBe(1);
    // Nothing on the released account's ledger; the held one's posting, if made, is reversed.
    await eventually('the held account made whole', async () => ((await balanceOf(lvivEnergo)) === before.electricity ? true : undefined));
    expect(await entriesOf(poltavaTeplo, checkout.id)).toEqual([]);
    expect(await balanceOf(poltavaTeplo)).toBe(before.heat);
    expect((await entriesOf(lvivEnergo, checkout.id)).map((entry) => entry.kind)).toEqual(['PAYMENT', 'PAYMENT_REVERSAL']);
  });

  it('refunds it too when the release reaches payments after the capture but before the posting reaches the utility', async () => {
    const { kyivTeplo } = demoAccounts;
    const before = await balanceOf(kyivTeplo);
    const checkout = await create([{ account: kyivTeplo, amount: '42.10' }]);

    await t.stack.stopSubgraph('payments');
    later(1);
    await unlink(kyivTeplo);
    const release = await holdBack('heat', 'utility.accounts.released');
    await t.stack.startSubgraph('payments');

    // The heat utility is down when the capture comes: its posting waits in payments' outbox.
    await t.stack.stopSubgraph('heat');
    later(1);
    await payOnSandbox(checkout.paymentUrl, 'pay');
    expect((await read(checkout.id)).status).toBe('CAPTURED');
    const posting = await holdBack('payments', 'payments.payment.captured');
    await t.stack.startSubgraph('heat');

    // The release first: payments hears of it only after the capture.
    await letGo('heat', release);
    expect((await read(checkout.id)).status).toBe('CAPTURED');
    // Then the posting.
    await letGo('payments', posting);
    await eventually('the refund', async () => ((await read(checkout.id)).status === 'REVERSED' ? true : undefined));
    expect(await read(checkout.id)).toMatchObject({ refusal: 'ACCOUNT_RELEASED' });
    await sleep(500);
    expect(refundsOf(checkout.id)).toBe(1);
    expect(await entriesOf(kyivTeplo, checkout.id)).toEqual([]);
    expect(await balanceOf(kyivTeplo)).toBe(before);
  });

  it('posts a payment captured before the release even when its posting arrives after it', async () => {
    const { kyivEnergo } = demoAccounts;
    const checkout = await create([{ account: kyivEnergo, amount: '43.10' }]);

    // Paid while held; the electricity utility is down, so the posting waits.
    await t.stack.stopSubgraph('electricity');
    await payOnSandbox(checkout.paymentUrl, 'pay');
    expect((await read(checkout.id)).status).toBe('CAPTURED');
    const posting = await holdBack('payments', 'payments.payment.captured');
    await t.stack.startSubgraph('electricity');

    // A minute later the account is let go, and only then does the posting arrive.
    later(1);
    await unlink(kyivEnergo);
    await letGo('payments', posting);
    await eventually('the posting', async () => ((await entriesOf(kyivEnergo, checkout.id)).length ? true : undefined));
    expect(await entriesOf(kyivEnergo, checkout.id)).toEqual([{ kind: 'PAYMENT', amount: '-4310' }]);
    await sleep(500);
    expect((await read(checkout.id)).status).toBe('CAPTURED');
    expect(refundsOf(checkout.id)).toBe(0);
  });

  it('leaves alone, when the release comes late, a checkout made after the payer linked the account again', async () => {
    const { kyivEnergo } = demoAccounts;
    const link = async () =>
      expectNoGraphQLErrors(
        await t.gql(`mutation ($input: LinkAccountInput!) { linkElectricityAccount(input: $input) { account { id } } }`, {
          token,
          variables: { input: { supplierId: demoSupplierId('electricity', 'kyiv-energo'), accountNumber: kyivEnergo.number, proof: { kind: 'HOLDER_SURNAME', value: demoUsers.demo.surname } } },
        }),
      );
    // Let go of in the test before; linked again, and let go of once more while payments is down.
    await link();
    await t.stack.stopSubgraph('payments');
    later(1);
    await unlink(kyivEnergo);
    const release = await holdBack('electricity', 'utility.accounts.released');
    await t.stack.startSubgraph('payments');

    // Linked again a minute later, and paid for: the utility confirms it, the account being held.
    later(1);
    await link();
    const checkout = await create([{ account: kyivEnergo, amount: '44.10' }]);
    expect(checkout.status).toBe('PENDING');
    // The release from before the link arrives only now: it is about an earlier holding.
    await letGo('electricity', release);
    await sleep(300);
    expect((await read(checkout.id)).status).toBe('PENDING');
    await payOnSandbox(checkout.paymentUrl, 'pay');
    expect((await read(checkout.id)).status).toBe('CAPTURED');
    await eventually('the posting', async () => ((await entriesOf(kyivEnergo, checkout.id)).length ? true : undefined));
    expect(await entriesOf(kyivEnergo, checkout.id)).toEqual([{ kind: 'PAYMENT', amount: '-4410' }]);
  });
});
