import { byKey, groupBy, anyOf, validIds, type Database } from '@kabinet/db';
import DataLoader from 'dataloader';
import { and, asc, desc, eq, getTableColumns, lte, ne, sql, type Table } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { estimatesCorrectedBy } from '../bills/bill-document';
import { balanceSum, happenedBy } from '../ledger';
import type { AccountRow, AppealMessageRow, BillConsumptionRow, BillLineRow, BillRow, EReceiptSubscriptionRow, MeterRow, ReadingRow, SupplierRow, UtilityTables } from '../tables';

type Tables = UtilityTables;

/**
 * A subquery's columns as `table`'s row: selected as one nested object, which drizzle gives as
 * null when a left join found no row.
 */
function fieldsOf<TTable extends Table>(subquery: object, table: TTable): TTable['_']['columns'] {
  return Object.fromEntries(Object.keys(getTableColumns(table)).map((key) => [key, (subquery as Record<string, unknown>)[key]])) as TTable['_']['columns'];
}

/** An account's meters in the order they are shown: in service first, the newest first. */
const meterOrder = (t: Tables) => [sql`${t.meters.removedOn} is not null`, desc(t.meters.installedOn), asc(t.meters.serialNumber)];

/**
 * A meter's latest reading of each zone, as a subquery lateral to `t.meters`: the reading's id
 * found by the (meter, zone, period) index, one step back from the zone's end, then its row by
 * the primary key. `distinct on (zone)` read and sorted every reading the meter ever had: 100
 * meters with five years of monthly readings took 15 ms, 1.9 ms this way. Written as a semi-join
 * on (meter, zone, latest period), the planner chose, on smaller tables, to read every reading
 * and hash them: ids leave it no other way.
 */
export function latestReadingOfEachZone(db: Database, t: Tables) {
  const ofZone = alias(t.readings, 'of_zone');
  return db
    .select()
    .from(t.readings)
    .where(
      sql`${t.readings.id} = any(array(
        select (select ${ofZone.id} from ${t.readings} as ${ofZone}
            where ${ofZone.meterId} = ${t.meters.id} and ${ofZone.zone} = "meter_zone"."zone"
            order by ${ofZone.period} desc limit 1)
        from unnest(${t.meters.zones}) as "meter_zone"("zone")))`,
    )
    .as('latest_reading');
}

// Placeholders of the statements below: the batch's keys (one array parameter) and the request's time.
const ids = sql.placeholder('ids');
const now = sql.placeholder('now');

/**
 * The loaders' statements, built once per database and tables: drizzle builds a statement's SQL
 * anew each time a query builder runs, which cost more CPU than running it.
 */
