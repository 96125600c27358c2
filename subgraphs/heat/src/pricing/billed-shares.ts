import { anyOf, insertRows, type Database, type Transaction } from '@kabinet/db';
import { firstDayOf, type Period } from '@kabinet/utility-core';
import { and, desc, eq, exists, gt, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { billConsumption, billedBuildingShares, bills, premises } from '../db/schema';
import { billedShareRecords, type HeatPricingData } from './charges';

type Executor = Database | Transaction;

/**
 * The latest figure of each month these premises were billed a building share for, of the months
 * whose metered Gcal may have changed since: those in which a metered premises of their building
 * was billed an estimate (a real reading corrects it), and those in which one was billed after
 * these premises were (its bill had failed, so the share counted it at an estimate, see
 * `meteredHeatOf`). Both filters depend on the premises and month alone, so they keep all of a
 * month's figures or none, and the latest one taken is the month's latest.
 */
export function loadBilledShares(executor: Executor, accountIds: readonly string[]) {
  const meteredBills = alias(bills, 'metered_bills');
  const meteredPremises = alias(premises, 'metered_premises');
  const ownMonthBills = alias(bills, 'own_month_bills');
  const meteredInBuilding = and(
    eq(meteredPremises.buildingId, premises.buildingId),
    eq(meteredPremises.heating, 'METER'),
    eq(meteredBills.period, billedBuildingShares.period),
  );
  const estimatedInBuilding = executor
    .select({ one: sql`1` })
    .from(billConsumption)
    .innerJoin(meteredBills, eq(meteredBills.id, billConsumption.billId))
    .innerJoin(meteredPremises, eq(meteredPremises.accountId, meteredBills.accountId))
    .where(and(meteredInBuilding, eq(billConsumption.zone, 'HEAT'), eq(billConsumption.estimated, true)));
  // Run times, not issue dates: a month run again the same day is still later.
  const billedLaterInBuilding = executor
    .select({ one: sql`1` })
    .from(meteredBills)
    .innerJoin(meteredPremises, eq(meteredPremises.accountId, meteredBills.accountId))
    .innerJoin(ownMonthBills, and(eq(ownMonthBills.accountId, bills.accountId), eq(ownMonthBills.period, billedBuildingShares.period)))
    .where(and(meteredInBuilding, gt(meteredBills.cutoffAt, ownMonthBills.cutoffAt)));
  return executor
    .selectDistinctOn([bills.accountId, billedBuildingShares.period], { accountId: bills.accountId, period: billedBuildingShares.period, meteredGcal: billedBuildingShares.meteredGcal })
    .from(billedBuildingShares)
    .innerJoin(bills, eq(bills.id, billedBuildingShares.billId))
    .innerJoin(premises, eq(premises.accountId, bills.accountId))
    .where(and(anyOf(bills.accountId, accountIds), or(exists(estimatedInBuilding), exists(billedLaterInBuilding))))
    .orderBy(bills.accountId, billedBuildingShares.period, desc(bills.period));
}

/** Records the building shares the bills just issued for `period` charged and corrected (`billedShareRecords`), in one statement. */
export async function recordBilledShares(tx: Transaction, data: HeatPricingData, period: Period, issued: { billId: string; account: { id: string; kind: string } }[]): Promise<void> {
  const rows = billedShareRecords(data, period, issued).map((row) => ({ billId: row.billId, period: firstDayOf(row.period), meteredGcal: row.meteredGcal.toFixed(3) }));
  await insertRows(tx, billedBuildingShares, rows);
}
