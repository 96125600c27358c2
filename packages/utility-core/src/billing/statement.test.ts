import { describe, expect, it } from 'vitest';
import { amountDue, newReceiptCode, normalizeReceiptCode, splitEntries, vatOn } from './statement';

describe('VAT', () => {
  it('is the rate in basis points on the net amount, rounded to kopiyky', () => {
    expect(vatOn(100_000, 2_000)).toBe(20_000);
    expect(vatOn(12_345, 2_000)).toBe(2_469);
    expect(vatOn(12_345, 700)).toBe(864);
    expect(vatOn(-7_380, 2_000)).toBe(-1_476);
    expect(vatOn(0, 2_000)).toBe(0);
  });
});

describe('a bill\'s statement', () => {
  it('asks for the opening balance plus charges, VAT, corrections and adjustments, minus payments', () => {
    expect(
      amountDue({ openingMinor: 125_000, chargesMinor: 331_200, vatMinor: 66_240, correctionsMinor: -14_760, paymentsMinor: 125_000, adjustmentsMinor: 0 }),
    ).toBe(382_680);
  });

  it('shows an overpayment as a negative amount due', () => {
    expect(amountDue({ openingMinor: 0, chargesMinor: 40_000, vatMinor: 0, correctionsMinor: 0, paymentsMinor: 50_000, adjustmentsMinor: 0 })).toBe(-10_000);
  });

  it('splits the ledger entries since the previous bill into payments and adjustments', () => {
    expect(
      splitEntries([
        { kind: 'PAYMENT', amountMinor: -50_000 },
        { kind: 'PAYMENT', amountMinor: -1_220 },
        { kind: 'ADJUSTMENT', amountMinor: -3_000 },
        { kind: 'ADJUSTMENT', amountMinor: 500 },
      ]),
    ).toEqual({ paymentsMinor: 51_220, adjustmentsMinor: -2_500 });
  });
});

describe('receipt codes', () => {
  it('are 12 unambiguous characters and forgive how people type them', () => {
    const codes = new Set(Array.from({ length: 200 }, newReceiptCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
    expect(normalizeReceiptCode(' e7c4-1b09 d2a5 ')).toBe('E7C41B09D2A5');
  });
});
