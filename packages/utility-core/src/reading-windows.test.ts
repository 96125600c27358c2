import { describe, expect, it } from 'vitest';
import { localDateIn, startOfLocalDate } from './calendar';
import {
  assertValidWindowRule,
  electricityWindowRule,
  fifthToMonthEndWindowRule,
  heatWindowRule,
  nextReadingWindow,
  openReadingWindow,
  readingWindowOf,
} from './reading-windows';

describe('electricity reading window (days 1 to 5)', () => {
  it('is open on days 1 to 5 for the month before', () => {
    expect(openReadingWindow('2026-12-01', electricityWindowRule)).toEqual({
      period: '2026-11',
      opensOn: '2026-12-01',
      closesOn: '2026-12-05',
    });
    expect(openReadingWindow('2026-12-05', electricityWindowRule)?.period).toBe('2026-11');
  });

  it('is closed from the 6th and says when it opens next', () => {
    expect(openReadingWindow('2026-12-06', electricityWindowRule)).toBeNull();
    expect(openReadingWindow('2026-11-30', electricityWindowRule)).toBeNull();
    expect(nextReadingWindow('2026-12-06', electricityWindowRule)).toMatchObject({ period: '2026-12', opensOn: '2027-01-01' });
    expect(nextReadingWindow('2026-11-30', electricityWindowRule).opensOn).toBe('2026-12-01');
  });

  it('closes January readings across the year end', () => {
    expect(openReadingWindow('2027-01-03', electricityWindowRule)?.period).toBe('2026-12');
  });
});

describe('heat reading window (last week of the month through the 1st)', () => {
  it('opens seven days before the 1st and closes on the 1st', () => {
    expect(readingWindowOf('2026-11', heatWindowRule)).toEqual({ period: '2026-11', opensOn: '2026-11-24', closesOn: '2026-12-01' });
    expect(openReadingWindow('2026-11-24', heatWindowRule)?.period).toBe('2026-11');
    expect(openReadingWindow('2026-12-01', heatWindowRule)?.period).toBe('2026-11');
  });

  it('keeps days 2 to 7 closed while bills are calculated', () => {
    for (const day of ['2026-12-02', '2026-12-07', '2026-12-23']) expect(openReadingWindow(day, heatWindowRule)).toBeNull();
    expect(nextReadingWindow('2026-12-02', heatWindowRule)).toMatchObject({ period: '2026-12', opensOn: '2026-12-25' });
  });

  it('follows the month\'s length: February\'s last week starts on the 22nd (23rd in leap years)', () => {
    expect(readingWindowOf('2027-02', heatWindowRule).opensOn).toBe('2027-02-22');
    expect(readingWindowOf('2028-02', heatWindowRule).opensOn).toBe('2028-02-23');
    expect(readingWindowOf('2026-12', heatWindowRule)).toMatchObject({ opensOn: '2026-12-25', closesOn: '2027-01-01' });
  });
});

describe('a window from the 5th to the end of the month (Kyiv\'s heat supplier today)', () => {
  it('takes the month\'s own readings from its 5th to its last day, whatever its length', () => {
    expect(readingWindowOf('2026-11', fifthToMonthEndWindowRule)).toEqual({ period: '2026-11', opensOn: '2026-11-05', closesOn: '2026-11-30' });
    expect(readingWindowOf('2027-02', fifthToMonthEndWindowRule)).toEqual({ period: '2027-02', opensOn: '2027-02-05', closesOn: '2027-02-28' });
    expect(openReadingWindow('2026-12-31', fifthToMonthEndWindowRule)?.period).toBe('2026-12');
  });

  it('is closed from the 1st to the 4th and says it opens on the 5th', () => {
    for (const day of ['2026-12-01', '2026-12-04']) expect(openReadingWindow(day, fifthToMonthEndWindowRule)).toBeNull();
    expect(nextReadingWindow('2026-12-02', fifthToMonthEndWindowRule)).toMatchObject({ period: '2026-12', opensOn: '2026-12-05' });
  });
});

describe('windows in the supplier\'s time zone', () => {
  it('judges "today" on the supplier\'s wall calendar, not UTC', () => {
    // 22:30 UTC on 30 November is already 1 December in Kyiv (UTC+2) but not in Lisbon.
    const instant = new Date('2026-11-30T22:30:00Z');
    expect(openReadingWindow(localDateIn(instant, 'Europe/Kyiv'), electricityWindowRule)?.period).toBe('2026-11');
    expect(openReadingWindow(localDateIn(instant, 'Europe/Lisbon'), electricityWindowRule)).toBeNull();
    // 23:30 UTC on 5 December is the 6th in Kyiv: closed there.
    expect(openReadingWindow(localDateIn(new Date('2026-12-05T23:30:00Z'), 'Europe/Kyiv'), electricityWindowRule)).toBeNull();
  });

  it('finds the instant a local date begins, across daylight-saving changes', () => {
    expect(startOfLocalDate('2026-12-01', 'Europe/Kyiv').toISOString()).toBe('2026-11-30T22:00:00.000Z');
    expect(startOfLocalDate('2026-07-01', 'Europe/Kyiv').toISOString()).toBe('2026-06-30T21:00:00.000Z');
    expect(startOfLocalDate('2026-12-01', 'America/New_York').toISOString()).toBe('2026-12-01T05:00:00.000Z');
  });
});

describe('window rules', () => {
  it('refuses empty, reversed or over-long windows', () => {
    expect(() => assertValidWindowRule({ opensDay: 4, closesDay: 0 })).toThrow(RangeError);
    expect(() => assertValidWindowRule({ opensDay: -30, closesDay: 0 })).toThrow(RangeError);
    expect(() => assertValidWindowRule({ opensDay: 0.5, closesDay: 3 })).toThrow(RangeError);
    expect(() => assertValidWindowRule(heatWindowRule)).not.toThrow();
    expect(() => assertValidWindowRule(fifthToMonthEndWindowRule)).not.toThrow();
    // From the 29th of the month: no window in February.
    expect(() => assertValidWindowRule({ opensFrom: 'MONTH_START', opensDay: 28, closesDay: -1 })).toThrow(RangeError);
    expect(() => assertValidWindowRule({ opensFrom: 'MONTH_START', opensDay: 20, closesDay: -10 })).toThrow(RangeError);
  });
});
