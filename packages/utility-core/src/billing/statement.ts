import { randomInt } from 'node:crypto';
import { Big } from '@kabinet/money';

/** VAT on a net amount, rate in basis points (2000 = 20 %), rounded like every bill line. */
export function vatOn(netMinor: number, rateBasisPoints: number): number {
  return Number(new Big(netMinor).times(rateBasisPoints).div(10_000).round(0, Big.roundHalfUp).toFixed(0));
}

export interface StatementParts {
  openingMinor: number;
  chargesMinor: number;
  vatMinor: number;
  correctionsMinor: number;
  paymentsMinor: number;
  adjustmentsMinor: number;
}

/** What a bill asks for: everything owed at its cut-off; negative is a credit. */
export function amountDue(parts: StatementParts): number {
  return parts.openingMinor + parts.chargesMinor + parts.vatMinor + parts.correctionsMinor + parts.adjustmentsMinor - parts.paymentsMinor;
}

/** Entries recorded since the previous bill, split as a bill prints them (payments positive). */
export function splitEntries(entries: { kind: string; amountMinor: number }[]): { paymentsMinor: number; adjustmentsMinor: number } {
  let paymentsMinor = 0;
  let adjustmentsMinor = 0;
  for (const entry of entries) {
    // A payment returned to the card is less paid, not an adjustment.
    if (entry.kind === 'PAYMENT' || entry.kind === 'PAYMENT_REVERSAL') paymentsMinor -= entry.amountMinor;
    else adjustmentsMinor += entry.amountMinor;
  }
  return { paymentsMinor, adjustmentsMinor };
}

// Crockford's alphabet: no I, L, O or U to misread when typed from paper.
const receiptAlphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A code printed on a bill: 12 characters, unique (the table enforces it), typed back to link an account. */
export function newReceiptCode(): string {
  return Array.from({ length: 12 }, () => receiptAlphabet[randomInt(receiptAlphabet.length)]).join('');
}

/** What people type from a bill: spaces, dashes and lower case are forgiven. */
export function normalizeReceiptCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}
