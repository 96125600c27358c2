import { Big } from '@kabinet/money';
import { daysInPeriod, type Period } from './calendar';

/** Meter values and consumption keep three decimals (kWh, Gcal and m³ alike). */
export const quantityDecimals = 3;

/**
 * A meter rolls over when its counter passes its digit capacity (999999 → 000000). A lower
 * reading is taken as a rollover only when the previous one was in the top tenth of the range
 * and the new one is in the bottom tenth; anything else lower is refused as a mistake.
 */
export function readingAdvance(previous: Big, current: Big, digits: number): { consumption: Big; rolledOver: boolean } | null {
  if (current.gte(previous)) return { consumption: current.minus(previous), rolledOver: false };
  const capacity = new Big(10).pow(digits);
  const tenth = capacity.div(10);
  if (previous.gte(capacity.minus(tenth)) && current.lt(tenth)) {
    return { consumption: capacity.minus(previous).plus(current), rolledOver: true };
  }
  return null;
}

/** The largest value a meter with `digits` whole digits can show. */
export function meterCapacity(digits: number): Big {
  return new Big(10).pow(digits).minus(new Big(10).pow(-quantityDecimals));
}

/** Average monthly consumption of the last (up to) three months: the estimate for a month without a reading. */
export function estimateFromHistory(recentMonths: Big[]): Big {
  const months = recentMonths.slice(-3);
  if (months.length === 0) return new Big(0);
  return months.reduce((sum, value) => sum.plus(value), new Big(0)).div(months.length).round(quantityDecimals, Big.roundHalfUp);
}

/**
 * A consumption needs the customer's confirmation when it exceeds both the supplier's floor
 * and three times the recent monthly average: big enough to matter, and out of the usual.
 */
export function isUnusualConsumption(consumption: Big, recentMonths: Big[], floor: Big): boolean {
  if (consumption.lte(floor)) return false;
  if (recentMonths.length === 0) return true;
  return consumption.gt(estimateFromHistory(recentMonths).times(3));
}

/**
 * Spreads a consumption measured over several months across them by their days, to three
 * decimals; the last month takes the rounding remainder, so the parts add up exactly.
 */
export function spreadByDays(total: Big, periods: Period[]): Map<Period, Big> {
  const days = periods.map(daysInPeriod);
  const allDays = days.reduce((sum, value) => sum + value, 0);
  const shares = new Map<Period, Big>();
  let assigned = new Big(0);
  periods.forEach((period, index) => {
    const share =
      index === periods.length - 1
        ? total.minus(assigned)
        : total.times(days[index]!).div(allDays).round(quantityDecimals, Big.roundHalfUp);
    shares.set(period, share);
    assigned = assigned.plus(share);
  });
  return shares;
}

/** One zone's quantity in a billed month, in the zone's unit. */
export interface ZoneQuantity {
  zone: string;
  value: Big;
  unit: string;
}

/**
 * What a bill says was consumed, per zone: what its meters measured (as corrected since), and for
 * a zone without a meter on the bill the quantities its charge lines priced (a building meter's
 * share, the norm). `total` adds the zones only when they share a unit (kWh by zones): Gcal and m³
 * are never added, and their total is null.
 */
export function billedConsumption(
  metered: { zone: string; consumption: Big }[],
  lines: { zone: string | null; quantity: Big | null }[],
  unitOf: (zone: string) => string,
): { zones: ZoneQuantity[]; total: Big | null } {
  const byZone = new Map<string, Big>();
  for (const row of metered) byZone.set(row.zone, (byZone.get(row.zone) ?? new Big(0)).plus(row.consumption));
  const meteredZones = new Set(byZone.keys());
  for (const line of lines) {
    if (!line.zone || !line.quantity || meteredZones.has(line.zone)) continue;
    byZone.set(line.zone, (byZone.get(line.zone) ?? new Big(0)).plus(line.quantity));
  }
  const zones = [...byZone].map(([zone, value]) => ({ zone, value, unit: unitOf(zone) }));
  const sameUnit = new Set(zones.map((zone) => zone.unit)).size <= 1;
  return { zones, total: sameUnit ? zones.reduce((sum, zone) => sum.plus(zone.value), new Big(0)) : null };
}
