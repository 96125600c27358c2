import { anyOf, rowsOf, type Database, type Transaction } from '@kabinet/db';
import { Big } from '@kabinet/money';
import { and, eq, lt, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
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
 * many accounts: their meters, the readings of each meter zone that billing `period` can use, and
 * the consumption their bills before `period` charged. Every account gets one (empty without meters).
 *
 * The readings are those from the zone's latest real reading before `period` to the one closing
 * it (all of them when there is no real one): the month's measured advance runs from that real
 * reading, and the estimates since it are what it corrects (`accountBasis`). Older readings would
 * change nothing, and reading them made every run cost more with each month billed.
 */
export async function loadBillingHistories(executor: Executor, t: UtilityTables, accountIds: readonly string[], period: Period): Promise<Map<string, BillingHistory>> {
  const histories = new Map<string, BillingHistory>(accountIds.map((id) => [id, { meters: [], readings: [], billed: [] }]));
  if (!accountIds.length) return histories;
  const [meters, readingRows, billedRows] = await Promise.all([
    executor.select().from(t.meters).where(anyOf(t.meters.accountId, accountIds)),
    executor.execute(usableReadings(t, accountIds, period)).then((result) => rowsOf<StoredReading & { accountId: string }>(result)),
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

/**
 * Per meter zone of the meters `whichMeters` picks, the period of its latest real reading before
 * `month` (looked up backwards by the zone's (meter, zone, period) index, stopping at the first
 * real one), then its readings from that period to `month`'s by the same index: what billing
 * `month` can use, and what a reading submitted for it is checked and priced against. The order
 * is forced (the bounds materialized first, each zone's range read on its own with `offset 0`):
 * left to itself the planner read every reading of the meters and filtered them, as slow as
 * before with years of history. Values and periods as text, as both drivers hand text over alike;
 * each row names its account (`accountId`). `month` is a date: the month's first day.
 */
export function readingsSinceLatestReal(t: UtilityTables, whichMeters: SQL, month: SQL) {
  const { meters, readings } = t;
  const real = alias(readings, 'real');
  return sql`with "bounds" as materialized (
      select ${meters.id} as "meter_id", ${meters.accountId} as "account_id", "meter_zone"."zone",
        (select coalesce(max(${real.period}), '-infinity'::date) from ${readings} as ${real}
          where ${real.meterId} = ${meters.id} and ${real.zone} = "meter_zone"."zone" and ${real.period} < ${month} and ${real.source} <> 'ESTIMATE') as "since"
      from ${meters} cross join lateral unnest(${meters.zones}) as "meter_zone"("zone")
      where ${whichMeters})
    select "usable".*, "bounds"."account_id" as "accountId" from "bounds"
    cross join lateral (
      select ${readings.meterId} as "meterId", ${readings.zone} as "zone", ${readings.period}::text as "period",
        ${readings.value}::text as "value", ${readings.source} as "source"
      from ${readings}
      where ${readings.meterId} = "bounds"."meter_id" and ${readings.zone} = "bounds"."zone"
        and ${readings.period} >= "bounds"."since" and ${readings.period} <= ${month}
      offset 0) as "usable"`;
}

const usableReadings = (t: UtilityTables, accountIds: readonly string[], period: Period) =>
  readingsSinceLatestReal(t, anyOf(t.meters.accountId, accountIds), sql`${firstDayOf(period)}::date`);

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
