import { DomainError, type Translations } from '@kabinet/errors';
import { money, parseQuantity } from '@kabinet/money';
import { chargeLines, findSupplier, isMeterZoneSet, supplierToday, vatOn, type MeterZone, type UtilityContext } from '@kabinet/utility-core';
import { priceConsumption, schemeOfZones, wholeMonthSegment } from './pricing';
import { describeLines, electricityRules, loadTariffs, withTariffs } from './rules';

export interface TariffQuoteInput {
  supplierId: string;
  accountKind?: 'RESIDENTIAL' | 'BUSINESS' | null;
  consumption: { zone: MeterZone; value: string }[];
}

const invalidConsumption = (message: Translations) => new DomainError('INVALID_CONSUMPTION', message, { field: 'consumption' });

/** The tariff calculator: a month's consumption under the tariffs in effect today, for anyone. */
export async function tariffQuote(_: unknown, { input }: { input: TariffQuoteInput }, context: UtilityContext) {
  const supplier = await findSupplier(context.db, context.services.tables, input.supplierId);
  const accountKind = input.accountKind ?? 'RESIDENTIAL';
  const zones = input.consumption.map((entry) => entry.zone as string);
  if (!isMeterZoneSet(electricityRules, zones)) {
    const sets = electricityRules.meterZoneSets.map((set) => set.join(' + '));
    throw invalidConsumption({
      en: `Give one value per zone of a meter: ${sets.join('; or ')}`,
      uk: `Дайте одне значення на кожну зону лічильника: ${sets.join('; або ')}`,
      ru: `Дайте одно значение на каждую зону счётчика: ${sets.join('; или ')}`,
    });
  }
  const scheme = schemeOfZones(zones);
  const consumption = input.consumption.map((entry) => {
    const quantity = parseQuantity(entry.value, 3);
    if (!quantity) {
      throw invalidConsumption({
        en: `${entry.zone}: a non-negative kWh amount with up to 3 decimals, e.g. 250 or 212.5`,
        uk: `${entry.zone}: невідʼємна кількість кВт·год, до 3 знаків після коми, напр. 250 або 212,5`,
        ru: `${entry.zone}: неотрицательное количество кВт·ч, до 3 знаков после запятой, напр. 250 или 212,5`,
      });
    }
    return { scheme, zone: entry.zone, consumption: quantity };
  });

  const today = supplierToday(supplier, context.now);
  const tariffs = await loadTariffs(context.db, supplier.id, accountKind);
  const segments = withTariffs(supplier, () => wholeMonthSegment(today, tariffs));
  const lines = describeLines(priceConsumption(segments, consumption, supplier.currency), segments);
  const net = lines.reduce((sum, line) => sum + line.amountMinor, 0);
  const vat = accountKind === 'BUSINESS' ? vatOn(net, supplier.vatRateBasisPoints) : 0;
  return {
    supplier,
    validFrom: segments[0]!.tariff.validFrom,
    lines: chargeLines(lines, supplier.currency),
    vat: accountKind === 'BUSINESS' ? money(vat, supplier.currency) : null,
    total: money(net + vat, supplier.currency),
  };
}
