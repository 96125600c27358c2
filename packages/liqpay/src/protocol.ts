import { createHash, timingSafeEqual } from 'node:crypto';

/*
 * LiqPay's wire protocol (https://www.liqpay.ua/doc): every request and callback is `data`, the
 * base64 of a JSON object, and `signature` = base64(hash(private_key + data + private_key)),
 * SHA-1 for API version 3 and SHA3-256 for version 7. Nothing here talks to the network.
 */

/** A merchant's keys: `public_key` names it in requests, the private key signs. */
export interface MerchantKeys {
  publicKey: string;
  privateKey: string;
}

const hashOf = (version: number) => (version >= 7 ? 'sha3-256' : 'sha1');

/** base64(hash(private_key + data + private_key)), the hash by the API version in `data`. */
export function sign(privateKey: string, data: string, version: number): string {
  return createHash(hashOf(version)).update(privateKey + data + privateKey).digest('base64');
}

export function encodeData(params: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(params), 'utf8').toString('base64');
}

/** The JSON object inside `data`, or null when `data` is not base64 of a JSON object. */
export function decodeData(data: string): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** A signed message: `data` and its `signature`, as posted to LiqPay and back to `server_url`. */
// A type, not an interface: it goes as is into `URLSearchParams`, which wants an index signature.
export type SignedMessage = { data: string; signature: string };

export function signed(keys: MerchantKeys, params: Record<string, unknown> & { version: number }): SignedMessage {
  const data = encodeData({ ...params, public_key: keys.publicKey });
  return { data, signature: sign(keys.privateKey, data, params.version) };
}

/**
 * The params of a message whose signature holds over the exact `data` posted, by the API version
 * it names; null for a forged, altered or malformed one. The comparison takes constant time.
 */
export function verified(privateKey: string, message: SignedMessage): Record<string, unknown> | null {
  const params = decodeData(message.data);
  if (!params) return null;
  const expected = Buffer.from(sign(privateKey, message.data, Number(params.version ?? 3)));
  const given = Buffer.from(message.signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? params : null;
}

/** One credit of a split payment: one card debit pays several merchants (`split_rules`). */
export interface SplitRule {
  public_key: string;
  amount: number;
  commission_payer: 'sender' | 'receiver';
}

/** What a LiqPay status means for a payment. */
export type PaymentOutcome = 'CAPTURED' | 'FAILED' | 'REVERSED' | 'PENDING';

const captured = new Set(['success', 'sandbox']);
const failed = new Set(['failure', 'error']);
const reversed = new Set(['reversed']);

/**
 * LiqPay's statuses in four outcomes: `success` (and `sandbox` in test mode) are paid; `failure`
 * and `error` are not; `reversed` was paid and returned; everything else (`processing`,
 * `wait_accept`, `3ds_verify`, `otp_verify`, and the rest of the `*_verify` and `wait_*` families)
 * is still under way.
 */
export function outcomeOf(status: string): PaymentOutcome {
  if (captured.has(status)) return 'CAPTURED';
  if (failed.has(status)) return 'FAILED';
  if (reversed.has(status)) return 'REVERSED';
  return 'PENDING';
}

/** Amounts as LiqPay takes them: a number in major units, exact from minor units. */
export const majorUnits = (minor: number, exponent = 2) => Number((minor / 10 ** exponent).toFixed(exponent));

/** LiqPay's amount (a number or a numeric string in major units) in minor units; null when it is not an exact amount. */
export function minorUnitsOf(amount: unknown, exponent = 2): number | null {
  const text = typeof amount === 'number' ? String(amount) : typeof amount === 'string' ? amount : '';
  const match = /^(\d{1,13})(?:\.(\d+))?$/.exec(text);
  if (!match || (match[2] ?? '').replace(/0+$/, '').length > exponent) return null;
  return Number(match[1]) * 10 ** exponent + Number((match[2] ?? '').slice(0, exponent).padEnd(exponent, '0'));
}
