/** Ledger entry kinds of the "personal card". */
export type LedgerKind = 'CHARGE' | 'PAYMENT' | 'ADJUSTMENT';

/**
 * The signed amount a ledger entry adds to the balance, so that balance = sum of entries:
 * charges raise the debt, payments lower it, adjustments keep the sign they were given.
 */
export function signedLedgerAmount(kind: LedgerKind, amountMinor: number): number {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`not an amount in minor units: ${amountMinor}`);
  if (kind === 'ADJUSTMENT') return amountMinor;
  if (amountMinor < 0) throw new RangeError(`a ${kind.toLowerCase()} amount is positive: ${amountMinor}`);
  return kind === 'CHARGE' ? amountMinor : -amountMinor;
}
