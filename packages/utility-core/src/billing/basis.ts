import { DomainError } from '@kabinet/errors';
import { Big } from '@kabinet/money';
import { addMonths, firstDayOf, lastDayOf, type Period } from '../calendar';
import { estimateFromHistory, readingAdvance, spreadByDays } from '../consumption';
import { messages } from '../messages';
import type { MeterZone } from '../meters';

/** A meter as billing sees it. */
export interface BasisMeter {
  id: string;
  serialNumber: string;
  zones: string[];
  digits: number;
  installedOn: string;
  removedOn: string | null;
}

/** A stored reading: `period` is the month it closes (`YYYY-MM`). */
export interface BasisReading {
  meterId: string;
  zone: string;
  period: Period;
  value: Big;
  estimated: boolean;
}

/** Consumption an earlier bill charged for one meter zone. */
export interface BilledConsumption {
  id: string;
  billId: string;
  period: Period;
  meterId: string;
  zone: string;
  /** What the bill counts now: its consumption, or the corrected one once corrected. */
  consumption: Big;
  estimated: boolean;
  /** Estimated and not yet corrected by a real reading. */
  open: boolean;
}

/** What one meter zone contributes to a month's bill. */
export interface ZoneBasis {
  meter: BasisMeter;
  zone: MeterZone;
  previousValue: Big;
  currentValue: Big;
  consumption: Big;
  estimated: boolean;
}

/** An earlier estimated month a real reading now corrects. */
export interface EstimateCorrection {
  row: BilledConsumption;
  actual: Big;
}

export interface AccountBasis {
  zones: ZoneBasis[];
  corrections: EstimateCorrection[];
}

/** Meters that were in service for at least a day of `period`. */
export function metersInService<TMeter extends BasisMeter>(meters: TMeter[], period: Period): TMeter[] {
  const first = firstDayOf(period);
  const last = lastDayOf(period);
  return meters.filter((meter) => meter.installedOn <= last && (meter.removedOn === null || meter.removedOn >= first));
}

/** A meter zone's latest reading before `period` (only real ones with `realOnly`). */
export const latestBefore = (readings: BasisReading[], period: Period, realOnly: boolean) =>
  readings
    .filter((reading) => reading.period < period && (!realOnly || !reading.estimated))
    .reduce<BasisReading | null>((latest, reading) => (!latest || reading.period > latest.period ? reading : latest), null);

/**
 * The consumption of each meter zone in `period`:
 * - with a real reading closing the month, the advance since the last real reading (rollover
 *   aware). When months in between were billed on estimates, that advance is spread over them
 *   and this month by days: this month keeps its share, and each estimated month gets a
 *   correction to its actual share.
 * - without one, an estimate: the average of the last three billed months (without any, the
 *   supplier's norm when it has one), on top of the latest value (real or estimated); the real
 *   reading corrects it later.
 * Pure: the caller loads readings and earlier bills, and prices what this returns.
 */
export function accountBasis(
  period: Period,
  meters: BasisMeter[],
  readings: BasisReading[],
  billed: BilledConsumption[],
  /** The estimate of a zone without any billed month yet (a supplier's norm); none is 0. */
  estimateWithoutHistory: (meter: BasisMeter, zone: MeterZone) => Big | null = () => null,
): AccountBasis {
  const zones: ZoneBasis[] = [];
  const corrections: EstimateCorrection[] = [];

  for (const meter of metersInService(meters, period)) {
    for (const zone of meter.zones) {
      const own = readings.filter((reading) => reading.meterId === meter.id && reading.zone === zone);
      const history = billed
        .filter((row) => row.meterId === meter.id && row.zone === zone && row.period < period)
        .sort((a, b) => (a.period < b.period ? -1 : 1));
      const closing = own.find((reading) => reading.period === period && !reading.estimated) ?? null;
      const lastAny = latestBefore(own, period, false);
      const previousValue = lastAny?.value ?? closing?.value ?? new Big(0);

      if (!closing) {
        const estimate = history.length ? estimateFromHistory(history.map((row) => row.consumption).slice(-3)) : (estimateWithoutHistory(meter, zone) ?? new Big(0));
        const capacity = new Big(10).pow(meter.digits);
        const raw = previousValue.plus(estimate);
        zones.push({ meter, zone, previousValue, currentValue: raw.gte(capacity) ? raw.minus(capacity) : raw, consumption: estimate, estimated: true });
        continue;
      }

      const lastReal = latestBefore(own, period, true);
      if (!lastReal) {
        // A meter without any earlier value (none recorded at installation): nothing measurable yet.
        zones.push({ meter, zone, previousValue: closing.value, currentValue: closing.value, consumption: new Big(0), estimated: false });
        continue;
      }
      const advance = readingAdvance(lastReal.value, closing.value, meter.digits);
      if (!advance) {
        // Stored data a submission would have refused (entered past the checks): the account's bill waits for a look.
        throw new DomainError('READING_BELOW_PREVIOUS', messages.readingBelowPrevious(meter.serialNumber, zone, lastReal.value.toString(), closing.value.toString()), {
          meterSerialNumber: meter.serialNumber,
          zone,
          period,
        });
      }
      const open = history.filter((row) => row.open && row.period > lastReal.period);
      const shares = spreadOver([...open.map((row) => row.period), period], advance.consumption);
      for (const row of open) corrections.push({ row, actual: shares.get(row.period)! });
      zones.push({ meter, zone, previousValue, currentValue: closing.value, consumption: shares.get(period)!, estimated: false });
    }
  }
  return { zones, corrections };
}

function spreadOver(periods: Period[], total: Big): Map<Period, Big> {
  return spreadByDays(total, [...new Set(periods)].sort());
}

/** The month before `period`: where a new meter's installation value is stored. */
export const installationPeriodFor = (installedOn: string): Period => addMonths(installedOn.slice(0, 7), -1);
