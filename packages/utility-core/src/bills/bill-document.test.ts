import { describe, expect, it } from 'vitest';
import { shownReading } from './bill-document';

const row = (previousValue: string, currentValue: string, consumption: string, estimatesCorrected = '0', estimated = false) => ({
  previousValue,
  currentValue,
  consumption,
  estimated,
  estimatesCorrected,
});

describe('the consumption a bill prints for a meter zone', () => {
  it('is the advance charged when nothing was estimated before', () => {
    expect(shownReading(row('19074.000', '19288.000', '214.000'))).toEqual({ previous: '19074', current: '19288', consumption: '214', estimated: false });
  });

  it('is the estimate when estimated, also past the last digit of the meter', () => {
    expect(shownReading(row('99500.000', '300.000', '800.000', '0', true))).toEqual({ previous: '99500', current: '300', consumption: '800', estimated: true });
  });

  it('after estimates, is the share charged plus what their corrections added or took back', () => {
    // Two months estimated at 180 each, then 600 kWh over three months: 202.174 charged, +15.652 and +22.174 corrected.
    expect(shownReading(row('6200.000', '6440.000', '202.174', '37.826')).consumption).toBe('240');
    // An estimate that wrapped a five-digit meter (99500 + 800 → 300) and a reading of 99560: 30 − 770.
    expect(shownReading(row('300.000', '99560.000', '30.000', '-770.000')).consumption).toBe('-740');
  });
});
