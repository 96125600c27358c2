import { anyOf, type Database, type Transaction } from '@kabinet/db';
import { Big } from '@kabinet/money';
import { addMonths, periodOf, type Period, type SupplierRow } from '@kabinet/utility-core';
import { and, asc, eq, inArray, isNotNull, or } from 'drizzle-orm';
import { accounts, buildingReadings, buildings, heatingSeasons, meters, premises as premisesTable, readings, tariffs } from '../db/schema';
import type { Building, HeatPricingData, HeatTariff, Premises } from './charges';

type Executor = Database | Transaction;

/**
 * Everything heat pricing needs for one supplier, in a fixed number of statements however many
 * accounts it has: tariffs, seasons, premises, buildings with their meter readings, and the heat
 * readings of individually metered premises in those buildings. With `accountIds`, the premises
 * of those accounts only, and the buildings they are in with every premises there (a building's
 * heat is shared among all of them): a reading submitted reads its own building, not the
 * supplier's hundred thousand premises.
 */
export async function loadHeatPricingData(executor: Executor, supplier: SupplierRow, accountIds?: readonly string[]): Promise<HeatPricingData> {
  // With `accountIds`: those accounts' premises, and every premises of the buildings they are in.
  const buildingsOfAccounts =
    accountIds &&
    executor
      .select({ buildingId: premisesTable.buildingId })
      .from(premisesTable)
      .where(and(anyOf(premisesTable.accountId, accountIds), isNotNull(premisesTable.buildingId)));
  const [tariffRows, seasonRows, premisesRows, buildingRows] = await Promise.all([
    executor.select().from(tariffs).where(eq(tariffs.supplierId, supplier.id)).orderBy(asc(tariffs.validFrom)),
    executor.select().from(heatingSeasons).where(eq(heatingSeasons.supplierId, supplier.id)).orderBy(asc(heatingSeasons.startsOn)),
    executor
      .select({ premises: premisesTable })
      .from(premisesTable)
      .innerJoin(accounts, eq(accounts.id, premisesTable.accountId))
      .where(
        and(
          eq(accounts.supplierId, supplier.id),
          buildingsOfAccounts && or(anyOf(premisesTable.accountId, accountIds!), inArray(premisesTable.buildingId, buildingsOfAccounts)),
        ),
      ),
    executor
      .select()
      .from(buildings)
      .where(and(eq(buildings.supplierId, supplier.id), buildingsOfAccounts && inArray(buildings.id, buildingsOfAccounts))),
  ]);

  const byKind = new Map<string, HeatTariff[]>();
  for (const row of tariffRows) byKind.set(row.accountKind, [...(byKind.get(row.accountKind) ?? []), row]);

  const premises = new Map<string, Premises>(
    premisesRows.map(({ premises: row }) => [
      row.accountId,
      { accountId: row.accountId, heatedAreaM2: new Big(row.heatedAreaM2), occupants: row.occupants, heating: row.heating, hotWater: row.hotWater, buildingId: row.buildingId },
    ]),
  );

  const buildingIds = buildingRows.map((building) => building.id);
  const meteredInBuildings = [...premises.values()].filter((row) => row.buildingId && row.heating === 'METER').map((row) => row.accountId);
  const [buildingReadingRows, heatReadingRows] = await Promise.all([
    buildingIds.length ? executor.select().from(buildingReadings).where(inArray(buildingReadings.buildingId, buildingIds)) : [],
    meteredInBuildings.length
      ? executor
          .select({ accountId: meters.accountId, meterId: readings.meterId, period: readings.period, value: readings.value })
          .from(readings)
          .innerJoin(meters, eq(meters.id, readings.meterId))
          .where(and(inArray(meters.accountId, meteredInBuildings), eq(readings.zone, 'HEAT'), isNotNull(readings.value)))
      : [],
  ]);

  const buildingMap = new Map<string, Building>(
    buildingRows.map((row) => [
      row.id,
      {
        id: row.id,
        address: row.address,
        commonAreaShareBasisPoints: row.commonAreaShareBasisPoints,
        meterStartValue: new Big(row.meterStartValue),
        readings: new Map(buildingReadingRows.filter((reading) => reading.buildingId === row.id).map((reading) => [periodOf(reading.period), new Big(reading.value)])),
        premises: [...premises.values()].filter((candidate) => candidate.buildingId === row.id),
      },
    ]),
  );

  return {
    currency: supplier.currency,
    tariffs: byKind,
    seasons: seasonRows.map((season) => ({ startsOn: season.startsOn, endsOn: season.endsOn })),
    premises,
    buildings: buildingMap,
    meteredHeatGcal: (accountId, period) => meteredAdvance(heatReadingRows.filter((row) => row.accountId === accountId), period),
  };
}

/**
 * What a premises' heat meters measured in `period`: each meter's value closing the month less
 * the one closing the month before. A meter without a value for the month counts the average
 * of its last three monthly advances (as billing estimates it); one with no history, nothing.
 */
function meteredAdvance(rows: { meterId: string; period: string; value: string }[], period: Period): Big {
  const byMeter = new Map<string, Map<Period, Big>>();
  for (const row of rows) {
    const values = byMeter.get(row.meterId) ?? new Map<Period, Big>();
    values.set(periodOf(row.period), new Big(row.value));
    byMeter.set(row.meterId, values);
  }
  let total = new Big(0);
  for (const values of byMeter.values()) {
    const advance = (month: Period) => {
      const closing = values.get(month);
      const opening = values.get(addMonths(month, -1));
      return closing && opening ? closing.minus(opening) : null;
    };
    const own = advance(period);
    if (own) {
      total = total.plus(own);
      continue;
    }
    const recent = [1, 2, 3].map((back) => advance(addMonths(period, -back))).filter((value): value is Big => value !== null);
    if (recent.length) total = total.plus(recent.reduce((sum, value) => sum.plus(value), new Big(0)).div(recent.length).round(3, Big.roundHalfUp));
  }
  return total;
}
