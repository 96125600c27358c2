import type { Big } from '@kabinet/money';
import type { Period } from '../calendar';
import type { MeterZone } from '../meters';
import type { AccountRow, SupplierRow } from '../tables';
import { accountBasis, type AccountBasis, type BasisMeter, type BasisReading, type BilledConsumption, type EstimateCorrection } from './basis';
import type { BillingHistory } from './history';
import type { SupplierPricing } from './run';
import { vatOn } from './statement';

/** A priced line of a bill, as the utility's own rules describe it. */
export interface PricedLine {
  description: string;
  zone: MeterZone | null;
  quantity: Big | null;
  unitPrice: Big | null;
  amountMinor: number;
}

export interface ConsumptionToPrice {
  meter: BasisMeter;
  zone: MeterZone;
  quantity: Big;
}

/**
 * Net charge lines for one account's month, from the metered consumption given. It throws
 * TARIFF_MISSING when no tariff covers the month, whatever the consumption (even none).
 */
export type Pricer = (period: Period, consumption: ConsumptionToPrice[]) => PricedLine[];

/**
 * One source of an account's charges: its metered consumption, its heated area, the people
 * living there, a monthly fee, each under the utility's rules. A bill is the sum of the sources
 * that apply to the account.
 */
export interface ChargeSource {
  /** Metered sources price the consumption they are given; the others price the account itself. */
  metered: boolean;
  lines: Pricer;
  /**
   * The earlier months a non-metered source charged otherwise than it would now (heat: a building
   * meter's share, once a metered neighbour's estimate was corrected), for the bill of `period` to
   * correct. A month it names must price otherwise than as billed, and is named once: the utility
   * records what its correction charged (`SupplierPricing.recordIssued`), so that a later bill
   * finds it billed as corrected.
   */
  revisions?(period: Period): SourceRevision[];
}

/** A month a source now prices otherwise than as billed: its lines both ways, and why. */
export interface SourceRevision {
  period: Period;
  /** The source's lines for the month as billed, or as last corrected. */
  billed: PricedLine[];
  /** Its lines for the month now: what its `lines` give. */
  now: PricedLine[];
  /** Why, as the correction line says it after "Перерахунок за <month>: ". */
  reason: string;
}

/**
 * A month of an account priced by its sources: every source, or only the metered ones (a
 * preliminary charge covers just the readings being entered).
 */
export function pricerOf(sources: ChargeSource[], only?: 'metered'): Pricer {
  const used = only === 'metered' ? sources.filter((source) => source.metered) : sources;
  return (period, consumption) => used.flatMap((source) => source.lines(period, consumption));
}

/** VAT is charged to business accounts only, at the supplier's rate (residential prices include it). */
export function vatRateOf(account: { kind: string }, supplier: { vatRateBasisPoints: number }): number | null {
  return account.kind === 'BUSINESS' ? supplier.vatRateBasisPoints : null;
}

/**
 * The VAT on a net amount, or 0 without a rate: the one place VAT is computed, for bills,
 * corrections, preliminary charges and the tariff calculator alike.
 */
export function vatFor(netMinor: number, vatRateBasisPoints: number | null): number {
  return vatRateBasisPoints === null ? 0 : vatOn(netMinor, vatRateBasisPoints);
}

export interface PeriodCorrection {
  period: Period;
  /** Net and VAT differences between the month as billed so far and with actual consumption. */
  netMinor: number;
  vatMinor: number;
  /** The meter estimates a real reading corrects in the month. */
  rows: EstimateCorrection[];
  /** The sources whose lines for the month changed since it was billed. */
  revisions: SourceRevision[];
}

export interface ComputedCharges {
  lines: PricedLine[];
  chargesMinor: number;
  vatMinor: number;
  corrections: PeriodCorrection[];
  correctionsMinor: number;
}

const sum = (lines: { amountMinor: number }[]) => lines.reduce((total, line) => total + line.amountMinor, 0);

