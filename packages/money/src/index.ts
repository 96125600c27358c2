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
 * `"123.45"` UAH → `12345`. Refuses more decimals than the currency has instead of
 * rounding them away silently.
 */
export function parseDecimal(amount: string, currency: string): number {
  const exponent = minorUnitExponent(currency);
  const match = /^(-)?(\d{1,15})(?:\.(\d+))?$/.exec(amount.trim());
  if (!match) throw new RangeError(`not a decimal amount: ${amount}`);
  const [, sign, whole, fraction = ''] = match;
  if (fraction.length > exponent) throw new RangeError(`${currency} has ${exponent} decimal places: ${amount}`);
  const minor = Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0');
  if (!Number.isSafeInteger(minor)) throw new RangeError(`amount out of range: ${amount}`);
  return sign ? -minor : minor;
}
