import { describe, expect, it } from 'vitest';
import { signedLedgerAmount } from './ledger';

describe('ledger signs', () => {
  it('adds charges and subtracts payments, so a positive balance is a debt', () => {
    const entries = [signedLedgerAmount('CHARGE', 86_340), signedLedgerAmount('PAYMENT', 90_000)];
    expect(entries).toEqual([86_340, -90_000]);
    expect(entries.reduce((sum, amount) => sum + amount, 0)).toBe(-3_660);
  });

  it('keeps the sign of an adjustment', () => {
    expect(signedLedgerAmount('ADJUSTMENT', -1_200)).toBe(-1_200);
    expect(signedLedgerAmount('ADJUSTMENT', 500)).toBe(500);
  });

  it('refuses negative charges and payments and fractional amounts', () => {
    expect(() => signedLedgerAmount('CHARGE', -1)).toThrow(RangeError);
    expect(() => signedLedgerAmount('PAYMENT', -1)).toThrow(RangeError);
    expect(() => signedLedgerAmount('CHARGE', 10.5)).toThrow(RangeError);
  });
});