export function prepareUtilityQueries(db: Database, t: Tables) {
  // An account's balance and latest bill and a meter's latest readings, each written once as a
  // lateral subquery: read on their own (by account or meter ids), and with a login's accounts,
  // as the Dashboard shows them: a login's accounts come with their meters and those meters'
  // latest readings in the same statement, one round trip rather than five in three.
  const balance = db
    .select({ total: balanceSum(t).as('total') })
    .from(t.ledgerEntries)
    .where(and(eq(t.ledgerEntries.accountId, t.accounts.id), happenedBy(t, now)))
    .as('balance');
  const latestBill = db
    .select()
    .from(t.bills)
    .where(and(eq(t.bills.accountId, t.accounts.id), lte(t.bills.issuedAt, now)))
    .orderBy(desc(t.bills.period))
    .limit(1)
    .as('latest_bill');
  const latestReadings = latestReadingOfEachZone(db, t);
  return {
    // A row per account, meter and zone (an account without meters once): a few rows per account,
    // an account's rows together (two suppliers' accounts may share a number).
    accountsByHolder: db
      .select({
        account: t.accounts,
        balance: balance.total,
        latestBill: fieldsOf(latestBill, t.bills),
        meter: t.meters,
        latestReading: fieldsOf(latestReadings, t.readings),
      })
      .from(t.accounts)
      .leftJoinLateral(balance, sql`true`)
      .leftJoinLateral(latestBill, sql`true`)
      .leftJoin(t.meters, eq(t.meters.accountId, t.accounts.id))
      .leftJoinLateral(latestReadings, sql`true`)
      .where(anyOf(t.accounts.holderUserId, ids))
      .orderBy(asc(t.accounts.accountNumber), asc(t.accounts.id), ...meterOrder(t), asc(latestReadings.zone))
      .prepare('accounts_by_holder'),
    accountById: db
      .select({ account: t.accounts, supplier: t.suppliers })
      .from(t.accounts)
      .innerJoin(t.suppliers, eq(t.suppliers.id, t.accounts.supplierId))
      .where(anyOf(t.accounts.id, ids))
      .prepare('account_by_id'),
    supplierById: db.select().from(t.suppliers).where(anyOf(t.suppliers.id, ids)).prepare('supplier_by_id'),
    balanceByAccount: db
      .select({ accountId: t.accounts.id, total: balance.total })
      .from(t.accounts)
      .leftJoinLateral(balance, sql`true`)
      .where(anyOf(t.accounts.id, ids))
      .prepare('balance_by_account'),
    metersByAccount: db
      .select({ meter: t.meters, latestReading: fieldsOf(latestReadings, t.readings) })
      .from(t.meters)
      .leftJoinLateral(latestReadings, sql`true`)
      .where(anyOf(t.meters.accountId, ids))
      .orderBy(...meterOrder(t), asc(latestReadings.zone))
      .prepare('meters_by_account'),
    meterById: db.select().from(t.meters).where(anyOf(t.meters.id, ids)).prepare('meter_by_id'),
    latestReadingsByMeter: db
      .select(fieldsOf(latestReadings, t.readings))
      .from(t.meters)
      .innerJoinLateral(latestReadings, sql`true`)
      .where(anyOf(t.meters.id, ids))
      .prepare('latest_readings_by_meter'),
    latestBillByAccount: db
      .select(fieldsOf(latestBill, t.bills))
      .from(t.accounts)
      .innerJoinLateral(latestBill, sql`true`)
      .where(anyOf(t.accounts.id, ids))
      .prepare('latest_bill_by_account'),
    billLines: db.select().from(t.billLines).where(anyOf(t.billLines.billId, ids)).orderBy(asc(t.billLines.position)).prepare('bill_lines'),
    billConsumption: db
      .select({ row: t.billConsumption, serialNumber: t.meters.serialNumber, estimatesCorrected: estimatesCorrectedBy(t) })
      .from(t.billConsumption)
      .innerJoin(t.meters, eq(t.meters.id, t.billConsumption.meterId))
      .where(anyOf(t.billConsumption.billId, ids))
      .orderBy(asc(t.meters.serialNumber), asc(t.billConsumption.zone))
      .prepare('bill_consumption'),
    eReceiptsByAccount: db
      .select()
      .from(t.eReceiptSubscriptions)
      .where(and(anyOf(t.eReceiptSubscriptions.accountId, ids), ne(t.eReceiptSubscriptions.status, 'CANCELLED')))
      .prepare('e_receipts_by_account'),
    appealMessages: db
      .select()
      .from(t.appealMessages)
      .where(anyOf(t.appealMessages.appealId, ids))
      .orderBy(asc(t.appealMessages.createdAt), asc(t.appealMessages.id))
      .prepare('appeal_messages'),
  };
}

export type UtilityQueries = ReturnType<typeof prepareUtilityQueries>;

/**
 * One request's loaders: every list the Dashboard needs costs one statement however many
 * accounts a login holds. `now` is the request's domain time: entries and bills dated later
 * are not shown yet.
 */
