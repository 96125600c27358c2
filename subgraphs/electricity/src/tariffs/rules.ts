import type { Database, Transaction } from '@kabinet/db';
import {
  tariffMissing,
  zoneLabels,
  type ConsumptionToPrice,
  type PricedLine,
  type Pricer,
  type SupplierRow,
  type UtilityRules,
} from '@kabinet/utility-core';
import { and, asc, eq } from 'drizzle-orm';
import { tariffs as tariffTable } from '../db/schema';
import {
  priceConsumption,
  schemeOfZones,
  TariffMissingError,
  tariffSegments,
  type ChargeLine,
  type Tariff,
  type TariffSegment,
  type ZoneConsumption,
} from './pricing';

export const kwh = 'кВт·год';

export async function loadTariffs(executor: Database | Transaction, supplierId: string, accountKind: string): Promise<Tariff[]> {
  const rows = await executor
    .select()
    .from(tariffTable)
    .where(and(eq(tariffTable.supplierId, supplierId), eq(tariffTable.accountKind, accountKind)))
    .orderBy(asc(tariffTable.validFrom));
  return rows.map((row) => ({ validFrom: row.validFrom, tiers: row.tiers, zoneCoefficients: row.zoneCoefficients }));
}

/** Runs `compute`, telling the client which supplier lacks a tariff for which day when it does. */
export function withTariffs<T>(supplier: SupplierRow, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof TariffMissingError)) throw error;
    throw tariffMissing(supplier, error.date);
  }
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

const shortDate = (date: string) => `${date.slice(8, 10)}.${date.slice(5, 7)}`;

/** "Електроенергія, зона «Ніч», понад 250 кВт·год, 16.11–30.11": what a bill line says. */
export function describeLines(lines: ChargeLine[], segments: TariffSegment[]): PricedLine[] {
  return lines.map((line) => {
    const segment = segments.find((candidate) => candidate.from === line.from)!;
    const tiers = segment.tariff.tiers;
    const parts = [line.zone === 'SINGLE' ? 'Електроенергія' : `Електроенергія, зона «${zoneLabels[line.zone]}»`];
    if (tiers.length > 1) {
      const upTo = tiers[line.tier]!.upTo;
      parts.push(upTo === null ? `понад ${tiers[line.tier - 1]!.upTo} ${kwh}` : `до ${upTo} ${kwh}`);
    }
    if (segments.length > 1) parts.push(`${shortDate(line.from)}–${shortDate(line.to)}`);
    return { description: parts.join(', '), zone: line.zone, quantity: line.consumption, unitPrice: line.unitPrice, amountMinor: line.amountMinor };
  });
}

/** Electricity's part of billing: kWh priced by the supplier's tariffs, zones, tiers and mid-month changes. */
export const electricityRules: UtilityRules = {
  utility: 'electricity',
  unitOf: () => kwh,
  meterZoneSets: [['SINGLE'], ['DAY', 'NIGHT'], ['NIGHT', 'HALF_PEAK', 'PEAK']],
  async pricerFor(executor, supplier, accountKind): Promise<Pricer> {
    const tariffs = await loadTariffs(executor, supplier.id, accountKind);
    return (period, consumption) => {
      const segments = withTariffs(supplier, () => tariffSegments(period, tariffs));
      return describeLines(priceConsumption(segments, byZone(consumption), supplier.currency), segments);
    };
  },
};
