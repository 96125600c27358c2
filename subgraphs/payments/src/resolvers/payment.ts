import { money } from '@kabinet/money';
import type { PaymentResolvers } from '../generated/resolvers-types';

export const paymentResolvers: PaymentResolvers = {
  __resolveReference: (reference, context) => context.payments.paymentById.load(reference.id),
  total: (payment) => money(payment.totalMinor, payment.currency),
  // Items carry their payment's currency and payer, so that `PaymentItem` is guarded like its payment.
  items: async (payment, _args, context) =>
    (await context.payments.itemsByPayment.load(payment.id)).map((item) => ({
      ...item,
      currency: payment.currency,
      payerUserId: payment.payerUserId,
    })),
};
