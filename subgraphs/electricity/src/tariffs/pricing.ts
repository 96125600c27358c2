import { Big, toMinorUnits } from '@kabinet/money';
import type { DatedTariff, LocalDate, MeterZone, TariffSegment as CoreTariffSegment } from '@kabinet/utility-core';

/** How a meter splits the day: one zone, day/night, or night/half-peak/peak. */
export type MeterScheme = 'SINGLE' | 'TWO_ZONE' | 'THREE_ZONE';

/** Zone coefficients applied to the kWh price (the regulator's defaults). */
export const defaultZoneCoefficients: Record<MeterScheme, Partial<Record<MeterZone, string>>> = {
  SINGLE: { SINGLE: '1' },
  TWO_ZONE: { DAY: '1', NIGHT: '0.5' },
  THREE_ZONE: { NIGHT: '0.4', HALF_PEAK: '1', PEAK: '1.5' },
};

export type ZoneCoefficients = Partial<Record<MeterScheme, Partial<Record<MeterZone, string>>>>;

/** A block of monthly consumption and its kWh price; the last tier has no upper bound. */
export interface TariffTier {
  /** kWh per month up to which this price applies; null for the last tier. */
  upTo: string | null;
  /** Price per kWh in major units, e.g. `"4.32"`. */
  price: string;
}

export interface Tariff extends DatedTariff {
  /** First local date the tariff applies. */
  validFrom: LocalDate;
  tiers: TariffTier[];
  /** Overrides of `defaultZoneCoefficients`, per scheme. */
  zoneCoefficients?: ZoneCoefficients | null;
}

export type TariffSegment = CoreTariffSegment<Tariff>;

export interface ZoneConsumption {
  scheme: MeterScheme;
  zone: MeterZone;
  consumption: Big;
}

export interface ChargeLine extends ZoneConsumption {
  from: LocalDate;
  to: LocalDate;
  /** Index of the tier (0 is the first block). */
  tier: number;
  /** Price per kWh after the zone coefficient. */
  unitPrice: Big;
  amountMinor: number;
}

export function schemeOfZones(zones: readonly string[]): MeterScheme {
  if (zones.includes('PEAK') || zones.includes('HALF_PEAK')) return 'THREE_ZONE';
  if (zones.includes('DAY') || zones.includes('NIGHT')) return 'TWO_ZONE';
  return 'SINGLE';
}

/** Tiers must rise and end with an open-ended one; prices are non-negative decimals. */
export function assertValidTiers(tiers: TariffTier[]): void {
  const decimal = /^\d+(\.\d+)?$/;
  let previous = new Big(0);
  tiers.forEach((tier, index) => {
    const last = index === tiers.length - 1;
    if (!decimal.test(tier.price)) throw new RangeError(`tier ${index + 1}: price must be a decimal`);
    if (last !== (tier.upTo === null)) throw new RangeError('only the last tier is open-ended');
    if (tier.upTo !== null) {
      if (!decimal.test(tier.upTo) || new Big(tier.upTo).lte(previous)) throw new RangeError(`tier ${index + 1}: bounds must rise`);
      previous = new Big(tier.upTo);
    }
  });
  if (tiers.length === 0) throw new RangeError('a tariff needs at least one tier');
}

function coefficientOf(tariff: Tariff, scheme: MeterScheme, zone: MeterZone): Big {
  const value = tariff.zoneCoefficients?.[scheme]?.[zone] ?? defaultZoneCoefficients[scheme][zone];
  if (value === undefined) throw new RangeError(`zone ${zone} is not part of a ${scheme} meter`);
  return new Big(value);
}

