import { describe, expect, it } from 'vitest';
import { Big, formatMinor, formatQuantity, formatUnitPrice, fromMinorUnits, parseDecimal, parseQuantity, toMinorUnits } from './index';

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
    expect(parseDecimal('123,45', 'UAH')).toBe(12345);
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

describe('exact decimals', () => {
  it('rounds to minor units half away from zero', () => {
    expect(toMinorUnits(new Big('12.345'), 'UAH')).toBe(1235);
    expect(toMinorUnits(new Big('12.3449999'), 'UAH')).toBe(1234);
    expect(toMinorUnits(new Big('-12.345'), 'UAH')).toBe(-1235);
    expect(toMinorUnits(new Big('0.1').plus('0.2'), 'UAH')).toBe(30);
    expect(toMinorUnits(new Big('1.2345'), 'KWD')).toBe(1235);
  });

  it('reads quantities without exponents, signs or excess decimals', () => {
    expect(parseQuantity('18432.5', 3)?.toString()).toBe('18432.5');
    expect(parseQuantity(' 7 ', 3)?.toString()).toBe('7');
    expect(parseQuantity('-1', 3)).toBeNull();
    expect(parseQuantity('1e3', 3)).toBeNull();
    expect(parseQuantity('1.2345', 3)).toBeNull();
    // As typed on Ukrainian and Russian keyboards: a decimal comma, never a thousands separator.
    expect(parseQuantity('19488,5', 3)?.toString()).toBe('19488.5');
    expect(parseQuantity(' 19488,125 ', 3)?.toString()).toBe('19488.125');
    expect(parseQuantity('19,488.5', 3)).toBeNull();
    expect(parseQuantity('1,2345', 3)).toBeNull();
    expect(parseQuantity('19488,', 3)).toBeNull();
    expect(formatQuantity(new Big('12.5000'))).toBe('12.5');
    expect(formatQuantity(new Big('250'))).toBe('250');
    // Prices to the kopiyka at least, further only where the tariff goes.
    expect(formatUnitPrice(new Big('1540'))).toBe('1540.00');
    expect(formatUnitPrice(new Big('95.2'))).toBe('95.20');
    expect(formatUnitPrice(new Big('4.3224'))).toBe('4.3224');
    expect(formatUnitPrice(new Big('2.6400000'))).toBe('2.64');
    expect(formatQuantity(new Big('0.0004'))).toBe('0');
    expect(fromMinorUnits(12345, 'UAH').toString()).toBe('123.45');
  });
});
