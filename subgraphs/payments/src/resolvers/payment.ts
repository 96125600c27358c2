import { money } from '@kabinet/money';
import type { PaymentsContext } from '../context';
import type { PaymentRow } from '../loaders';

export const paymentResolvers = {
  __resolveReference: (reference: { id: string }, context: PaymentsContext) => context.payments.paymentById.load(reference.id),
  total: (payment: PaymentRow) => money(payment.totalMinor, payment.currency),
  // Items carry their payment's currency and payer, so that `PaymentItem` is guarded like its payment.
  items: async (payment: PaymentRow, _args: unknown, context: PaymentsContext) =>
    (await context.payments.itemsByPayment.load(payment.id)).map((item) => ({
      ...item,
      currency: payment.currency,
      payerUserId: payment.payerUserId,
    })),
};
