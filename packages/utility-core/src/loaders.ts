import type { Database } from '@kabinet/db';
import DataLoader from 'dataloader';
import { asc, desc, inArray, isNull, sql, and } from 'drizzle-orm';
import type { UtilityTables } from './tables';

type Tables = UtilityTables;
export type AccountRow = Tables['accounts']['$inferSelect'];
export type MeterRow = Tables['meters']['$inferSelect'];
export type ReadingRow = Tables['readings']['$inferSelect'];
export type BillRow = Tables['bills']['$inferSelect'];
export type SupplierRow = Tables['suppliers']['$inferSelect'];

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Groups rows by a key, in the order DataLoader asked for the keys. */
function groupBy<TRow>(keys: readonly string[], rows: TRow[], keyOf: (row: TRow) => string): TRow[][] {
  const groups = new Map<string, TRow[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}

function byKey<TRow>(keys: readonly string[], rows: TRow[], keyOf: (row: TRow) => string): (TRow | null)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? null);
}

/**
 * One request's loaders: every list the Dashboard needs costs one statement however many
 * accounts a login holds.
 */
export function createUtilityLoaders(db: Database, t: Tables) {
  return {
    accountsByHolder: new DataLoader<string, AccountRow[]>(async (userIds) => {
      const valid = userIds.filter((id) => uuidPattern.test(id));
      const rows = valid.length
        ? await db.select().from(t.accounts).where(inArray(t.accounts.holderUserId, valid)).orderBy(asc(t.accounts.accountNumber))
        : [];
      return groupBy(userIds, rows, (row) => row.holderUserId!);
    }),

    accountById: new DataLoader<string, AccountRow | null>(async (ids) => {
      const valid = ids.filter((id) => uuidPattern.test(id));
      const rows = valid.length ? await db.select().from(t.accounts).where(inArray(t.accounts.id, valid)) : [];
      return byKey(ids, rows, (row) => row.id);
    }),

    supplierById: new DataLoader<string, SupplierRow | null>(async (ids) => {
      const rows = await db.select().from(t.suppliers).where(inArray(t.suppliers.id, [...ids]));
      return byKey(ids, rows, (row) => row.id);
    }),

    /** Debt positive, overpayment negative, in minor units. */
    balanceByAccount: new DataLoader<string, number>(async (accountIds) => {
      const rows = await db
        .select({ accountId: t.ledgerEntries.accountId, total: sql<string>`coalesce(sum(${t.ledgerEntries.amountMinor}), 0)` })
        .from(t.ledgerEntries)
        .where(inArray(t.ledgerEntries.accountId, [...accountIds]))
        .groupBy(t.ledgerEntries.accountId);
      const totals = new Map(rows.map((row) => [row.accountId, Number(row.total)]));
      return accountIds.map((id) => totals.get(id) ?? 0);
    }),

    metersByAccount: new DataLoader<string, MeterRow[]>(async (accountIds) => {
      const rows = await db
        .select()
        .from(t.meters)
        .where(and(inArray(t.meters.accountId, [...accountIds]), isNull(t.meters.removedOn)))
        .orderBy(asc(t.meters.serialNumber));
      return groupBy(accountIds, rows, (row) => row.accountId);
    }),

    /** The latest reading of each zone of a meter. */
    latestReadingsByMeter: new DataLoader<string, ReadingRow[]>(async (meterIds) => {
      const rows = await db
        .selectDistinctOn([t.readings.meterId, t.readings.zone])
        .from(t.readings)
        .where(inArray(t.readings.meterId, [...meterIds]))
        .orderBy(t.readings.meterId, t.readings.zone, desc(t.readings.readAt));
      return groupBy(meterIds, rows, (row) => row.meterId);
    }),

    latestBillByAccount: new DataLoader<string, BillRow | null>(async (accountIds) => {
      const rows = await db
        .selectDistinctOn([t.bills.accountId])
        .from(t.bills)
        .where(inArray(t.bills.accountId, [...accountIds]))
        .orderBy(t.bills.accountId, desc(t.bills.period));
      return byKey(accountIds, rows, (row) => row.accountId);
    }),
  };
}

export type UtilityLoaders = ReturnType<typeof createUtilityLoaders>;
