import { anyOf, type Database, type Transaction } from '@kabinet/db';
import { Big } from '@kabinet/money';
import { and, eq, lt, lte } from 'drizzle-orm';
import { firstDayOf, periodOf, type Period } from '../calendar';
import type { MeterRow, UtilityTables } from '../tables';
import type { BasisMeter, BasisReading, BilledConsumption } from './basis';

type Executor = Database | Transaction;

/** An account's meters, their readings up to the month being billed, and what earlier bills charged. */
export interface BillingHistory {
  meters: (BasisMeter & MeterRow)[];
  readings: BasisReading[];
  billed: BilledConsumption[];
}

/**
 * The billing history of each account in `accountIds` for `period`, in three statements however
 * many accounts: their meters, those meters' readings closing `period` or earlier, and the
 * consumption their bills before `period` charged. Every account gets one (empty without meters).
 */
export async function loadBillingHistories(executor: Executor, t: UtilityTables, accountIds: readonly string[], period: Period): Promise<Map<string, BillingHistory>> {
  const histories = new Map<string, BillingHistory>(accountIds.map((id) => [id, { meters: [], readings: [], billed: [] }]));
  if (!accountIds.length) return histories;
  const [meters, readingRows, billedRows] = await Promise.all([
    executor.select().from(t.meters).where(anyOf(t.meters.accountId, accountIds)),
    executor
      .select({ meterId: t.readings.meterId, zone: t.readings.zone, period: t.readings.period, value: t.readings.value, source: t.readings.source, accountId: t.meters.accountId })
      .from(t.readings)
      .innerJoin(t.meters, eq(t.meters.id, t.readings.meterId))
      .where(and(anyOf(t.meters.accountId, accountIds), lte(t.readings.period, firstDayOf(period)))),
    executor
      .select({
        id: t.billConsumption.id,
        billId: t.billConsumption.billId,
        meterId: t.billConsumption.meterId,
        zone: t.billConsumption.zone,
        consumption: t.billConsumption.consumption,
        correctedConsumption: t.billConsumption.correctedConsumption,
        correctedByBillId: t.billConsumption.correctedByBillId,
        estimated: t.billConsumption.estimated,
        period: t.bills.period,
        accountId: t.bills.accountId,
      })
      .from(t.billConsumption)
      .innerJoin(t.bills, eq(t.bills.id, t.billConsumption.billId))
      .where(and(anyOf(t.bills.accountId, accountIds), lt(t.bills.period, firstDayOf(period)))),
  ]);

  for (const meter of meters) histories.get(meter.accountId)!.meters.push(meter);
  for (const reading of readingRows) histories.get(reading.accountId)!.readings.push(basisReadingOf(reading));
  for (const row of billedRows) histories.get(row.accountId)!.billed.push(billedConsumptionOf(row));
  return histories;
}

/** A stored reading as a statement hands it over: the value as a numeric string, the month's first day as `YYYY-MM-DD`. */
export interface StoredReading {
  meterId: string;
  zone: string;
  period: string;
  value: string;
  source: string;
}

/** Consumption a bill charged, as a statement hands it over (decimals as numeric strings). */
export interface StoredBilledConsumption {
  id: string;
  billId: string;
  period: string;
  meterId: string;
  zone: string;
  consumption: string;
  correctedConsumption: string | null;
  estimated: boolean;
  correctedByBillId: string | null;
}

export function basisReadingOf(row: StoredReading): BasisReading {
  return { meterId: row.meterId, zone: row.zone, period: periodOf(row.period), value: new Big(row.value), estimated: row.source === 'ESTIMATE' };
}

/** What an earlier bill charged for a meter zone: its corrected consumption when a later bill corrected it. */
export function billedConsumptionOf(row: StoredBilledConsumption): BilledConsumption {
  return {
    id: row.id,
    billId: row.billId,
    period: periodOf(row.period),
    meterId: row.meterId,
    zone: row.zone,
    consumption: new Big(row.correctedConsumption ?? row.consumption),
    estimated: row.estimated,
    open: row.estimated && row.correctedByBillId === null,
  };
}