// What depends on a tariff or a segment alone is worked out once for all the accounts a run prices
// with it (a run's segments are shared, see rules.ts): a tier's kWh price in a zone, a tier's bound
// taken pro rata.
const unitPrices = new WeakMap<Tariff, Map<string, Big>>();
function unitPriceOf(tariff: Tariff, tierIndex: number, scheme: MeterScheme, zone: MeterZone): Big {
  let prices = unitPrices.get(tariff);
  if (!prices) unitPrices.set(tariff, (prices = new Map()));
  const key = `${tierIndex}:${scheme}:${zone}`;
  let price = prices.get(key);
  if (!price) prices.set(key, (price = new Big(tariff.tiers[tierIndex]!.price).times(coefficientOf(tariff, scheme, zone))));
  return price;
}

const tierBounds = new WeakMap<TariffSegment, (Big | null)[]>();
function tierBoundsOf(segment: TariffSegment): (Big | null)[] {
  let bounds = tierBounds.get(segment);
  if (!bounds) tierBounds.set(segment, (bounds = segment.tariff.tiers.map((tier) => (tier.upTo === null ? null : new Big(tier.upTo).times(segment.fraction)))));
  return bounds;
}

/**
 * Prices a month's consumption. In each tariff segment the consumption and the tier bounds
 * are taken pro rata by days; the account's total fills the tiers in order, and each zone
 * takes its share of every tier in proportion to its consumption; the tier price times the
 * zone coefficient gives the kWh price. Quantities are then rounded to the printed three
 * decimals (a zone's last line takes the remainder, so its lines add up to its consumption),
 * and each line's amount is its printed quantity times its price, rounded to minor units: a
 * reader can check every line of the bill.
 */
export function priceConsumption(segments: TariffSegment[], consumption: ZoneConsumption[], currency: string): ChargeLine[] {
  const total = consumption.reduce((sum, entry) => sum.plus(entry.consumption), new Big(0));
  if (total.lte(0)) return [];
  // Each line is made once, whole, and finished in place below (a bill run prices every account: no copies).
  const lines: ChargeLine[] = [];
  for (const segment of segments) {
    const segmentTotal = total.times(segment.fraction);
    let lowerBound = new Big(0);
    const bounds = tierBoundsOf(segment);
    for (let tierIndex = 0; tierIndex < bounds.length; tierIndex += 1) {
      const upperBound = bounds[tierIndex]!;
      const filled = (upperBound === null || segmentTotal.lt(upperBound) ? segmentTotal : upperBound).minus(lowerBound);
      if (upperBound !== null) lowerBound = upperBound;
      if (filled.lte(0)) continue;
      for (const entry of consumption) {
        if (entry.consumption.lte(0)) continue;
        lines.push({
          scheme: entry.scheme,
          zone: entry.zone,
          // A zone's share of the tier; a meter's only zone takes all of it (what the division
          // would give: the quotient rounded to Big.DP places by Big.RM, without dividing).
          consumption: consumption.length === 1 ? filled.round(Big.DP, Big.RM as Big.RoundingMode) : filled.times(entry.consumption).div(total),
          from: segment.from,
          to: segment.to,
          tier: tierIndex,
          unitPrice: unitPriceOf(segment.tariff, tierIndex, entry.scheme, entry.zone),
          amountMinor: 0,
        });
      }
    }
  }
  roundToPrint(lines, consumption);
  for (const line of lines) line.amountMinor = toMinorUnits(line.consumption.times(line.unitPrice), currency);
  return lines;
}

/** Each line's quantity rounded to the printed three decimals, a zone's last line taking the remainder. */
function roundToPrint(lines: ChargeLine[], consumption: ZoneConsumption[]): void {
  for (const line of lines) line.consumption = line.consumption.round(3, Big.roundHalfUp);
  for (const entry of consumption) {
    let last: ChargeLine | undefined;
    let others = new Big(0);
    for (const line of lines) {
      if (line.scheme !== entry.scheme || line.zone !== entry.zone) continue;
      if (last) others = others.plus(last.consumption);
      last = line;
    }
    if (last) last.consumption = entry.consumption.minus(others);
  }
}
