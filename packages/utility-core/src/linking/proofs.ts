import { createHash, randomInt } from 'node:crypto';
import { parseDecimal } from '@kabinet/money';
import { normalizeReceiptCode } from '../billing/statement';

/** Wrong proofs allowed per account number within the window, from all logins together, then the number locks for all. */
export const maxLinkFailures = 5;
/**
 * Wrong proofs allowed per login within the window, over all numbers, then linking locks for that
 * login: spreading guesses over many numbers (5 each) gains a login nothing past this. A household
 * mistyping a few numbers stays far below it.
 */
export const maxLoginLinkFailures = 10;
export const linkFailureWindowMs = 60 * 60 * 1000;
export const linkCodeTtlMs = 7 * 24 * 3600 * 1000;

/**
 * Surnames as people type them: case, surrounding spaces and the several apostrophes of
 * Ukrainian spelling (ʼ ’ ' `) do not matter. (Escaped: a bundle stays ASCII, see packages/build.)
 */
export function normalizeSurname(raw: string): string {
  return raw.normalize('NFC').trim().toLocaleLowerCase('uk').replace(/[\u02BC\u2019'`\u2018]/g, '\u02BC').replace(/\s+/g, ' ');
}

/** Addresses compare on their letters and digits only: "вул. Хрещатик, 15, кв. 42" = "вул Хрещатик 15 кв 42". */
export function normalizeAddress(raw: string): string {
  return raw.normalize('NFC').toLocaleLowerCase('uk').replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The amount matches the last payment or the one before it (bank transfers arrive days late). */
export function matchesRecentPayment(value: string, currency: string, recentPaymentsMinor: number[]): boolean {
  let amount: number;
  try {
    amount = parseDecimal(value, currency);
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

/**
 * When the lockout ends: an hour after any `maxFailures` failures that fell within one
 * hour; null if not locked now. Failures older than two hours cannot matter (see
 * `lockoutLookbackMs`).
 */
export function lockedUntil(failureTimes: Date[], now: Date, maxFailures = maxLinkFailures): Date | null {
  const times = failureTimes.map((time) => time.getTime()).sort((a, b) => a - b);
  let until: number | null = null;
  for (let last = maxFailures - 1; last < times.length; last += 1) {
    const first = times[last - maxFailures + 1]!;
    if (times[last]! - first < linkFailureWindowMs) until = Math.max(until ?? 0, times[last]! + linkFailureWindowMs);
  }
  return until !== null && until > now.getTime() ? new Date(until) : null;
}

/** Failures that can still lock: a lock lasts an hour after failures that span at most an hour. */
export const lockoutLookbackMs = 2 * linkFailureWindowMs;

/** Wrong proofs left before the lock: the window is the last hour. */
export function attemptsLeft(failureTimes: Date[], now: Date): number {
  const recent = failureTimes.filter((time) => now.getTime() - time.getTime() < linkFailureWindowMs);
  return Math.max(0, maxLinkFailures - recent.length);
}
