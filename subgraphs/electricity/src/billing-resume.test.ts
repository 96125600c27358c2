import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { openTestDatabase, type DatabaseHandle } from '@kabinet/db';
import { assertPeriod, runBilling, type BillingRunRow } from '@kabinet/utility-core';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from './db/schema';
import { electricityRules } from './tariffs/rules';
import { billingMonth, billingNow, seedBillingAccounts, seededSupplierId } from './testing/billing-accounts';

/*
 * A billing run that dies half-way through, and the run that finishes it: batches commit
 * whole, nothing is billed twice, and the month ends as a run that never stopped would have
 * left it, to the kopiyka. On PGlite, or on PostgreSQL with DATABASE_URL (there with batches
 * in parallel, so that the run dies with another batch in flight).
 */

const accounts = 30;
const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));
const period = assertPeriod(billingMonth);

async function seeded(): Promise<DatabaseHandle> {
  const database = await openTestDatabase();
  await database.migrate('electricity', migrationsFolder);
  await seedBillingAccounts(database.db, accounts);
  return database;
}

async function supplierOf(database: DatabaseHandle) {
  const [supplier] = await database.db.select().from(t.suppliers).where(eq(t.suppliers.id, seededSupplierId));
  return supplier!;
}

const run = async (database: DatabaseHandle, options: { onProgress?: (run: BillingRunRow) => void } = {}) =>
  runBilling(database.db, { tables: t, rules: electricityRules, batchSize: 4, concurrency: 2, ...options }, {
    supplier: await supplierOf(database),
    period,
    startedByUserId: null,
    now: billingNow,
  });

/** Each account's November bill as printed (without its random ids and codes), and its balance. */
async function statements(database: DatabaseHandle) {
  const rows = await database.db.execute<Record<string, unknown>>(sql`
    select a.account_number, b.opening_minor, b.charges_minor, b.vat_minor, b.corrections_minor, b.payments_minor, b.adjustments_minor, b.amount_due_minor,
      (select count(*) from ${t.bills} other where other.account_id = a.id and other.period = b.period)::int as bills_of_month,
      (select count(*) from ${t.ledgerEntries} e where e.bill_id = b.id and e.kind = 'CHARGE')::int as charges_posted,
      (select coalesce(sum(e.amount_minor), 0) from ${t.ledgerEntries} e where e.account_id = a.id)::bigint as balance,
      (select count(*) from ${t.billLines} l where l.bill_id = b.id)::int as lines,
      (select count(*) from ${t.billConsumption} c where c.bill_id = b.id)::int as meter_rows,
      (select count(*) from ${t.billConsumption} c where c.corrected_by_bill_id = b.id)::int as corrected_rows
    from ${t.accounts} a join ${t.bills} b on b.account_id = a.id and b.period = ${`${period}-01`}
    order by a.account_number`);
  return (Array.isArray(rows) ? rows : (rows as unknown as { rows: Record<string, unknown>[] }).rows).map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value])),
  );
}

async function runRow(database: DatabaseHandle) {
  const [row] = await database.db.select().from(t.billingRuns).where(eq(t.billingRuns.period, `${period}-01`));
  return row!;
}

describe('a billing run that dies half-way', () => {
  let uninterrupted: DatabaseHandle;
  let interrupted: DatabaseHandle;
  let expected: Awaited<ReturnType<typeof statements>>;
  /** What the run that died had billed. */
  let billedBefore = 0;

  beforeAll(async () => {
    uninterrupted = await seeded();
    interrupted = await seeded();
    await run(uninterrupted);
    expected = await statements(uninterrupted);
  }, 120_000);
  afterAll(async () => {
    await uninterrupted?.close();
    await interrupted?.close();
  });

  it('bills every account once without stopping: the reference', async () => {
    expect(expected).toHaveLength(accounts);
    for (const statement of expected) {
      expect(statement).toMatchObject({ bills_of_month: 1, charges_posted: 1 });
      // The money audit: a statement adds up, and what it asks for is the account's ledger balance.
      const { opening_minor, charges_minor, vat_minor, corrections_minor, adjustments_minor, payments_minor, amount_due_minor, balance } = statement as Record<string, number>;
      expect(amount_due_minor).toBe(opening_minor! + charges_minor! + vat_minor! + corrections_minor! + adjustments_minor! - payments_minor!);
      expect(balance).toBe(amount_due_minor);
    }
    // The seeded cases are all there: estimates, corrections, VAT, payments claimed.
    expect(expected.some((statement) => (statement.corrected_rows as number) > 0)).toBe(true);
    expect(expected.some((statement) => (statement.vat_minor as number) > 0)).toBe(true);
    expect(expected.some((statement) => (statement.payments_minor as number) > 0)).toBe(true);
    expect(await runRow(uninterrupted)).toMatchObject({ billsIssued: accounts, accountsDone: accounts, accountsTotal: accounts, accountsFailed: 0 });
  });

  it('keeps exactly the batches it committed, counted in its progress', async () => {
    const died = new Error('the billing process died');
    let committed = 0;
    await expect(
      run(interrupted, {
        // The process dies once three batches have committed (another may be in flight); the first report is the start.
        onProgress: (row) => {
          if (row.accountsDone > 0) committed += 1;
          if (committed === 3) throw died;
        },
      }),
    ).rejects.toBe(died);

    const progress = await runRow(interrupted);
    const billed = (await statements(interrupted)).length;
    expect(billed).toBeGreaterThanOrEqual(12);
    expect(billed).toBeLessThan(accounts);
    expect(billed % 4).toBe(0);
    expect(progress).toMatchObject({ finishedAt: null, billsIssued: billed, accountsDone: billed, accountsTotal: accounts, accountsFailed: 0 });
    billedBefore = billed;
  });

  it('is finished by the next run after its lease lapses, each account billed once, to the kopiyka', async () => {
    // The dead run's lease, left behind and lapsed: the next run takes it over.
    await interrupted.db.insert(t.billingLeases).values({ supplierId: seededSupplierId, period: `${period}-01`, holder: randomUUID(), expiresAt: new Date(Date.now() - 1_000) });
    const seen: number[] = [];
    const finished = await run(interrupted, { onProgress: (row) => seen.push(row.accountsDone) });

    expect(await statements(interrupted)).toEqual(expected);
    expect(finished).toMatchObject({ billsIssued: accounts, accountsDone: accounts, accountsTotal: accounts, accountsFailed: 0 });
    expect(finished.finishedAt).not.toBeNull();
    // It started from where the dead run stopped and went on, never back.
    expect(seen[0]).toBe(billedBefore);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(accounts);
    expect(await interrupted.db.select().from(t.billingLeases)).toEqual([]);
  });
});