/**
 * Prices a month from its basis. Each corrected month (an estimate a real reading corrects, or a
 * source's revision) is priced twice, as billed so far and with the actual consumption and the
 * sources as they stand (the whole account's, since tiers depend on the total), and the
 * difference is the correction: no rounding drift between what was charged and what is owed.
 * `vatRateBasisPoints` is null for residential accounts (their prices include VAT).
 */
export function computeCharges(
  period: Period,
  basis: AccountBasis,
  billed: BilledConsumption[],
  meters: BasisMeter[],
  price: Pricer,
  vatRateBasisPoints: number | null,
  revisions: SourceRevision[] = [],
): ComputedCharges {
  const vat = (netMinor: number) => vatFor(netMinor, vatRateBasisPoints);
  const lines = price(
    period,
    basis.zones.map((zone) => ({ meter: zone.meter, zone: zone.zone, quantity: zone.consumption })),
  );
  const chargesMinor = sum(lines);

  const meterById = new Map(meters.map((meter) => [meter.id, meter]));
  const correctedPeriods = [...new Set([...basis.corrections.map((correction) => correction.row.period), ...revisions.map((revision) => revision.period)])].sort();
  const corrections = correctedPeriods.map((correctedPeriod): PeriodCorrection => {
    const rows = basis.corrections.filter((correction) => correction.row.period === correctedPeriod);
    const revised = revisions.filter((revision) => revision.period === correctedPeriod);
    const actualById = new Map(rows.map((correction) => [correction.row.id, correction.actual]));
    const monthRows = billed.filter((row) => row.period === correctedPeriod);
    const priced = (quantityOf: (row: BilledConsumption) => Big) =>
      sum(price(correctedPeriod, monthRows.map((row) => ({ meter: meterById.get(row.meterId)!, zone: row.zone, quantity: quantityOf(row) }))));
    // The sources price the month as they stand; a revised one is taken back to its lines as billed.
    const before = priced((row) => row.consumption) + revised.reduce((total, revision) => total + sum(revision.billed) - sum(revision.now), 0);
    const after = priced((row) => actualById.get(row.id) ?? row.consumption);
    return { period: correctedPeriod, netMinor: after - before, vatMinor: vat(after) - vat(before), rows, revisions: revised };
  });

  return {
    lines,
    chargesMinor,
    vatMinor: vat(chargesMinor),
    corrections,
    correctionsMinor: corrections.reduce((total, correction) => total + correction.netMinor + correction.vatMinor, 0),
  };
}

/**
 * The charges `period` brings an account, from its billing history plus `closing` overrides
 * (readings being submitted): the billing run's own computation, shared with the preliminary
 * charge shown when readings are entered (`onlyClosing`: just those zones, priced by the
 * metered sources alone).
 */
export function accountCharges(
  history: Pick<BillingHistory, 'readings' | 'billed'> & { meters: BasisMeter[] },
  pricing: SupplierPricing,
  supplier: SupplierRow,
  account: AccountRow,
  period: Period,
  closing: BasisReading[] = [],
  onlyClosing = false,
): ComputedCharges & { basis: AccountBasis } {
  const isClosing = (reading: { meterId: string; zone: string }) =>
    closing.some((override) => override.meterId === reading.meterId && override.zone === reading.zone);
  const readings = closing.length ? [...history.readings.filter((reading) => !(isClosing(reading) && reading.period === period)), ...closing] : history.readings;
  const full = accountBasis(period, history.meters, readings, history.billed, (meter, zone) => pricing.estimateWithoutHistory?.(account, zone, period, meter) ?? null);
  // The preliminary charge covers only the zones just entered; a billing run covers every meter.
  const basis = onlyClosing
    ? { zones: full.zones.filter((zone) => isClosing({ meterId: zone.meter.id, zone: zone.zone })), corrections: full.corrections.filter(({ row }) => isClosing(row)) }
    : full;
  const sources = pricing.sourcesOf(account).filter((source) => !onlyClosing || source.metered);
  const revisions = sources.flatMap((source) => source.revisions?.(period) ?? []);
  return { ...computeCharges(period, basis, history.billed, history.meters, pricerOf(sources), vatRateOf(account, supplier), revisions), basis };
}
