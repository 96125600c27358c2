import { fileURLToPath } from 'node:url';
import { createLogger } from '@kabinet/config';
import { openTestDatabase, type DatabaseHandle } from '@kabinet/db';
import { demoSupplierId } from '@kabinet/demo';
import { seedUtilityDemo } from '@kabinet/utility-core';
import { and, count, desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as t from './db/schema';
import { demoSuppliers, seedDemoTariffs } from './demo';
import { electricityRules } from './tariffs/rules';

/*
 * The demo seed runs at every `pnpm start`: on a database it seeded already it must find
 * everything in place in a few statements and bill nothing, yet finish a month whose run was
 * cut short, and bill accounts a newer demo brings.
 */

const migrationsFolder = fileURLToPath(new URL('../drizzle', import.meta.url));
const now = new Date('2026-12-02T08:00:00Z');
const kyiv = demoSuppliers.find((supplier) => supplier.code === 'kyiv-energo')!;

let database: DatabaseHandle;
const seed = (suppliers = demoSuppliers) =>
  seedUtilityDemo({ db: database.db, tables: t, rules: electricityRules, suppliers, now, logger: createLogger('silent'), seedSupplier: seedDemoTariffs });

async function billsOfEachMonth() {
  return database.db.select({ period: t.bills.period, bills: count() }).from(t.bills).groupBy(t.bills.period).orderBy(t.bills.period);
}

beforeAll(async () => {
  database = await openTestDatabase();
  await database.migrate('electricity', migrationsFolder);
  await seed();
}, 120_000);

afterAll(() => database.close());

describe('the demo seed on a database it seeded', () => {
  it('finds everything in place in a few statements, whatever the number of accounts, and bills nothing', async () => {
    const before = await billsOfEachMonth();
    const statementsBefore = database.stats.statements;
    await seed();
    // Suppliers, their tariffs (one each), accounts, meters, readings, the payments' ledger, and each supplier's latest run.
    expect(database.stats.statements - statementsBefore).toBeLessThanOrEqual(5 + demoSuppliers.length * 2 + 8);
    expect(await billsOfEachMonth()).toEqual(before);
  });

  it('finishes the latest month when its run was cut short', async () => {
    const [latest] = await database.db.select().from(t.billingRuns).where(eq(t.billingRuns.supplierId, supplierIdOf('kyiv-energo'))).orderBy(desc(t.billingRuns.period)).limit(1);
    const account = await accountOf('kyiv-energo', kyiv.accounts[0]!.accountNumber);
    // As a run that died after others' batches: this account's bill never written, the run unfinished.
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`delete from ${t.ledgerEntries} where bill_id in (select id from ${t.bills} where account_id = ${account} and period = ${latest!.period})`);
      await tx.execute(sql`update ${t.ledgerEntries} set statement_bill_id = null where statement_bill_id in (select id from ${t.bills} where account_id = ${account} and period = ${latest!.period})`);
      await tx.execute(sql`update ${t.billConsumption} set corrected_by_bill_id = null, corrected_consumption = null where corrected_by_bill_id in (select id from ${t.bills} where account_id = ${account} and period = ${latest!.period})`);
      await tx.execute(sql`delete from ${t.billLines} where bill_id in (select id from ${t.bills} where account_id = ${account} and period = ${latest!.period})`);
      await tx.execute(sql`delete from ${t.billConsumption} where bill_id in (select id from ${t.bills} where account_id = ${account} and period = ${latest!.period})`);
      await tx.delete(t.bills).where(and(eq(t.bills.accountId, account), eq(t.bills.period, latest!.period)));
      await tx.update(t.billingRuns).set({ finishedAt: null }).where(eq(t.billingRuns.id, latest!.id));
    });

    await seed();
    const [again] = await database.db.select().from(t.billingRuns).where(eq(t.billingRuns.id, latest!.id));
    expect(again!.finishedAt).not.toBeNull();
    const bills = await database.db.select().from(t.bills).where(and(eq(t.bills.accountId, account), eq(t.bills.period, latest!.period)));
    expect(bills).toHaveLength(1);
  });

  it('bills the latest month of an account a newer demo brings', async () => {
    const newcomer = { ...kyiv.accounts[0]!, accountNumber: '10999999', holderUserId: undefined, meters: kyiv.accounts[0]!.meters.map((meter) => ({ ...meter, serialNumber: `${meter.serialNumber}-NEW` })) };
    const newer = demoSuppliers.map((supplier) => (supplier === kyiv ? { ...supplier, accounts: [...supplier.accounts, newcomer] } : supplier));
    await seed(newer);
    const account = await accountOf('kyiv-energo', newcomer.accountNumber);
    const [latest] = await database.db.select().from(t.billingRuns).where(eq(t.billingRuns.supplierId, supplierIdOf('kyiv-energo'))).orderBy(desc(t.billingRuns.period)).limit(1);
    const bills = await database.db.select({ period: t.bills.period }).from(t.bills).where(eq(t.bills.accountId, account));
    expect(bills).toEqual([{ period: latest!.period }]);
  });
});

const supplierIdOf = (code: string) => demoSupplierId('electricity', code);

async function accountOf(supplierCode: string, accountNumber: string): Promise<string> {
  const [row] = await database.db
    .select({ id: t.accounts.id })
    .from(t.accounts)
    .where(and(eq(t.accounts.supplierId, supplierIdOf(supplierCode)), eq(t.accounts.accountNumber, accountNumber)));
  return row!.id;
}
