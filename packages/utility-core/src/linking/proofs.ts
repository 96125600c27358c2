import { createHash, randomInt } from 'node:crypto';
import { parseDecimal } from '@kabinet/money';
import { normalizeReceiptCode } from '../billing/statement';

/** Wrong proofs allowed per login and account number within the window, then the number locks. */
export const maxLinkFailures = 5;
export const linkFailureWindowMs = 60 * 60 * 1000;
export const linkCodeTtlMs = 7 * 24 * 3600 * 1000;

/**
 * Surnames as people type them: case, surrounding spaces and the several apostrophes of
 * Ukrainian spelling (ʼ ’ ' `) do not matter.
 */
export function normalizeSurname(raw: string): string {
  return raw.normalize('NFC').trim().toLocaleLowerCase('uk').replace(/[ʼ’'`‘]/g, 'ʼ').replace(/\s+/g, ' ');
}

/** Addresses compare on their letters and digits only: "вул. Хрещатик, 15, кв. 42" = "вул Хрещатик 15 кв 42". */
export function normalizeAddress(raw: string): string {
  return raw.normalize('NFC').toLocaleLowerCase('uk').replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The amount matches the last payment or the one before it (bank transfers arrive days late). */
export function matchesRecentPayment(value: string, currency: string, recentPaymentsMinor: number[]): boolean {
  let amount: number;
  try {
    amount = parseDecimal(value.replace(',', '.'), currency);
  } catch {
    return false;
  }
  return recentPaymentsMinor.slice(0, 2).includes(amount);
}

export function matchesReceiptCode(value: string, recentReceiptCodes: string[]): boolean {
  const typed = normalizeReceiptCode(value);
  return typed.length > 0 && recentReceiptCodes.some((code) => normalizeReceiptCode(code) === typed);
}

// Digits only: read out over a counter or the phone.
export function newOfficeCode(): string {
  return Array.from({ length: 8 }, () => randomInt(10)).join('');
}

export function hashOfficeCode(code: string): string {
  return createHash('sha256').update(`kabinet-link-code:${code.replace(/\D/g, '')}`).digest('hex');
}

/** When the lockout ends: an hour after the last of `maxLinkFailures` failures within the hour; null if not locked. */
export function lockedUntil(failureTimes: Date[], now: Date): Date | null {
  const recent = failureTimes.filter((time) => now.getTime() - time.getTime() < linkFailureWindowMs);
  if (recent.length < maxLinkFailures) return null;
  const last = Math.max(...recent.map((time) => time.getTime()));
  return new Date(last + linkFailureWindowMs);
}
