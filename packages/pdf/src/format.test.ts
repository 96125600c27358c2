import { describe, expect, it } from 'vitest';
import { formatDateTime, formatMoney } from './format';

describe('formatMoney', () => {
  it('prints hryvnias as грн and other currencies by their code', () => {
    expect(formatMoney('3826.80', 'UAH')).toBe('3\u00a0826,80\u00a0грн');
    expect(formatMoney('-12.5', 'EUR')).toBe('−12,5\u00a0EUR');
  });
});

describe('formatDateTime', () => {
  it('reads the clock of the zone, summer time included, midnight as 00', () => {
    expect(formatDateTime(new Date('2026-11-03T12:05:00Z'), 'Europe/Kyiv')).toBe('03.11.2026 14:05');
    expect(formatDateTime(new Date('2026-07-01T21:00:00Z'), 'Europe/Kyiv')).toBe('02.07.2026 00:00');
  });
});
