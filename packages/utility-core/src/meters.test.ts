import { describe, expect, it } from 'vitest';
import { addYears, isVerificationOverdue, nextVerificationDue, sortByZone } from './meters';
import { inZoneOrder, zoneOrderOf } from './billing/run';

describe('meter verification', () => {
  it('is due the verification interval after the last verification', () => {
    expect(nextVerificationDue({ lastVerifiedOn: '2020-03-15', verificationIntervalYears: 8 })).toBe('2028-03-15');
  });

  it('handles 29 February', () => {
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2024-02-29', 4)).toBe('2028-02-29');
    expect(addYears('2023-02-28', 1)).toBe('2024-02-28');
    expect(addYears('2023-12-31', 1)).toBe('2024-12-31');
    expect(addYears('1999-03-01', 10)).toBe('2009-03-01');
  });

  it('is overdue only after the due day', () => {
    const meter = { lastVerifiedOn: '2018-06-01', verificationIntervalYears: 8 };
    expect(isVerificationOverdue(meter, '2026-06-01')).toBe(false);
    expect(isVerificationOverdue(meter, '2026-06-02')).toBe(true);
  });
});

describe('zones', () => {
  it('orders readings in the utility\'s order of zones, as its meter zone sets first name them', () => {
    const electricityLike = { meterZoneSets: [['SINGLE'], ['DAY', 'NIGHT'], ['NIGHT', 'HALF_PEAK', 'PEAK']] };
    expect(zoneOrderOf(electricityLike)).toEqual(['SINGLE', 'DAY', 'NIGHT', 'HALF_PEAK', 'PEAK']);
    const zones = sortByZone([{ zone: 'PEAK' }, { zone: 'DAY' }, { zone: 'HALF_PEAK' }, { zone: 'NIGHT' }], zoneOrderOf(electricityLike)).map((r) => r.zone);
    expect(zones).toEqual(['DAY', 'NIGHT', 'HALF_PEAK', 'PEAK']);
    expect(inZoneOrder(electricityLike, ['PEAK', 'NIGHT', 'HALF_PEAK'])).toEqual(['NIGHT', 'HALF_PEAK', 'PEAK']);
  });
});
