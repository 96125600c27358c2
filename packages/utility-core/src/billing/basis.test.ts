import { Big } from '@kabinet/money';
import { describe, expect, it } from 'vitest';
import { accountBasis, type BasisMeter, type BasisReading, type BilledConsumption } from './basis';

const meter = (overrides: Partial<BasisMeter> = {}): BasisMeter => ({
  id: 'm1',
  serialNumber: 'SN-1',
  zones: ['SINGLE'],
  digits: 6,
  installedOn: '2020-01-01',
  removedOn: null,
  ...overrides,
});
const reading = (period: string, value: string | number, estimated = false, meterId = 'm1', zone = 'SINGLE'): BasisReading => ({
  meterId,
  zone,
  period,
  value: new Big(value),
  estimated,
});
const billedRow = (period: string, consumption: number, options: { estimated?: boolean; open?: boolean; meterId?: string } = {}): BilledConsumption => ({
  id: `bc-${period}`,
  billId: `bill-${period}`,
  period,
  meterId: options.meterId ?? 'm1',
  zone: 'SINGLE',
  consumption: new Big(consumption),
  estimated: options.estimated ?? false,
  open: options.open ?? false,
});
const plain = (basis: ReturnType<typeof accountBasis>) => ({
  zones: basis.zones.map((zone) => ({
    meter: zone.meter.serialNumber,
    zone: zone.zone,
    previous: zone.previousValue.toString(),
    current: zone.currentValue.toString(),
    consumption: zone.consumption.toString(),
    estimated: zone.estimated,
  })),
  corrections: basis.corrections.map((correction) => ({ period: correction.row.period, actual: correction.actual.toString() })),
});

describe('a month with a real reading', () => {
  it('charges the advance since the previous month', () => {
    const basis = accountBasis('2026-11', [meter()], [reading('2026-10', '18432.5'), reading('2026-11', '18646')], [billedRow('2026-10', 200)]);
    expect(plain(basis)).toEqual({
      zones: [{ meter: 'SN-1', zone: 'SINGLE', previous: '18432.5', current: '18646', consumption: '213.5', estimated: false }],
      corrections: [],
    });
  });

  it('counts every zone of a multi-zone meter', () => {
    const twoZone = meter({ zones: ['DAY', 'NIGHT'] });
    const readings = [
      reading('2026-10', 100, false, 'm1', 'DAY'),
      reading('2026-10', 50, false, 'm1', 'NIGHT'),
      reading('2026-11', 310, false, 'm1', 'DAY'),
      reading('2026-11', 140, false, 'm1', 'NIGHT'),
    ];
    expect(plain(accountBasis('2026-11', [twoZone], readings, [])).zones.map((zone) => [zone.zone, zone.consumption])).toEqual([
      ['DAY', '210'],
      ['NIGHT', '90'],
    ]);
  });

  it('counts through a rollover', () => {
    const basis = accountBasis('2026-11', [meter({ digits: 5 })], [reading('2026-10', '99950'), reading('2026-11', '120')], []);
    expect(plain(basis).zones[0]?.consumption).toBe('170');
  });
});

describe('a month without a reading', () => {
  it('is estimated as the average of the last three billed months, on top of the latest value', () => {
    const billed = [billedRow('2026-07', 500), billedRow('2026-08', 210), billedRow('2026-09', 220), billedRow('2026-10', 231)];
    const basis = accountBasis('2026-11', [meter()], [reading('2026-10', 1000)], billed);
    expect(plain(basis).zones).toEqual([
      { meter: 'SN-1', zone: 'SINGLE', previous: '1000', current: '1220.333', consumption: '220.333', estimated: true },
    ]);
  });

  it('wraps the estimated value past the meter\'s capacity', () => {
    const basis = accountBasis('2026-11', [meter({ digits: 5 })], [reading('2026-10', '99900')], [billedRow('2026-10', 250)]);
    expect(plain(basis).zones[0]).toMatchObject({ current: '150', consumption: '250', estimated: true });
  });

  it('estimates zero without any history', () => {
    expect(plain(accountBasis('2026-11', [meter()], [reading('2026-10', 10)], [])).zones[0]).toMatchObject({ consumption: '0', estimated: true });
  });
});

describe('correcting estimates once a real reading comes', () => {
  it('spreads the measured advance over the estimated month and this one by days', () => {
    // October was estimated at 250 on top of the real September value 1000; November's real value is 1610.
    const readings = [reading('2026-09', 1000), reading('2026-10', 1250, true), reading('2026-11', 1610)];
    const billed = [billedRow('2026-09', 240), billedRow('2026-10', 250, { estimated: true, open: true })];
    const basis = plain(accountBasis('2026-11', [meter()], readings, billed));
    // 610 kWh over October (31 days) and November (30 days).
    expect(basis.corrections).toEqual([{ period: '2026-10', actual: '310' }]);
    expect(basis.zones[0]).toMatchObject({ previous: '1250', current: '1610', consumption: '300', estimated: false });
  });

  it('spreads over several estimated months', () => {
    const readings = [reading('2026-08', 0), reading('2026-09', 100, true), reading('2026-10', 200, true), reading('2026-11', 910)];
    const billed = [billedRow('2026-09', 100, { estimated: true, open: true }), billedRow('2026-10', 100, { estimated: true, open: true })];
    const basis = plain(accountBasis('2026-11', [meter()], readings, billed));
    expect(basis.corrections).toEqual([
      { period: '2026-09', actual: '300' },
      { period: '2026-10', actual: '310' },
    ]);
    expect(basis.zones[0]?.consumption).toBe('300');
  });

  it('does not correct an estimate twice', () => {
    const readings = [reading('2026-09', 1000), reading('2026-10', 1250, true), reading('2026-11', 1610)];
    const billed = [billedRow('2026-10', 310, { estimated: true, open: false })];
    expect(plain(accountBasis('2026-11', [meter()], readings, billed)).corrections).toEqual([]);
  });
});

describe('meter replacement', () => {
  it('bills the old meter to its final value and the new one from its installation value', () => {
    const old = meter({ id: 'old', serialNumber: 'OLD', removedOn: '2026-11-12' });
    const fresh = meter({ id: 'new', serialNumber: 'NEW', installedOn: '2026-11-12' });
    const readings = [
      reading('2026-10', 5000, false, 'old'),
      reading('2026-11', 5090, false, 'old'),
      // The new meter's installation value closes the month before it was installed.
      reading('2026-10', 0, false, 'new'),
      reading('2026-11', 95, false, 'new'),
    ];
    expect(plain(accountBasis('2026-11', [old, fresh], readings, [])).zones.map((zone) => [zone.meter, zone.consumption])).toEqual([
      ['OLD', '90'],
      ['NEW', '95'],
    ]);
  });

  it('leaves out meters not in service during the month', () => {
    const removed = meter({ id: 'old', serialNumber: 'OLD', removedOn: '2026-10-20' });
    const later = meter({ id: 'later', serialNumber: 'LATER', installedOn: '2026-12-02' });
    expect(accountBasis('2026-11', [removed, later], [], []).zones).toEqual([]);
  });
});
