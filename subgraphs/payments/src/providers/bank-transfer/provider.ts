import type { PaymentProvider, ProviderCheckout } from '../provider';

/**
 * How long a checkout's transfer details stay valid: a household pays from its banking app the
 * same day or the next, and the supplier's bank registry brings it a banking day or two later.
 * Past this an unpaid checkout is FAILED (`expired`); a transfer that still comes is posted by the
 * utility all the same (the money is the supplier's) and captures it then.
 */
export const bankTransferName = 'BANK_TRANSFER';

export const bankTransferPageTtlMs = 7 * 24 * 60 * 60_000;

/**
 * Payment by bank transfer ("за реквізитами"): the payer sends each item's amount from any banking
 * app to its supplier's IBAN, with a purpose that carries the item's transfer reference, by hand or
 * by scanning the NBU payment QR code on Kabinet's page. The supplier's bank registry then posts
 * it at the utility, which tells payments the item was paid. So this provider takes no money and
 * hears nothing itself: no callbacks, no status to ask, nothing to refund.
 */
export function bankTransferProvider(options: { pageUrl: (orderId: string, expiresAt: Date) => string }): PaymentProvider {
  return {
    name: bankTransferName,
    collects: 'supplier-banks',
    pageTtlMs: bankTransferPageTtlMs,
    currencies: ['UAH'],
    paymentPage: (checkout: ProviderCheckout) => options.pageUrl(checkout.orderId, checkout.expiresAt),
    verifyCallback: () => null,
    queryStatus: async () => null,
    refund: async () => {
      throw new Error('a bank transfer went to the supplier, not through Kabinet: it is returned by the supplier, on the payer\'s application');
    },
  };
}
