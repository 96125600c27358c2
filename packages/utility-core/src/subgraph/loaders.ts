import { byKey, groupBy, validIds, type Database } from '@kabinet/db';
import DataLoader from 'dataloader';
import { and, asc, desc, eq, inArray, lte, ne, sql } from 'drizzle-orm';
import { estimatesCorrectedBy } from '../bills/bill-document';
import { balanceSum, happenedBy } from '../ledger';
import type { AccountRow, AppealMessageRow, BillConsumptionRow, BillLineRow, BillRow, EReceiptSubscriptionRow, MeterRow, ReadingRow, SupplierRow, UtilityTables } from '../tables';

type Tables = UtilityTables;

/**
 * One request's loaders: every list the Dashboard needs costs one statement however many
 * accounts a login holds. `now` is the request's domain time: entries and bills dated later
 * are not shown yet.
 */
export function createUtilityLoaders(db: Database, t: Tables, now: Date) {
  const loaders = {
    accountsByHolder: new DataLoader<string, AccountRow[]>(async (userIds) => {
      const valid = validIds(userIds);
      const rows = valid.length
        ? await db.select().from(t.accounts).where(inArray(t.accounts.holderUserId, valid)).orderBy(asc(t.accounts.accountNumber))
        : [];
      return groupBy(userIds, rows, (row) => row.holderUserId!);
    }),

    /** With its supplier, read in the same statement: what comes next for an account (its reading window, a submission) needs it. */
    accountById: new DataLoader<string, AccountRow | null>(async (ids) => {
      const valid = validIds(ids);
      const rows = valid.length
        ? await db.select({ account: t.accounts, supplier: t.suppliers }).from(t.accounts).innerJoin(t.suppliers, eq(t.suppliers.id, t.accounts.supplierId)).where(inArray(t.accounts.id, valid))
        : [];
      for (const { supplier } of rows) loaders.supplierById.prime(supplier.id, supplier);
      return byKey(
        ids,
        rows.map((row) => row.account),
        (row) => row.id,
      );
    }),

    supplierById: new DataLoader<string, SupplierRow | null>(async (ids) => {
      const valid = validIds(ids);
      const rows = valid.length ? await db.select().from(t.suppliers).where(inArray(t.suppliers.id, valid)) : [];
      return byKey(ids, rows, (row) => row.id);
    }),

    /** Debt positive, overpayment negative, in minor units. */
    balanceByAccount: new DataLoader<string, number>(async (accountIds) => {
      const rows = await db
        .select({ accountId: t.ledgerEntries.accountId, total: balanceSum(t) })
        .from(t.ledgerEntries)
        .where(and(inArray(t.ledgerEntries.accountId, [...accountIds]), happenedBy(t, now)))
        .groupBy(t.ledgerEntries.accountId);
      const totals = new Map(rows.map((row) => [row.accountId, Number(row.total)]));
      return accountIds.map((id) => totals.get(id) ?? 0);
    }),

    /** Every meter an account has had, replaced ones included, in-service first. */
    metersByAccount: new DataLoader<string, MeterRow[]>(async (accountIds) => {
      const rows = await db
        .select()
        .from(t.meters)
        .where(inArray(t.meters.accountId, [...accountIds]))
        .orderBy(sql`${t.meters.removedOn} is not null`, desc(t.meters.installedOn), asc(t.meters.serialNumber));
      return groupBy(accountIds, rows, (row) => row.accountId);
    }),

    meterById: new DataLoader<string, MeterRow | null>(async (ids) => {
      const valid = validIds(ids);
      const rows = valid.length ? await db.select().from(t.meters).where(inArray(t.meters.id, valid)) : [];
      return byKey(ids, rows, (row) => row.id);
    }),

    /** The latest reading of each zone of a meter. */
    latestReadingsByMeter: new DataLoader<string, ReadingRow[]>(async (meterIds) => {
      const rows = await db
        .selectDistinctOn([t.readings.meterId, t.readings.zone])
        .from(t.readings)
        .where(inArray(t.readings.meterId, [...meterIds]))
        .orderBy(t.readings.meterId, t.readings.zone, desc(t.readings.period));
      return groupBy(meterIds, rows, (row) => row.meterId);
    }),

    latestBillByAccount: new DataLoader<string, BillRow | null>(async (accountIds) => {
      const rows = await db
        .selectDistinctOn([t.bills.accountId])
        .from(t.bills)
        .where(and(inArray(t.bills.accountId, [...accountIds]), lte(t.bills.issuedAt, now)))
        .orderBy(t.bills.accountId, desc(t.bills.period));
      return byKey(accountIds, rows, (row) => row.accountId);
    }),

    billLines: new DataLoader<string, BillLineRow[]>(async (billIds) => {
      const rows = await db.select().from(t.billLines).where(inArray(t.billLines.billId, [...billIds])).orderBy(asc(t.billLines.position));
      return groupBy(billIds, rows, (row) => row.billId);
    }),

    billConsumption: new DataLoader<string, (BillConsumptionRow & { serialNumber: string; estimatesCorrected: string })[]>(async (billIds) => {
      const rows = await db
        .select({ row: t.billConsumption, serialNumber: t.meters.serialNumber, estimatesCorrected: estimatesCorrectedBy(t) })
        .from(t.billConsumption)
        .innerJoin(t.meters, eq(t.meters.id, t.billConsumption.meterId))
        .where(inArray(t.billConsumption.billId, [...billIds]))
        .orderBy(asc(t.meters.serialNumber), asc(t.billConsumption.zone));
      return groupBy(
        billIds,
        rows.map(({ row, serialNumber, estimatesCorrected }) => ({ ...row, serialNumber, estimatesCorrected })),
        (row) => row.billId,
      );
    }),

    eReceiptsByAccount: new DataLoader<string, EReceiptSubscriptionRow | null>(async (accountIds) => {
      const rows = await db
        .select()
        .from(t.eReceiptSubscriptions)
        .where(and(inArray(t.eReceiptSubscriptions.accountId, [...accountIds]), ne(t.eReceiptSubscriptions.status, 'CANCELLED')));
      return byKey(accountIds, rows, (row) => row.accountId);
    }),

    appealMessages: new DataLoader<string, AppealMessageRow[]>(async (appealIds) => {
      const rows = await db
        .select()
        .from(t.appealMessages)
        .where(inArray(t.appealMessages.appealId, [...appealIds]))
        .orderBy(asc(t.appealMessages.createdAt), asc(t.appealMessages.id));
      return groupBy(appealIds, rows, (row) => row.appealId);
    }),
  };
  return loaders;
}

export type UtilityLoaders = ReturnType<typeof createUtilityLoaders>;
