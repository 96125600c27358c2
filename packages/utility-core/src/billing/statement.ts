import { randomFillSync } from 'node:crypto';
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
  if (randomUsed + 12 > randomPool.length) {
    randomFillSync(randomPool);
    randomUsed = 0;
  }
  // 32 letters: the low five bits of a random byte pick one uniformly (256 is a multiple of 32).
  let code = '';
  for (let index = 0; index < 12; index += 1) code += receiptAlphabet[randomPool[randomUsed++]! & 31];
  return code;
}
// Random bytes drawn a few kilobytes at a time: a billing run makes a code per bill.
const randomPool = Buffer.alloc(12 * 512);
let randomUsed = randomPool.length;

/** What people type from a bill: spaces, dashes and lower case are forgiven. */
export function normalizeReceiptCode(raw: string): string {
  return raw.replace(/[\s-]/g, '').toUpperCase();
}
