import { createHash } from 'node:crypto';
import { DomainError } from '@kabinet/errors';
import { messages } from '../messages';

/** The utilities an item may pay, as the subgraphs are named. */
export const payableUtilities = ['electricity', 'heat'] as const;
export type PayableUtility = (typeof payableUtilities)[number];

export const maxItemsPerCheckout = 20;
/** 100 000.00 in the checkout's currency: a card payment's usual ceiling (LiqPay's for one payment). */
export const maxCheckoutTotalMinor = 10_000_000;
/**
 * Checkouts are in currencies with two decimals (hryvnia, rouble, euro): amounts are read in
 * minor units before the utilities say the currency, and a utility's account in another
 * currency is refused when it answers.
 */
export const checkoutMinorExponent = 2;

export interface CheckoutItemRequest {
  utility: PayableUtility;
  accountId: string;
  amountMinor: number;
}

/** A createCheckout input, validated and normalized: what the idempotency key stands for. */
export interface CheckoutRequest {
  items: CheckoutItemRequest[];
  provider: string;
  returnUrl: string;
  idempotencyKey: string;
}

export interface RawCheckoutInput {
  items: readonly { utility: string; accountId: string; amount: string }[];
  provider: string;
  idempotencyKey: string;
  returnUrl: string;
}

const amountPattern = /^(-)?(\d{1,12})(?:[.,](\d{1,2}))?$/;

/**
 * `"250.5"` or `"250,50"` → 25050; refuses what a person cannot mean as an amount to pay. A
 * refusal names the item (`item`: its index in `items`), so that an app marks the right one.
 */
export function parseItemAmount(amount: string, item = 0): number {
  const where = { field: 'amount', item };
  const match = amountPattern.exec(amount.trim());
  if (!match) {
    // More decimals than kopiyky, or not a number at all.
    throw new DomainError('AMOUNT_FORMAT', messages.amountFormat(), where);
  }
  const [, sign, whole, fraction = ''] = match;
  const minor = Number(whole) * 100 + Number(fraction.padEnd(checkoutMinorExponent, '0'));
  if (sign || minor === 0) throw new DomainError('AMOUNT_NOT_POSITIVE', messages.amountNotPositive(), where);
  if (minor > maxCheckoutTotalMinor) throw new DomainError('AMOUNT_OVER_LIMIT', messages.amountOverLimit(maxCheckoutTotalMinor), where);
  return minor;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const keyPattern = /^[A-Za-z0-9_-]{8,100}$/;

/** Origins `returnUrl` may lead back to: the service's own pages and the configured apps'. */
export function checkReturnUrl(returnUrl: string, allowedOrigins: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(returnUrl);
  } catch {
    throw new DomainError('RETURN_URL_NOT_ALLOWED', messages.returnUrl(), { field: 'returnUrl' });
  }
  // The provider sends the payer's browser there: only to places we know, never an open redirect.
  if (returnUrl.length > 2000 || !['http:', 'https:'].includes(url.protocol) || !allowedOrigins.includes(url.origin)) {
    throw new DomainError('RETURN_URL_NOT_ALLOWED', messages.returnUrl(), { field: 'returnUrl' });
  }
  return url.toString();
}

export function checkoutRequest(input: RawCheckoutInput, options: { providers: readonly string[]; allowedReturnOrigins: readonly string[] }): CheckoutRequest {
  if (!keyPattern.test(input.idempotencyKey)) {
    throw new DomainError('BAD_USER_INPUT', messages.idempotencyKey(), { field: 'idempotencyKey' });
  }
  if (!options.providers.includes(input.provider)) {
    throw new DomainError('PROVIDER_NOT_AVAILABLE', messages.providerUnknown(), { field: 'provider' });
  }
  if (input.items.length === 0) throw new DomainError('BAD_USER_INPUT', messages.noItems(), { field: 'items' });
  if (input.items.length > maxItemsPerCheckout) {
    throw new DomainError('BAD_USER_INPUT', messages.tooManyItems(maxItemsPerCheckout), { field: 'items' });
  }
  // No account has an id that is not a UUID: nothing to ask its utility.
  const malformed = input.items.findIndex((item) => !uuidPattern.test(item.accountId));
  if (malformed !== -1) throw new DomainError('ACCOUNT_NOT_HELD', messages.accountNotHeld(), { field: 'accountId', item: malformed });
  const items = input.items.map((item, index) => ({
    // The GraphQL enum (ELECTRICITY) names the subgraph (electricity).
    utility: item.utility.toLowerCase() as PayableUtility,
    accountId: item.accountId.toLowerCase(),
    amountMinor: parseItemAmount(item.amount, index),
  }));
  if (new Set(items.map((item) => `${item.utility}:${item.accountId}`)).size !== items.length) {
    throw new DomainError('BAD_USER_INPUT', messages.sameAccountTwice(), { field: 'items' });
  }
  if (items.reduce((sum, item) => sum + item.amountMinor, 0) > maxCheckoutTotalMinor) {
    throw new DomainError('AMOUNT_OVER_LIMIT', messages.amountOverLimit(maxCheckoutTotalMinor), { field: 'items' });
  }
  return {
    items,
    provider: input.provider,
    returnUrl: checkReturnUrl(input.returnUrl, options.allowedReturnOrigins),
    idempotencyKey: input.idempotencyKey,
  };
}

/**
 * What a retry must repeat to get the same checkout: the items (in order), provider and return
 * address. `"250.5"` and `"250,50"` are the same request.
 */
export function requestHash(request: CheckoutRequest): string {
  const canonical = JSON.stringify([request.provider, request.returnUrl, request.items.map((item) => [item.utility, item.accountId, item.amountMinor])]);
  return createHash('sha256').update(canonical).digest('hex');
}
