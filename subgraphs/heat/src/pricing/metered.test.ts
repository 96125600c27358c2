import { Big } from '@kabinet/money';
import type { BasisMeter, BasisReading, BilledConsumption } from '@kabinet/utility-core';
import { describe, expect, it } from 'vitest';
import { meteredHeatOf, type MeteredHeatHistory } from './metered';

/*
 * A metered flat's heat as a building share counts it: what its own bills charge. Its meter read
 * 100 at August's end and 1.05 Gcal more a month to October's 102.1; November was billed on an
 * estimate, the average of the last three billed months, 1.05.
 */

const meter: BasisMeter = { id: 'hm', serialNumber: 'KAMSTRUP-1', zones: ['HEAT'], digits: 6, installedOn: '2021-09-20', removedOn: null };
const reading = (period: string, value: string, estimated = false): BasisReading => ({ meterId: 'hm', zone: 'HEAT', period, value: new Big(value), estimated });
const billed = (period: string, consumption: string, open = false): BilledConsumption => ({
  id: `row-${period}`,
  billId: `bill-${period}`,
  period,
  meterId: 'hm',
  zone: 'HEAT',
  consumption: new Big(consumption),
  estimated: open,
  open,
});

// November's estimated value 103.15 is stored as billing stores it, and its bill's row is open.
const history = (...later: BasisReading[]): MeteredHeatHistory => ({
  meters: [meter],
  readings: [reading('2026-08', '100'), reading('2026-09', '101.05'), reading('2026-10', '102.1'), reading('2026-11', '103.15', true), ...later],
  billed: [billed('2026-08', '1.05'), billed('2026-09', '1.05'), billed('2026-10', '1.05'), billed('2026-11', '1.05', true)],
});
const counted = (heat: { gcal: Big; estimatedGcal: Big }) => [heat.gcal.toString(), heat.estimatedGcal.toString()];
const noNorm = () => null;

describe('a metered premises\' heat as its bills count it', () => {
  it('takes a billed month as billed, and says what of it is an estimate', () => {
    const of = meteredHeatOf(history(), noNorm);
    expect(counted(of('2026-10'))).toEqual(['1.05', '0']);
    expect(counted(of('2026-11'))).toEqual(['1.05', '1.05']);
    // December, not billed yet and without a reading: estimated as its bill will be, the average of September to November.
    expect(counted(of('2026-12'))).toEqual(['1.05', '1.05']);
  });

  it('takes an estimate its next bill corrects as corrected, and the month being billed as that bill charges it', () => {
    // December's reading: 5 Gcal since October's 102.1, spread by days: November (30) 2.459, December (31) 2.541.
    const of = meteredHeatOf(history(reading('2026-12', '107.1')), noNorm);
    expect(counted(of('2026-11'))).toEqual(['2.459', '0']);
    expect(counted(of('2026-12'))).toEqual(['2.541', '0']);
    expect(counted(of('2026-10'))).toEqual(['1.05', '0']);
  });

  it('takes a corrected month as corrected', () => {
    const corrected = history(reading('2026-12', '107.1'));
    corrected.billed = [...corrected.billed.slice(0, 3), { ...billed('2026-11', '2.459'), estimated: true }, billed('2026-12', '2.541')];
    const of = meteredHeatOf(corrected, noNorm);
    expect([counted(of('2026-11')), counted(of('2026-12'))]).toEqual([['2.459', '0'], ['2.541', '0']]);
  });

  it('estimates a month whose reading its own bill refuses, as if it had not come', () => {
    // 99 is below October's 102.1: the flat's bill waits for a look, its neighbours' shares count an estimate.
    const of = meteredHeatOf(history(reading('2026-12', '99')), noNorm);
    expect(counted(of('2026-12'))).toEqual(['1.05', '1.05']);
    expect(counted(of('2026-11'))).toEqual(['1.05', '1.05']);
  });

  it('estimates a meter without a billed month by the estimate its bill takes (the norm)', () => {
    const of = meteredHeatOf({ meters: [meter], readings: [], billed: [] }, (_meter, _zone, period) => (period === '2026-11' ? new Big('1.159') : null));
    expect(counted(of('2026-11'))).toEqual(['1.159', '1.159']);
  });
});
