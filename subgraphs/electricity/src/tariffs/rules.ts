import { preparedPer, type Database, type Transaction } from '@kabinet/db';
import type { Translations } from '@kabinet/errors';
import {
  dayAndMonth,
  tariffSegments,
  wholeMonthSegment,
  withTariffs,
  zoneLabels,
  type ConsumptionToPrice,
  type Period,
  type PricedLine,
  type SupplierPricing,
  type SupplierRow,
  type UtilityRules,
} from '@kabinet/utility-core';
import { asc, eq, sql } from 'drizzle-orm';
import { tariffs as tariffTable } from '../db/schema';
import { priceConsumption, schemeOfZones, type ChargeLine, type Tariff, type TariffSegment, type ZoneConsumption } from './pricing';

export const kwh: Translations = { uk: 'кВт·год', en: 'kWh', ru: 'кВт·ч' };

const tariffsOfSupplier = preparedPer((executor) =>
  executor.select().from(tariffTable).where(eq(tariffTable.supplierId, sql.placeholder('supplierId'))).orderBy(asc(tariffTable.validFrom)).prepare('tariffs_of_supplier'),
);

/** A supplier's tariffs by kind of account, oldest first (read for every reading submitted: prepared). */
async function loadAllTariffs(executor: Database | Transaction, supplierId: string): Promise<Map<string, Tariff[]>> {
  const rows = await tariffsOfSupplier(executor).execute({ supplierId });
  const byKind = new Map<string, Tariff[]>();
  for (const row of rows) {
    byKind.set(row.accountKind, [...(byKind.get(row.accountKind) ?? []), { validFrom: row.validFrom, tiers: row.tiers, zoneCoefficients: row.zoneCoefficients }]);
  }
  return byKind;
}

/** Consumption per meter scheme and zone, across the account's meters (tiers count the account's total). */
export function byZone(consumption: ConsumptionToPrice[]): ZoneConsumption[] {
  const totals = new Map<string, ZoneConsumption>();
  for (const entry of consumption) {
    const scheme = schemeOfZones(entry.meter.zones);
    const key = `${scheme}:${entry.zone}`;
    const current = totals.get(key);
    totals.set(key, { scheme, zone: entry.zone, consumption: current ? current.consumption.plus(entry.quantity) : entry.quantity });
  }
  return [...totals.values()];
}

/** "Електроенергія, зона «Ніч», понад 250 кВт·год, 16.11–30.11": what a bill line says. */
function describe(line: ChargeLine, segments: TariffSegment[]): string {
  const segment = segments.find((candidate) => candidate.from === line.from)!;
  const tiers = segment.tariff.tiers;
  const parts = [line.zone === 'SINGLE' ? 'Електроенергія' : `Електроенергія, зона «${electricityRules.zoneLabels[line.zone]}»`];
  if (tiers.length > 1) {
    const upTo = tiers[line.tier]!.upTo;
    parts.push(upTo === null ? `понад ${tiers[line.tier - 1]!.upTo} ${kwh.uk}` : `до ${upTo} ${kwh.uk}`);
  }
  if (segments.length > 1) parts.push(`${dayAndMonth(line.from)}–${dayAndMonth(line.to)}`);
  return parts.join(', ');
}

/** A line's words depend on its segments, tier and zone alone: said once per run for the segments it shares. */
const descriptions = new WeakMap<TariffSegment[], Map<string, string>>();

export function describeLines(lines: ChargeLine[], segments: TariffSegment[]): PricedLine[] {
  let said = descriptions.get(segments);
  if (!said) descriptions.set(segments, (said = new Map()));
  return lines.map((line) => {
    const key = `${line.from}:${line.tier}:${line.zone}`;
    let description = said.get(key);
    if (description === undefined) said.set(key, (description = describe(line, segments)));
    return { description, zone: line.zone, quantity: line.consumption, unitPrice: line.unitPrice, amountMinor: line.amountMinor };
  });
}

/** A supplier's electricity prices: kWh by its tariffs, zones, tiers and changes within a month, per kind of account. */
async function electricityPricing(executor: Database | Transaction, supplier: SupplierRow): Promise<SupplierPricing> {
  const tariffs = await loadAllTariffs(executor, supplier.id);
  const ofKind = (kind: string) => tariffs.get(kind) ?? [];
  const price = (kind: string, segmentsOf: (tariffs: Tariff[]) => TariffSegment[], consumption: ZoneConsumption[]) => {
    const segments = withTariffs(supplier, () => segmentsOf(ofKind(kind)));
    return { segments, lines: describeLines(priceConsumption(segments, consumption, supplier.currency), segments) };
  };
  // A month's segments of a kind of account, split once for every account a billing run prices.
  const monthSegments = new Map<string, TariffSegment[]>();
  const segmentsOfMonth = (kind: string, period: Period) => (own: Tariff[]) => {
    const key = `${kind}:${period}`;
    let segments = monthSegments.get(key);
    if (!segments) monthSegments.set(key, (segments = tariffSegments(period, own)));
    return segments;
  };
  return {
    sourcesOf: (account) => [
      { metered: true, lines: (period, consumption) => price(account.kind, segmentsOfMonth(account.kind, period), byZone(consumption)).lines },
    ],
    assertCovers: (period, kinds) => {
      for (const kind of kinds) withTariffs(supplier, () => tariffSegments(period, ofKind(kind)));
    },
    quote: ({ accountKind, consumption }, today) => {
      const scheme = schemeOfZones(consumption.map((entry) => entry.zone));
      const priced = price(accountKind, (own) => wholeMonthSegment(today, own), consumption.map(({ zone, quantity }) => ({ scheme, zone, consumption: quantity })));
      return { validFrom: priced.segments[0]!.tariff.validFrom, lines: priced.lines };
    },
  };
}

/** Electricity's part of the cabinet: kWh priced by the supplier's tariffs, zones, tiers and mid-month changes. */
export const electricityRules: UtilityRules = {
  utility: 'electricity',
  billedFor: 'електроенергію',
  zoneLabels: zoneLabels(['SINGLE', 'DAY', 'NIGHT', 'HALF_PEAK', 'PEAK']),
  unitOf: () => kwh,
  meterZoneSets: [['SINGLE'], ['DAY', 'NIGHT'], ['NIGHT', 'HALF_PEAK', 'PEAK']],
  pricingFor: electricityPricing,
};
