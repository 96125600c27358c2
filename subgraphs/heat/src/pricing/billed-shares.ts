import { anyOf, insertRows, type Database, type Transaction } from '@kabinet/db';
import { firstDayOf, type Period } from '@kabinet/utility-core';
import { and, desc, eq, exists, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { billConsumption, billedBuildingShares, bills, premises } from '../db/schema';
import { billedShareRecords, type HeatPricingData } from './charges';

type Executor = Database | Transaction;

/**
 * The latest figure of each month these premises were billed a building share for, of the months
 * in which a metered premises of their building was billed an estimate: only those can change once
 * billed (a real reading corrects the estimate). The filter depends on the building and month alone,
 * so it keeps all of a month's figures or none, and the latest one taken is the month's latest.
 */
export function loadBilledShares(executor: Executor, accountIds: readonly string[]) {
  const meteredBills = alias(bills, 'metered_bills');
  const meteredPremises = alias(premises, 'metered_premises');
  const estimatedInBuilding = executor
    .select({ one: sql`1` })
    .from(billConsumption)
    .innerJoin(meteredBills, eq(meteredBills.id, billConsumption.billId))
    .innerJoin(meteredPremises, eq(meteredPremises.accountId, meteredBills.accountId))
    .where(
      and(
        eq(meteredPremises.buildingId, premises.buildingId),
        eq(meteredPremises.heating, 'METER'),
        eq(meteredBills.period, billedBuildingShares.period),
        eq(billConsumption.zone, 'HEAT'),
        eq(billConsumption.estimated, true),
      ),
    );
  return executor
    .selectDistinctOn([bills.accountId, billedBuildingShares.period], { accountId: bills.accountId, period: billedBuildingShares.period, meteredGcal: billedBuildingShares.meteredGcal })
    .from(billedBuildingShares)
    .innerJoin(bills, eq(bills.id, billedBuildingShares.billId))
    .innerJoin(premises, eq(premises.accountId, bills.accountId))
    .where(and(anyOf(bills.accountId, accountIds), exists(estimatedInBuilding)))
    .orderBy(bills.accountId, billedBuildingShares.period, desc(bills.period));
}

/** Records the building shares the bills just issued for `period` charged and corrected (`billedShareRecords`), in one statement. */
export async function recordBilledShares(tx: Transaction, data: HeatPricingData, period: Period, issued: { billId: string; account: { id: string; kind: string } }[]): Promise<void> {
  const rows = billedShareRecords(data, period, issued).map((row) => ({ billId: row.billId, period: firstDayOf(row.period), meteredGcal: row.meteredGcal.toFixed(3) }));
  await insertRows(tx, billedBuildingShares, rows);
}
