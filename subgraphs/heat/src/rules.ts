import type { Database, Transaction } from '@kabinet/db';
import type { Translations } from '@kabinet/errors';
import { Big, toMinorUnits } from '@kabinet/money';
import {
  tariffOn,
  tariffSegments,
  withTariffs,
  zoneLabels,
  type MeterZone,
  type PricedLine,
  type SupplierPricing,
  type SupplierRow,
  type UtilityRules,
} from '@kabinet/utility-core';
import { buildingReadingMissing, buildingsWithoutReading, heatChargeSources, normEstimate, type HeatPricingData } from './pricing/charges';
import { recordBilledShares } from './pricing/billed-shares';
import { loadHeatPricingData } from './pricing/load';

const units: Partial<Record<MeterZone, Translations>> = {
  HEAT: { uk: 'Гкал', en: 'Gcal', ru: 'Гкал' },
  HOT_WATER: { uk: 'м³', en: 'm³', ru: 'м³' },
};

/** The tariff calculator: a household's Gcal and m³ at the prices in effect on `today`, and the monthly fee once. */
function quoteLines(data: HeatPricingData, accountKind: string, consumption: { zone: MeterZone; quantity: Big }[], today: string) {
  const tariff = tariffOn(today, data.tariffs.get(accountKind) ?? []);
  const lines: PricedLine[] = consumption
    .filter((entry) => entry.quantity.gt(0))
    .map(({ zone, quantity }) => {
      const unitPrice = new Big(zone === 'HEAT' ? tariff.heatPerGcal : tariff.hotWaterPerM3);
      const description = zone === 'HEAT' ? 'Опалення за лічильником' : 'Гаряча вода за лічильником';
      return { description, zone, quantity, unitPrice, amountMinor: toMinorUnits(quantity.times(unitPrice), data.currency) };
    });
  const fee = new Big(tariff.subscriptionFee);
  if (fee.gt(0)) lines.push({ description: 'Абонентська плата', zone: null, quantity: null, unitPrice: null, amountMinor: toMinorUnits(fee, data.currency) });
  return { validFrom: tariff.validFrom, lines };
}

async function heatPricing(executor: Database | Transaction, supplier: SupplierRow, accountIds?: readonly string[]): Promise<SupplierPricing> {
  const data = await loadHeatPricingData(executor, supplier, accountIds);
  const checked = <T>(compute: () => T) => withTariffs(supplier, compute);
  return {
    sourcesOf: (account) =>
      heatChargeSources(data, account).map((source) => ({
        ...source,
        lines: (period, consumption) => checked(() => source.lines(period, consumption)),
        ...(source.revisions ? { revisions: (period: string) => checked(() => source.revisions!(period)) } : {}),
      })),
    estimateWithoutHistory: (account, zone, period, meter) => checked(() => normEstimate(data, account, zone, period, meter)),
    assertCovers: (period, kinds) => {
      for (const kind of kinds) checked(() => tariffSegments(period, data.tariffs.get(kind) ?? []));
    },
    assertReady: (period, accountIds) => {
      const missing = buildingsWithoutReading(data, period, accountIds);
      if (missing.length) throw buildingReadingMissing(missing, period);
    },
    recordIssued: (tx, period, issued) => recordBilledShares(tx, data, period, issued),
    quote: ({ accountKind, consumption }, today) => checked(() => quoteLines(data, accountKind, consumption, today)),
  };
}

/**
 * Heat's part of the cabinet: heating by a meter, a building's meter or the norm, inside the
 * heating season; hot water by a meter or the norm; the monthly subscription fee
 * (`pricing/charges.ts`).
 */
export const heatRules: UtilityRules = {
  utility: 'heat',
  billedFor: 'теплову енергію та гарячу воду',
  zoneLabels: zoneLabels(['HEAT', 'HOT_WATER']),
  unitOf: (zone) => units[zone] ?? { uk: '', en: '', ru: '' },
  meterZoneSets: [['HEAT'], ['HOT_WATER']],
  // A household asks what heat and hot water together cost a month: the fee is charged once.
  quotesHousehold: true,
  pricingFor: heatPricing,
};
