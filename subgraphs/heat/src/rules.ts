import type { Database, Transaction } from '@kabinet/db';
import { Big, toMinorUnits } from '@kabinet/money';
import {
  firstDayOf,
  tariffOn,
  withTariffs,
  type ConsumptionToPrice,
  type MeterZone,
  type PricedLine,
  type SupplierPricing,
  type SupplierRow,
  type UtilityRules,
} from '@kabinet/utility-core';
import { asc, eq } from 'drizzle-orm';
import { tariffs as tariffTable } from './db/schema';

const units: Partial<Record<MeterZone, string>> = { HEAT: 'Гкал', HOT_WATER: 'м³' };
const descriptions: Partial<Record<MeterZone, string>> = { HEAT: 'Теплова енергія (за лічильником)', HOT_WATER: 'Гаряча вода' };

interface HeatTariff {
  validFrom: string;
  heatPerGcal: string;
  hotWaterPerM3: string;
}

async function loadAllTariffs(executor: Database | Transaction, supplierId: string): Promise<Map<string, HeatTariff[]>> {
  const rows = await executor.select().from(tariffTable).where(eq(tariffTable.supplierId, supplierId)).orderBy(asc(tariffTable.validFrom));
  const byKind = new Map<string, HeatTariff[]>();
  for (const row of rows) byKind.set(row.accountKind, [...(byKind.get(row.accountKind) ?? []), row]);
  return byKind;
}

/** Metered heat and hot water at the tariff in effect on a day, one line per zone. */
function meteredLines(supplier: SupplierRow, tariff: HeatTariff, consumption: { zone: MeterZone; quantity: Big }[]): PricedLine[] {
  const totals = new Map<MeterZone, Big>();
  for (const entry of consumption) totals.set(entry.zone, (totals.get(entry.zone) ?? new Big(0)).plus(entry.quantity));
  return [...totals]
    .filter(([, quantity]) => quantity.gt(0))
    .map(([zone, quantity]): PricedLine => {
      const unitPrice = new Big(zone === 'HEAT' ? tariff.heatPerGcal : tariff.hotWaterPerM3);
      return { description: descriptions[zone] ?? zone, zone, quantity, unitPrice, amountMinor: toMinorUnits(quantity.times(unitPrice), supplier.currency) };
    });
}

async function heatPricing(executor: Database | Transaction, supplier: SupplierRow): Promise<SupplierPricing> {
  const tariffs = await loadAllTariffs(executor, supplier.id);
  const tariffFor = (kind: string, date: string) => withTariffs(supplier, () => tariffOn(date, tariffs.get(kind) ?? []));
  return {
    sourcesOf: (account) => [
      {
        metered: true,
        lines: (period, consumption: ConsumptionToPrice[]) =>
          meteredLines(supplier, tariffFor(account.kind, firstDayOf(period)), consumption.map(({ zone, quantity }) => ({ zone, quantity }))),
      },
    ],
    assertCovers: (period, kinds) => {
      for (const kind of kinds) tariffFor(kind, firstDayOf(period));
    },
    quote: ({ accountKind, consumption }, today) => {
      const tariff = tariffFor(accountKind, today);
      return { validFrom: tariff.validFrom, lines: meteredLines(supplier, tariff, consumption) };
    },
  };
}

/**
 * Heat's part of the cabinet: heat by its meter in Gcal, hot water in m³, at the tariff in
 * effect on the month's first day.
 */
export const heatRules: UtilityRules = {
  utility: 'heat',
  billedFor: 'теплову енергію та гарячу воду',
  zoneLabels: { HEAT: 'Тепло', HOT_WATER: 'Гаряча вода' },
  unitOf: (zone) => units[zone] ?? '',
  meterZoneSets: [['HEAT'], ['HOT_WATER']],
  pricingFor: heatPricing,
};
