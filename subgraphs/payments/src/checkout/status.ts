import type { PaymentOutcome } from '../providers/provider';

/**
 * Where a checkout stands: asked of the utilities (AWAITING_CONFIRMATION), refused by them
 * (REFUSED), with the provider (PENDING), then CAPTURED, FAILED, or REVERSED after capture.
 * CANCELLED: an account was released from the payer before it was paid, so it is never posted;
 * money the provider takes for it anyway is refunded (then REVERSED, with nothing posted).
 * REFUNDED is kept for payments recorded before checkouts existed.
 */
export type CheckoutStatus = 'AWAITING_CONFIRMATION' | 'REFUSED' | PaymentOutcome | 'CANCELLED' | 'REFUNDED';

/**
 * A provider's word moves a checkout only forward along PENDING → FAILED → CAPTURED →
 * REVERSED, so that callbacks in any order, replayed or duplicated, end in the same state:
 * `success` after `failure` is a later attempt that went through (the payer tried again on the
 * same page); `failure` or `processing` after `success` is an earlier attempt's late news;
 * `reversed` is final.
 */
const rank: Record<PaymentOutcome, number> = { PENDING: 0, FAILED: 1, CAPTURED: 2, REVERSED: 3 };

export function isWithProvider(status: CheckoutStatus): status is PaymentOutcome {
  return status in rank;
}

/** The status after the provider said `outcome`; the current one when that is older news. */
export function afterProviderSaid(current: PaymentOutcome, outcome: PaymentOutcome): PaymentOutcome {
  return rank[outcome] > rank[current] ? outcome : current;
}
