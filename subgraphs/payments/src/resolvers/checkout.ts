import { money } from '@kabinet/money';
import type { CheckoutItemResolvers, CheckoutResolvers, PaymentProvider, Utility } from '../generated/resolvers-types';
import type { CheckoutItemRow, CheckoutRow } from '../checkout/service';
import type { PaymentsContext } from '../context';
import { transferPagePath } from '../providers/bank-transfer/links';
import { bankTransferName } from '../providers/bank-transfer/provider';
import { transferOf } from '../providers/bank-transfer/transfers';
import { receiptPath } from '../receipts/links';

/** An item as resolved: with its checkout's payer (its guard) and currency. */
export type CheckoutItemView = CheckoutItemRow & { checkoutCurrency: string | null; checkoutStatus: string; payerUserId: string };

/** An item's transfer as resolved: with its payer, its guard too. */
export type BankTransferView = { payerUserId: string };

const itemsOf = async (checkout: CheckoutRow, context: PaymentsContext): Promise<CheckoutItemView[]> =>
  (await context.payments.itemsByPayment.load(checkout.id)).map((item) => ({
    ...item,
    checkoutCurrency: checkout.currency,
    checkoutStatus: checkout.status,
    payerUserId: checkout.payerUserId,
  }));

export const checkoutResolvers: CheckoutResolvers = {
  __resolveReference: (reference, context) => context.payments.paymentById.load(reference.id),
  total: (checkout) => (checkout.currency ? money(checkout.totalMinor, checkout.currency) : null),
  items: (checkout, _args, context) => itemsOf(checkout, context),
  provider: (checkout) => checkout.provider as PaymentProvider,
  paymentUrl: async (checkout, _args, context) => {
    // Kabinet's own transfer page is reached by a link signed on each read, as a receipt is.
    if (!checkout.paymentUrl || checkout.provider !== bankTransferName) return checkout.paymentUrl;
    const token = await context.transferLinks.sign(checkout.id, context.clock.now());
    return `${context.publicOrigin}${transferPagePath(checkout.id, token)}`;
  },
  receiptUrl: async (checkout, _args, context) => {
    // Only money that was taken and posted has a receipt (a cancelled checkout refunded never was).
    if (!checkout.capturedAt || (checkout.status !== 'CAPTURED' && checkout.status !== 'REVERSED')) return null;
    const token = await context.receiptLinks.sign(checkout.id, context.clock.now());
    return `${context.publicOrigin}${receiptPath(checkout.id, token)}`;
  },
  alreadyPaid: async (checkout, _args, context) => (await itemsOf(checkout, context)).some((item) => item.alreadyPaid),
};

export const checkoutItemResolvers: CheckoutItemResolvers = {
  // Stored lower case; graphql refuses any value outside the enum when it serializes the answer.
  utility: (item) => item.utility.toUpperCase() as Utility,
  amount: (item) => {
    const currency = item.currency ?? item.checkoutCurrency;
    return currency ? money(item.amountMinor, currency) : null;
  },
  transfer: (item) => {
    const transfer = transferOf(item, item.checkoutCurrency);
    if (!transfer) return null;
    const { amountMinor, receivedMinor, currency, qrLink, ...details } = transfer;
    return {
      ...details,
      // As on the page: no code to scan for a checkout that takes no more payment.
      qrLink: item.checkoutStatus === 'PENDING' ? qrLink : null,
      amount: money(amountMinor, currency),
      received: money(receivedMinor, currency),
      payerUserId: item.payerUserId,
    };
  },
};
