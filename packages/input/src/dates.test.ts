import { describe, expect, it } from 'vitest';
import { isCalendarDate, parseInstant } from './dates';

describe('calendar dates', () => {
  it('takes days that exist', () => {
    for (const day of ['2026-11-30', '2024-02-29', '0001-01-01', '9999-12-31', '2000-02-29']) expect(isCalendarDate(day), day).toBe(true);
  });

  it('refuses days that do not, year 0, and other shapes', () => {
    for (const day of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-04-31', '1900-02-29', '0000-01-01', '2026-1-01', '20261101', 'yesterday', ' 2026-11-30'])
      expect(isCalendarDate(day), day).toBe(false);
  });
});

describe('instants', () => {
  it('takes RFC 3339 instants with an offset', () => {
    expect(parseInstant('2026-11-01T09:30:00Z')?.toISOString()).toBe('2026-11-01T09:30:00.000Z');
    expect(parseInstant('2026-11-01T11:30:00.5+02:00')?.toISOString()).toBe('2026-11-01T09:30:00.500Z');
    expect(parseInstant('2026-11-01T09:30Z')?.toISOString()).toBe('2026-11-01T09:30:00.000Z');
  });

  it('refuses instants PostgreSQL could not store, and loose shapes', () => {
    for (const value of ['-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '2026-02-30T00:00:00Z', '2026-11-01T09:30:00', '2026', '2026-11-01', 'now'])
      expect(parseInstant(value), value).toBeNull();
  });
});
