import { DomainError } from '@kabinet/errors';
import { Big } from '@kabinet/money';
import { accountBasis, addMonths, type AccountBasis, type BasisMeter, type BasisReading, type BilledConsumption, type MeterZone, type Period } from '@kabinet/utility-core';

/** An individually metered premises' heat as billing sees it: its heat meters, their readings and what its bills charged. */
export interface MeteredHeatHistory {
  meters: BasisMeter[];
  /** HEAT readings, every month. */
  readings: BasisReading[];
  /** HEAT consumption its bills charged, every month, as corrected since. */
  billed: BilledConsumption[];
}

/** What a metered premises' heat meters count for a month, and how much of it is still an estimate. */
export interface MeteredHeat {
  gcal: Big;
  estimatedGcal: Big;
}

export const noMeteredHeat: MeteredHeat = { gcal: new Big(0), estimatedGcal: new Big(0) };

/**
 * The Gcal a metered premises' heat meters count for each month, as its own bills charge them
 * (billing's `accountBasis` over the same history, so a building's share never disagrees with what
 * its metered neighbours pay):
 * - a month it was billed for: what the bill charged, as corrected since, or as its next bill
 *   corrects it (an estimate a real reading now replaces);
 * - a month not billed yet (the one being billed): what its bill for it charges.
 * A month whose data stops the premises' own bill (a reading below the last) counts an estimate,
 * as if the reading had not come, so that its neighbours' bills go out. Once that premises' bill
 * for the month is issued after all, its neighbours' next bills correct their shares
 * (`billed-shares.ts` looks again at months a metered premises was billed after them).
 */
export function meteredHeatOf(
  history: MeteredHeatHistory,
  estimateWithoutHistory: (meter: BasisMeter, zone: MeterZone, period: Period) => Big | null,
): (period: Period) => MeteredHeat {
  const bases = new Map<Period, AccountBasis>();
  const basisOf = (period: Period) => {
    let basis = bases.get(period);
    if (!basis) {
      const compute = (readings: BasisReading[]) => accountBasis(period, history.meters, readings, history.billed, (meter, zone) => estimateWithoutHistory(meter, zone, period));
      try {
        basis = compute(history.readings);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        basis = compute(history.readings.filter((reading) => reading.period !== period || reading.estimated));
      }
      bases.set(period, basis);
    }
    return basis;
  };

  const latest = history.billed.reduce<Period | null>((newest, row) => (!newest || row.period > newest ? row.period : newest), null);
  // The corrections the premises' next bill makes: this run's, when the run bills that month.
  let pending: Map<string, Big> | null = null;
  const pendingCorrections = () => (pending ??= new Map(latest ? basisOf(addMonths(latest, 1)).corrections.map(({ row, actual }) => [row.id, actual]) : []));

  return (period) => {
    const rows = history.billed.filter((row) => row.period === period);
    if (rows.length) {
      let gcal = new Big(0);
      let estimatedGcal = new Big(0);
      for (const row of rows) {
        const actual = pendingCorrections().get(row.id);
        gcal = gcal.plus(actual ?? row.consumption);
        if (!actual && row.open) estimatedGcal = estimatedGcal.plus(row.consumption);
      }
      return { gcal, estimatedGcal };
    }
    const zones = basisOf(period).zones.filter((zone) => zone.zone === 'HEAT');
    return {
      gcal: zones.reduce((sum, zone) => sum.plus(zone.consumption), new Big(0)),
      estimatedGcal: zones.filter((zone) => zone.estimated).reduce((sum, zone) => sum.plus(zone.consumption), new Big(0)),
    };
  };
}
