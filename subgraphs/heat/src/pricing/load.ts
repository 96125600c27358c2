import { anyOf, type Database, type Transaction } from '@kabinet/db';
import { Big } from '@kabinet/money';
import { basisReadingOf, billedConsumptionOf, periodOf, type Period, type SupplierRow } from '@kabinet/utility-core';
import { and, asc, eq, inArray, isNotNull, or } from 'drizzle-orm';
import { accounts, billConsumption, bills, buildingReadings, buildings, heatingSeasons, meters, premises as premisesTable, readings, tariffs } from '../db/schema';
import { loadBilledShares } from './billed-shares';
import { normEstimate, sharesTheRest, type Building, type HeatPricingData, type HeatTariff, type Premises } from './charges';
import { meteredHeatOf, noMeteredHeat, type MeteredHeat, type MeteredHeatHistory } from './metered';

type Executor = Database | Transaction;

/**
 * Everything heat pricing needs for one supplier, in a fixed number of statements however many
 * accounts it has: tariffs, seasons, premises, buildings with their meter readings, the heat
 * meters, readings and billed consumption of individually metered premises in those buildings (a
 * building's share counts what their bills count), and the shares the other premises there were
 * billed for months a metered neighbour's estimate may have changed since. With `accountIds`, the premises
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
      .select({ premises: premisesTable, kind: accounts.kind })
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

  const kindOf = new Map(premisesRows.map(({ premises: row, kind }) => [row.accountId, kind]));
  const premises = new Map<string, Premises>(
    premisesRows.map(({ premises: row }) => [
      row.accountId,
      { accountId: row.accountId, heatedAreaM2: new Big(row.heatedAreaM2), occupants: row.occupants, heating: row.heating, hotWater: row.hotWater, buildingId: row.buildingId },
    ]),
  );

  const buildingIds = buildingRows.map((building) => building.id);
  const inBuildings = [...premises.values()].filter((row) => row.buildingId);
  const meteredInBuildings = inBuildings.filter((row) => row.heating === 'METER').map((row) => row.accountId);
  const sharers = inBuildings.filter(sharesTheRest).map((row) => row.accountId);
  const [buildingReadingRows, meterRows, heatReadingRows, billedRows, shareRows] = await Promise.all([
    buildingIds.length ? executor.select().from(buildingReadings).where(inArray(buildingReadings.buildingId, buildingIds)) : [],
    meteredInBuildings.length ? executor.select().from(meters).where(anyOf(meters.accountId, meteredInBuildings)) : [],
    meteredInBuildings.length
      ? executor
          .select({ accountId: meters.accountId, meterId: readings.meterId, zone: readings.zone, period: readings.period, value: readings.value, source: readings.source })
          .from(readings)
          .innerJoin(meters, eq(meters.id, readings.meterId))
          .where(and(anyOf(meters.accountId, meteredInBuildings), eq(readings.zone, 'HEAT')))
      : [],
    meteredInBuildings.length
      ? executor
          .select({
            accountId: bills.accountId,
            id: billConsumption.id,
            billId: billConsumption.billId,
            period: bills.period,
            meterId: billConsumption.meterId,
            zone: billConsumption.zone,
            consumption: billConsumption.consumption,
            correctedConsumption: billConsumption.correctedConsumption,
            estimated: billConsumption.estimated,
            correctedByBillId: billConsumption.correctedByBillId,
          })
          .from(billConsumption)
          .innerJoin(bills, eq(bills.id, billConsumption.billId))
          .where(and(anyOf(bills.accountId, meteredInBuildings), eq(billConsumption.zone, 'HEAT')))
      : [],
    sharers.length ? loadBilledShares(executor, sharers) : [],
  ]);

  const histories = new Map<string, MeteredHeatHistory>(meteredInBuildings.map((accountId) => [accountId, { meters: [], readings: [], billed: [] }]));
  for (const meter of meterRows) if (meter.zones.includes('HEAT')) histories.get(meter.accountId)!.meters.push(meter);
  for (const reading of heatReadingRows) histories.get(reading.accountId)!.readings.push(basisReadingOf(reading));
  for (const row of billedRows) histories.get(row.accountId)!.billed.push(billedConsumptionOf(row));

  const shares = new Map<string, Map<Period, Big>>();
  for (const row of shareRows) {
    const months = shares.get(row.accountId) ?? new Map<Period, Big>();
    months.set(periodOf(row.period), new Big(row.meteredGcal));
    shares.set(row.accountId, months);
  }

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

  const meteredOf = new Map<string, (period: Period) => MeteredHeat>();
  const data: HeatPricingData = {
    currency: supplier.currency,
    tariffs: byKind,
    seasons: seasonRows.map((season) => ({ startsOn: season.startsOn, endsOn: season.endsOn })),
    premises,
    buildings: buildingMap,
    meteredHeat: (accountId, period) => {
      const history = histories.get(accountId);
      if (!history) return noMeteredHeat;
      let of = meteredOf.get(accountId);
      if (!of) {
        const account = { id: accountId, kind: kindOf.get(accountId)! };
        // Estimated without history as the premises' own bill is (`SupplierPricing.estimateWithoutHistory`).
        of = meteredHeatOf(history, (meter, zone, month) => normEstimate(data, account, zone, month, meter));
        meteredOf.set(accountId, of);
      }
      return of(period);
    },
    billedShares: shares,
  };
  return data;
}
