import { describe, expect, it } from 'vitest';
import { trimDecimal } from './meter-reading';

describe('reading values', () => {
  it('drops the trailing zeros of the numeric scale only after a decimal point', () => {
    expect(trimDecimal('18432.000')).toBe('18432');
    expect(trimDecimal('41.250')).toBe('41.25');
    expect(trimDecimal('1000')).toBe('1000');
    expect(trimDecimal('0.000')).toBe('0');
  });
});
