import Big from 'big.js';

/**
 * Money is kept as integer minor units (kopiyky, cents) and shown as a decimal string with
 * its ISO 4217 currency code: never a float anywhere.
 */
export interface Money {
  amount: string;
  currency: string;
}

/** Minor-unit exponents that differ from 2; ISO 4217. */
const exponents: Record<string, number> = { JPY: 0, KRW: 0, HUF: 2, BHD: 3, KWD: 3, TND: 3 };

export function minorUnitExponent(currency: string): number {
  if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`not an ISO 4217 currency code: ${currency}`);
  return exponents[currency] ?? 2;
}

/** `12345` UAH → `"123.45"`; `-5` → `"-0.05"`. */
export function formatMinor(minor: number | bigint, currency: string): string {
  const exponent = minorUnitExponent(currency);
  const value = BigInt(minor);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

export function money(minor: number | bigint, currency: string): Money {
  return { amount: formatMinor(minor, currency), currency };
}

/**
 * A number as people type it: trimmed, and the decimal comma of Ukrainian and Russian
 * keyboards (`"19488,5"`) read as the point it means.
 */
function asTyped(value: string): string {
  return value.trim().replace(/^(-?\d+),(\d+)$/, '$1.$2');
}

/**
 * `"123.45"` (or `"123,45"`) UAH → `12345`. Refuses more decimals than the currency has
 * instead of rounding them away silently.
 */
export function parseDecimal(amount: string, currency: string): number {
  const exponent = minorUnitExponent(currency);
  const match = /^(-)?(\d{1,15})(?:\.(\d+))?$/.exec(asTyped(amount));
  if (!match) throw new RangeError(`not a decimal amount: ${amount}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) throw new RangeError(`${currency} has ${exponent} decimal places: ${amount}`);
  const minor = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount out of range: ${amount}`);
  return sign ? -minor : minor;
}

export { Big };

/**
 * An exact decimal amount in major units (e.g. consumption × price) rounded to the
 * currency's minor units, half away from zero as on printed bills: `Big('12.345')` → 1235.
 */
export function toMinorUnits(amount: Big, currency: string): number {
  const minor = Number(amount.times(10 ** minorUnitExponent(currency)).round(0, Big.roundHalfUp).toFixed(0));
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount out of range: ${amount.toString()}`);
  return minor;
}

/** Minor units as an exact decimal in major units: 12345 UAH → `Big('123.45')`. */
export function fromMinorUnits(minor: number, currency: string): Big {
  return new Big(minor).div(10 ** minorUnitExponent(currency));
}

/**
 * A non-negative decimal string (point or comma) as `Big`, or `null` when it is not one (no
 * exponents, no signs, no grouping).
 */
export function parseQuantity(value: string, maxDecimals: number): Big | null {
  const typed = asTyped(value);
  const match = /^\d{1,12}(?:\.(\d+))?$/.exec(typed);
  if (!match || (match[1]?.length ?? 0) > maxDecimals) return null;
  return new Big(typed);
}

/** A decimal for display: fixed places, then trailing zeros dropped (`"12.500"` → `"12.5"`). */
export function formatQuantity(value: Big, places = 3): string {
  const fixed = value.toFixed(places);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** A unit price as tariffs are printed: always to the kopiyka (`1540.00`, `95.20`), further only where the tariff goes (`4.3224`). */
export function formatUnitPrice(value: Big, places = 6): string {
  const [whole, fraction = ''] = formatQuantity(value, places).split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

export { newTransferReference, transferReferenceIn } from './transfer-reference';
