import { setTimeout as sleep } from 'node:timers/promises';
import type { SubgraphName } from '@kabinet/config';
import { sandboxLiqPayPrivateKey } from '@kabinet/config';
import { demoUsers } from '@kabinet/demo';
import { majorUnits, signed } from '@kabinet/liqpay';
import { expectNoGraphQLErrors, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutInput, createCheckoutMutation, demoAccounts, eventually } from './testing/checkout-kit';

/** `db.execute` rows, whichever driver (PGlite answers `{ rows }`, postgres.js an array). */
function rowsOf<TRow>(result: unknown): TRow[] {
  return (Array.isArray(result) ? result : (result as { rows: TRow[] }).rows) as TRow[];
}

const checkouts = 1000;
const concurrency = 16;
const accounts = Object.values(demoAccounts);

/** Runs `work` over `items`, `limit` at a time. */
async function inParallel<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

/**
 * The posting guarantee under failure: 1,000 checkouts captured while the electricity and heat
 * subgraphs are killed and restarted at random. Every item must reach its ledger exactly once,
 * through the outbox, the relay's retries and the utilities' idempotent consumers.
 */
describe('posting captured checkouts while the utilities crash and restart', () => {
  let t: TestStack;
  let token: string;

  beforeAll(async () => {
    // The client polls instead of createCheckout waiting: a utility may be down for a while.
    t = await startTestStack({ env: { CHECKOUT_CONFIRM_WAIT_MS: '0' } });
    token = await loginAs(t, demoUsers.demo);
  });
  afterAll(() => t?.stop());

  it(`posts each item of ${checkouts} checkouts once: 0 lost, 0 twice, every balance the sum of its entries`, { timeout: 600_000 }, async () => {
    const db = t.stack.database.db;
    const gatewayOrigin = t.stack.gateway.url.replace('localhost', '127.0.0.1');

    // Chaos: one utility at a time is killed, stays down a little, and comes back on its port.
    let chaos = true;
    let crashes = 0;
    const monkey = (async () => {
      while (chaos) {
        await sleep(50 + Math.random() * 250);
        const victim: SubgraphName = Math.random() < 0.5 ? 'electricity' : 'heat';
        await t.stack.stopSubgraph(victim);
        crashes += 1;
        await sleep(50 + Math.random() * 300);
        await t.stack.startSubgraph(victim);
      }
    })();

    // Checkouts of one to three accounts, random amounts; both utilities in most of them.
    const plans = Array.from({ length: checkouts }, (_, index) => {
      const count = 1 + (index % 3);
      const chosen = [...accounts].sort(() => Math.random() - 0.5).slice(0, count);
      return chosen.map((account) => ({ utility: account.utility, accountId: account.accountId, amount: `${1 + Math.floor(Math.random() * 500)}.${String(Math.floor(Math.random() * 100)).padStart(2, '0')}` }));
    });
    const ids: string[] = [];
    await inParallel(plans, concurrency, async (items, index) => {
      const created = expectNoGraphQLErrors(await t.gql(createCheckoutMutation, { token, variables: { input: checkoutInput(t, items, `chaos-${index}-${crypto.randomUUID()}`) } }));
      ids[index] = created.createCheckout.id;
    });

    // Every checkout confirmed by its utilities (answers survive the crashes too), then paid.
    await eventually(
      'every checkout confirmed',
      async () => {
        const [row] = rowsOf<{ waiting: number }>(await db.execute(sql`select count(*)::int as waiting from payments.payments where status = 'AWAITING_CONFIRMATION'`));
        return row!.waiting === 0 ? true : undefined;
      },
      300_000,
    );
    const confirmed = rowsOf<{ id: string; total: string; currency: string; status: string }>(
      await db.execute(sql`select id, total_minor::text as total, currency, status from payments.payments where id = any(${sql.raw(`array[${ids.map((id) => `'${id}'`).join(',')}]::uuid[]`)})`),
    );
    expect(confirmed.filter((row) => row.status !== 'PENDING')).toEqual([]);

    const merchant = { publicKey: 'sandbox_kabinet', privateKey: sandboxLiqPayPrivateKey };
    await inParallel(confirmed, concurrency, async (checkout, index) => {
      const message = signed(merchant, {
        version: 3,
        action: 'pay',
        status: 'success',
        payment_id: 1_700_000_000 + index,
        order_id: checkout.id,
        amount: majorUnits(Number(checkout.total)),
        currency: checkout.currency,
        description: 'chaos',
        create_date: t.clock.now().getTime(),
        end_date: t.clock.now().getTime(),
      });
      // Some callbacks arrive twice, as providers do send them.
      for (let attempt = 0; attempt < (index % 10 === 0 ? 2 : 1); attempt++) {
        const response = await fetch(`${gatewayOrigin}/callbacks/liqpay`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(message),
        });
        expect(response.status).toBe(200);
      }
    });

    // Let the crashes go on a little while the outbox drains, then stop them and wait.
    await sleep(1_000);
    chaos = false;
    await monkey;
    expect(crashes).toBeGreaterThan(3);
    await eventually(
      'the outbox delivered',
      async () => {
        const [row] = rowsOf<{ undelivered: number }>(await db.execute(sql`select count(*)::int as undelivered from payments.outbox where delivered_at is null`));
        return row!.undelivered === 0 ? true : undefined;
      },
      300_000,
    );
    const [outboxStats] = rowsOf<{ parked: number; retried: number }>(
      await db.execute(sql`select count(*) filter (where parked_at is not null)::int as parked, count(*) filter (where attempts > 0)::int as retried from payments.outbox`),
    );
    expect(outboxStats!.parked).toBe(0);
    // The crashes did hit deliveries: postings had to be retried, and none was lost for it.
    expect(outboxStats!.retried).toBeGreaterThan(0);

    // Each item: exactly one PAYMENT entry of its amount on its account's ledger.
    const expected = rowsOf<{ payment_id: string; account_id: string; utility: string; amount: string }>(
      await db.execute(sql`select i.payment_id, i.account_id, i.utility, i.amount_minor::text as amount from payments.payment_items i
        join payments.payments p on p.id = i.payment_id where p.status = 'CAPTURED' and p.id = any(${sql.raw(`array[${ids.map((id) => `'${id}'`).join(',')}]::uuid[]`)})`),
    );
    expect(expected.length).toBe(plans.reduce((sum, items) => sum + items.length, 0));
    const posted = new Map<string, { count: number; amount: number }>();
    for (const utility of ['electricity', 'heat']) {
      const rows = rowsOf<{ payment_id: string; account_id: string; count: number; amount: string }>(
        await db.execute(sql`select payment_id, account_id, count(*)::int as count, sum(amount_minor)::text as amount
          from ${sql.identifier(utility)}.ledger_entries where kind = 'PAYMENT' and payment_id is not null group by payment_id, account_id`),
      );
      for (const row of rows) posted.set(`${row.payment_id}:${row.account_id}`, { count: row.count, amount: Number(row.amount) });
    }
    const lost = expected.filter((item) => !posted.has(`${item.payment_id}:${item.account_id}`));
    const twice = expected.filter((item) => (posted.get(`${item.payment_id}:${item.account_id}`)?.count ?? 0) > 1);
    const wrong = expected.filter((item) => posted.has(`${item.payment_id}:${item.account_id}`) && posted.get(`${item.payment_id}:${item.account_id}`)!.amount !== -Number(item.amount));
    expect({ lost: lost.length, twice: twice.length, wrongAmount: wrong.length }).toEqual({ lost: 0, twice: 0, wrongAmount: 0 });

    // What the customer sees: each balance is the sum of its ledger so far (a bill the seed issues tomorrow is not in it yet).
    for (const account of accounts) {
      const utility = account.utility === 'ELECTRICITY' ? 'electricity' : 'heat';
      const data = expectNoGraphQLErrors(await t.gql(`query ($id: ID!) { account: ${utility}Account(id: $id) { balance { amount } } }`, { token, variables: { id: account.accountId } }));
      const [sum] = rowsOf<{ total: string }>(
        await db.execute(sql`select coalesce(sum(amount_minor), 0)::text as total from ${sql.identifier(utility)}.ledger_entries where account_id = ${account.accountId} and occurred_at <= ${t.clock.now().toISOString()}::timestamptz`),
      );
      expect(Math.round(Number(data.account.balance.amount) * 100)).toBe(Number(sum!.total));
    }
  });
});
