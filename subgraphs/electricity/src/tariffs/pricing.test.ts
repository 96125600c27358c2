import { Big } from '@kabinet/money';
import { describe, expect, it } from 'vitest';
import { tariffSegments, TariffMissingError, wholeMonthSegment } from '@kabinet/utility-core';
import { assertValidTiers, priceConsumption, schemeOfZones, type Tariff, type ZoneConsumption } from './pricing';

const flat = (validFrom: string, price: string): Tariff => ({ validFrom, tiers: [{ upTo: null, price }] });
const use = (scheme: ZoneConsumption['scheme'], zone: ZoneConsumption['zone'], kwh: string | number): ZoneConsumption => ({
  scheme,
  zone,
  consumption: new Big(kwh),
});
const total = (lines: { amountMinor: number }[]) => lines.reduce((sum, line) => sum + line.amountMinor, 0);
const kwh = (lines: { consumption: Big }[]) => lines.reduce((sum, line) => sum.plus(line.consumption), new Big(0)).toString();

describe('single-zone price', () => {
  it('is consumption times the kWh price, rounded to kopiyky', () => {
    const lines = priceConsumption(tariffSegments('2026-11', [flat('2024-06-01', '4.32')]), [use('SINGLE', 'SINGLE', '213.5')], 'UAH');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ zone: 'SINGLE', tier: 0, from: '2026-11-01', to: '2026-11-30', amountMinor: 92_232 });
    expect(lines[0]!.unitPrice.toString()).toBe('4.32');
  });

  it('prices the printed quantity, so every line can be checked by hand', () => {
    // 1000 kWh over 31 days, a change on the 11th: 322.581 and 677.419 kWh are printed and priced.
    const lines = priceConsumption(tariffSegments('2026-12', [flat('2024-01-01', '4.32'), flat('2026-12-11', '4.80')]), [use('SINGLE', 'SINGLE', 1000)], 'UAH');
    expect(lines.map((line) => [line.consumption.toString(), line.amountMinor])).toEqual([
      ['322.581', 139_355],
      ['677.419', 325_161],
    ]);
  });

  it('rounds half away from zero on each line', () => {
    // 1.005 kWh × 4.32 = 4.3416 → 4.34; 0.125 × 4.32 = 0.54 exactly; 0.1157 × 4.32 = 0.499824 → 0.50
    const price = (value: string) => total(priceConsumption(wholeMonthSegment('2026-11-10', [flat('2024-01-01', '4.32')]), [use('SINGLE', 'SINGLE', value)], 'UAH'));
    expect(price('1.005')).toBe(434);
    expect(price('0.125')).toBe(54);
    expect(price('0.1157')).toBe(50);
  });

  it('charges nothing for no consumption', () => {
    expect(priceConsumption(tariffSegments('2026-11', [flat('2024-01-01', '4.32')]), [use('SINGLE', 'SINGLE', 0)], 'UAH')).toEqual([]);
  });
});

describe('zone coefficients', () => {
  const tariff = [flat('2024-01-01', '4.00')];

  it('prices a two-zone meter at day 1.0 and night 0.5', () => {
    const lines = priceConsumption(tariffSegments('2026-11', tariff), [use('TWO_ZONE', 'DAY', 200), use('TWO_ZONE', 'NIGHT', 100)], 'UAH');
    expect(lines.map((line) => [line.zone, line.unitPrice.toString(), line.amountMinor])).toEqual([
      ['DAY', '4', 80_000],
      ['NIGHT', '2', 20_000],
    ]);
  });

  it('prices a three-zone meter at night 0.4, half-peak 1.0 and peak 1.5', () => {
    const lines = priceConsumption(
      tariffSegments('2026-11', tariff),
      [use('THREE_ZONE', 'NIGHT', 100), use('THREE_ZONE', 'HALF_PEAK', 100), use('THREE_ZONE', 'PEAK', 100)],
      'UAH',
    );
    expect(lines.map((line) => [line.zone, line.unitPrice.toString(), line.amountMinor])).toEqual([
      ['NIGHT', '1.6', 16_000],
      ['HALF_PEAK', '4', 40_000],
      ['PEAK', '6', 60_000],
    ]);
  });

  it('takes a tariff\'s own coefficients over the defaults', () => {
    const own: Tariff = { ...flat('2024-01-01', '4.00'), zoneCoefficients: { TWO_ZONE: { NIGHT: '0.6' } } };
    const [day, night] = priceConsumption(tariffSegments('2026-11', [own]), [use('TWO_ZONE', 'DAY', 10), use('TWO_ZONE', 'NIGHT', 10)], 'UAH');
    expect([day!.amountMinor, night!.amountMinor]).toEqual([4_000, 2_400]);
  });

  it('knows a meter\'s scheme from its zones', () => {
    expect(schemeOfZones(['SINGLE'])).toBe('SINGLE');
    expect(schemeOfZones(['DAY', 'NIGHT'])).toBe('TWO_ZONE');
    expect(schemeOfZones(['HALF_PEAK', 'PEAK', 'NIGHT'])).toBe('THREE_ZONE');
  });
});

