import { describe, expect, it } from 'vitest';
import { formatMinor, parseDecimal } from './index';

describe('money', () => {
  it('formats minor units as decimal strings by the currency exponent', () => {
    expect(formatMinor(12345, 'UAH')).toBe('123.45');
    expect(formatMinor(5, 'UAH')).toBe('0.05');
    expect(formatMinor(-5, 'EUR')).toBe('-0.05');
    expect(formatMinor(0, 'UAH')).toBe('0.00');
    expect(formatMinor(1500, 'JPY')).toBe('1500');
    expect(formatMinor(1234, 'KWD')).toBe('1.234');
  });

  it('parses decimal strings exactly, refusing extra precision', () => {
    expect(parseDecimal('123.45', 'UAH')).toBe(12345);
    expect(parseDecimal('123.4', 'UAH')).toBe(12340);
    expect(parseDecimal('7', 'UAH')).toBe(700);
    expect(parseDecimal('-0.05', 'UAH')).toBe(-5);
    expect(() => parseDecimal('1.005', 'UAH')).toThrow(/2 decimal places/);
    expect(() => parseDecimal('1e3', 'UAH')).toThrow(/not a decimal/);
    expect(() => parseDecimal('12', 'uah')).toThrow(/ISO 4217/);
  });

  it('round-trips without float error', () => {
    for (const minor of [1, 10, 99, 100, 101, 29999, 1000000001]) {
      expect(parseDecimal(formatMinor(minor, 'UAH'), 'UAH')).toBe(minor);
    }
  });
});