export function createUtilityLoaders(queries: UtilityQueries, requestTime: Date) {
  // Timestamps go to either driver as text, as drizzle's own columns send them.
  const at = requestTime.toISOString();
  const loaders = {
    /**
     * With each account's balance, latest bill, meters and their latest readings, read in the
     * same statement (primed: the Dashboard asks for all of them).
     */
    accountsByHolder: new DataLoader<string, AccountRow[]>(async (userIds) => {
      const valid = validIds(userIds);
      const rows = valid.length ? await queries.accountsByHolder.execute({ ids: valid, now: at }) : [];
      const accounts = new Map<string, AccountRow>();
      const meters = new Map<string, MeterRow[]>();
      const readings = new Map<string, ReadingRow[]>();
      for (const { account, balance, latestBill, meter, latestReading } of rows) {
        if (!accounts.has(account.id)) {
          accounts.set(account.id, account);
          meters.set(account.id, []);
          loaders.balanceByAccount.prime(account.id, Number(balance));
          loaders.latestBillByAccount.prime(account.id, latestBill);
        }
        if (!meter) continue;
        if (!readings.has(meter.id)) {
          readings.set(meter.id, []);
          meters.get(account.id)!.push(meter);
        }
        if (latestReading) readings.get(meter.id)!.push(latestReading);
      }
      for (const [accountId, accountMeters] of meters) loaders.metersByAccount.prime(accountId, accountMeters);
      for (const [meterId, latest] of readings) loaders.latestReadingsByMeter.prime(meterId, latest);
      return groupBy(userIds, [...accounts.values()], (row) => row.holderUserId!);
    }),

    /** With its supplier, read in the same statement: what comes next for an account (its reading window, a submission) needs it. */
    accountById: new DataLoader<string, AccountRow | null>(async (keys) => {
      const valid = validIds(keys);
      const rows = valid.length ? await queries.accountById.execute({ ids: valid }) : [];
      for (const { supplier } of rows) loaders.supplierById.prime(supplier.id, supplier);
      return byKey(
        keys,
        rows.map((row) => row.account),
        (row) => row.id,
      );
    }),

    supplierById: new DataLoader<string, SupplierRow | null>(async (keys) => {
      const valid = validIds(keys);
      const rows = valid.length ? await queries.supplierById.execute({ ids: valid }) : [];
      return byKey(keys, rows, (row) => row.id);
    }),

    /** Debt positive, overpayment negative, in minor units. */
    balanceByAccount: new DataLoader<string, number>(async (accountIds) => {
      const rows = await queries.balanceByAccount.execute({ ids: [...accountIds], now: at });
      const totals = new Map(rows.map((row) => [row.accountId, Number(row.total)]));
      return accountIds.map((id) => totals.get(id) ?? 0);
    }),

    /** Every meter an account has had, replaced ones included, in-service first. */
    /** With each zone's latest reading, read in the same statement (primed: the Dashboard shows it). */
    metersByAccount: new DataLoader<string, MeterRow[]>(async (accountIds) => {
      const rows = await queries.metersByAccount.execute({ ids: [...accountIds] });
      const meters = new Map<string, MeterRow>();
      const latest = new Map<string, ReadingRow[]>();
      for (const { meter, latestReading } of rows) {
        if (!meters.has(meter.id)) {
          meters.set(meter.id, meter);
          latest.set(meter.id, []);
        }
        if (latestReading) latest.get(meter.id)!.push(latestReading);
      }
      for (const [meterId, readings] of latest) loaders.latestReadingsByMeter.prime(meterId, readings);
      return groupBy(accountIds, [...meters.values()], (row) => row.accountId);
    }),

    meterById: new DataLoader<string, MeterRow | null>(async (keys) => {
      const valid = validIds(keys);
      const rows = valid.length ? await queries.meterById.execute({ ids: valid }) : [];
      return byKey(keys, rows, (row) => row.id);
    }),

    /** The latest reading of each zone of a meter. */
    latestReadingsByMeter: new DataLoader<string, ReadingRow[]>(async (meterIds) => {
      const rows = await queries.latestReadingsByMeter.execute({ ids: [...meterIds] });
      return groupBy(meterIds, rows, (row) => row.meterId);
    }),

    latestBillByAccount: new DataLoader<string, BillRow | null>(async (accountIds) => {
      const rows = await queries.latestBillByAccount.execute({ ids: [...accountIds], now: at });
      return byKey(accountIds, rows, (row) => row.accountId);
    }),

    billLines: new DataLoader<string, BillLineRow[]>(async (billIds) => {
      const rows = await queries.billLines.execute({ ids: [...billIds] });
      return groupBy(billIds, rows, (row) => row.billId);
    }),

    billConsumption: new DataLoader<string, (BillConsumptionRow & { serialNumber: string; estimatesCorrected: string })[]>(async (billIds) => {
      const rows = await queries.billConsumption.execute({ ids: [...billIds] });
      return groupBy(
        billIds,
        rows.map(({ row, serialNumber, estimatesCorrected }) => ({ ...row, serialNumber, estimatesCorrected })),
        (row) => row.billId,
      );
    }),

    eReceiptsByAccount: new DataLoader<string, EReceiptSubscriptionRow | null>(async (accountIds) => {
      const rows = await queries.eReceiptsByAccount.execute({ ids: [...accountIds] });
      return byKey(accountIds, rows, (row) => row.accountId);
    }),

    appealMessages: new DataLoader<string, AppealMessageRow[]>(async (appealIds) => {
      const rows = await queries.appealMessages.execute({ ids: [...appealIds] });
      return groupBy(appealIds, rows, (row) => row.appealId);
    }),
  };
  return loaders;
}

export type UtilityLoaders = ReturnType<typeof createUtilityLoaders>;