describe('consumption tiers', () => {
  const tiered: Tariff = {
    validFrom: '2024-01-01',
    tiers: [
      { upTo: '250', price: '2.64' },
      { upTo: null, price: '4.32' },
    ],
  };

  it('fills the first block, then prices the rest at the next', () => {
    const lines = priceConsumption(tariffSegments('2026-11', [tiered]), [use('SINGLE', 'SINGLE', 300)], 'UAH');
    expect(lines.map((line) => [line.tier, line.consumption.toString(), line.amountMinor])).toEqual([
      [0, '250', 66_000],
      [1, '50', 21_600],
    ]);
  });

  it('stays in the first block below its bound', () => {
    const lines = priceConsumption(tariffSegments('2026-11', [tiered]), [use('SINGLE', 'SINGLE', 100)], 'UAH');
    expect(lines.map((line) => line.tier)).toEqual([0]);
  });

  it('shares every block between zones in proportion to their consumption', () => {
    const lines = priceConsumption(tariffSegments('2026-11', [tiered]), [use('TWO_ZONE', 'DAY', 300), use('TWO_ZONE', 'NIGHT', 100)], 'UAH');
    // 400 kWh: 250 in the first block (3/4 day, 1/4 night), 150 in the second.
    expect(lines.map((line) => [line.zone, line.tier, line.consumption.toString(), line.unitPrice.toString(), line.amountMinor])).toEqual([
      ['DAY', 0, '187.5', '2.64', 49_500],
      ['NIGHT', 0, '62.5', '1.32', 8_250],
      ['DAY', 1, '112.5', '4.32', 48_600],
      ['NIGHT', 1, '37.5', '2.16', 8_100],
    ]);
    expect(kwh(lines)).toBe('400');
  });

  it('refuses tiers that do not rise or do not end open', () => {
    expect(() => assertValidTiers([{ upTo: '250', price: '1' }])).toThrow(/open-ended/);
    expect(() => assertValidTiers([{ upTo: '250', price: '1' }, { upTo: '100', price: '2' }, { upTo: null, price: '3' }])).toThrow(/rise/);
    expect(() => assertValidTiers([{ upTo: null, price: '-1' }])).toThrow(/decimal/);
    expect(() => assertValidTiers([{ upTo: '250', price: '1' }, { upTo: null, price: '2' }])).not.toThrow();
  });
});

describe('a tariff change inside the month', () => {
  const tariffs = [flat('2024-01-01', '4.32'), flat('2026-11-16', '4.80')];

  it('splits the month\'s consumption pro rata by days', () => {
    const segments = tariffSegments('2026-11', tariffs);
    expect(segments.map((segment) => [segment.from, segment.to, segment.fraction.toFixed(4)])).toEqual([
      ['2026-11-01', '2026-11-15', '0.5000'],
      ['2026-11-16', '2026-11-30', '0.5000'],
    ]);
    const lines = priceConsumption(segments, [use('SINGLE', 'SINGLE', 300)], 'UAH');
    expect(lines.map((line) => [line.consumption.toString(), line.amountMinor])).toEqual([
      ['150', 64_800],
      ['150', 72_000],
    ]);
  });

  it('takes tier bounds pro rata too', () => {
    const tiered = (validFrom: string, low: string, high: string): Tariff => ({
      validFrom,
      tiers: [
        { upTo: '250', price: low },
        { upTo: null, price: high },
      ],
    });
    // 10 of 31 days at the old tariff: 100 kWh and a 80.645… kWh first block there.
    const segments = tariffSegments('2026-12', [tiered('2024-01-01', '2.00', '4.00'), tiered('2026-12-11', '3.00', '5.00')]);
    const lines = priceConsumption(segments, [use('SINGLE', 'SINGLE', 310)], 'UAH');
    expect(lines.map((line) => [line.from, line.tier, line.consumption.toFixed(3)])).toEqual([
      ['2026-12-01', 0, '80.645'],
      ['2026-12-01', 1, '19.355'],
      ['2026-12-11', 0, '169.355'],
      ['2026-12-11', 1, '40.645'],
    ]);
    expect(kwh(lines)).toBe('310');
    // Each amount is the printed quantity times the price: 169.355 × 3.00 = 508.065 → 508.07.
    expect(lines.map((line) => line.amountMinor)).toEqual([16_129, 7_742, 50_807, 20_323]);
  });

  it('needs a tariff from the first day of the month', () => {
    expect(() => tariffSegments('2026-11', [flat('2026-11-05', '4.32')])).toThrow(TariffMissingError);
  });

  it('ignores tariffs that start after the month', () => {
    expect(tariffSegments('2026-11', [flat('2024-01-01', '4.32'), flat('2027-01-01', '5')])).toHaveLength(1);
  });
});
