import { Big, toMinorUnits } from '@kabinet/money';
import { firstDayOf, tariffMissing, type MeterZone, type PricedLine, type UtilityRules } from '@kabinet/utility-core';
import { and, desc, eq } from 'drizzle-orm';
import { tariffs } from './db/schema';

const units: Partial<Record<MeterZone, string>> = { HEAT: 'Гкал', HOT_WATER: 'м³' };
const descriptions: Partial<Record<MeterZone, string>> = { HEAT: 'Теплова енергія (за лічильником)', HOT_WATER: 'Гаряча вода' };

/**
 * Heat's metered billing: heat by its meter in Gcal, hot water in m³, at the tariff in effect
 * on the month's first day. Heating by area without a meter, the heating season and the
 * monthly service fee are not modelled yet.
 */
export const heatRules: UtilityRules = {
  utility: 'heat',
  unitOf: (zone) => units[zone] ?? '',
  meterZoneSets: [['HEAT'], ['HOT_WATER']],
  async pricerFor(executor, supplier, accountKind) {
    const history = await executor
      .select()
      .from(tariffs)
      .where(and(eq(tariffs.supplierId, supplier.id), eq(tariffs.accountKind, accountKind)))
      .orderBy(desc(tariffs.validFrom));
    return (period, consumption) => {
      const tariff = history.find((candidate) => candidate.validFrom <= firstDayOf(period));
      if (!tariff) throw tariffMissing(supplier, firstDayOf(period));
      const totals = new Map<MeterZone, Big>();
      for (const entry of consumption) totals.set(entry.zone, (totals.get(entry.zone) ?? new Big(0)).plus(entry.quantity));
      return [...totals]
        .filter(([, quantity]) => quantity.gt(0))
        .map(([zone, quantity]): PricedLine => {
          const unitPrice = new Big(zone === 'HEAT' ? tariff.heatPerGcal : tariff.hotWaterPerM3);
          return { description: descriptions[zone] ?? zone, zone, quantity, unitPrice, amountMinor: toMinorUnits(quantity.times(unitPrice), supplier.currency) };
        });
    };
  },
};

