import { money } from '@kabinet/money';
import type { PaymentItemRow } from '../loaders';

export type PaymentItemView = PaymentItemRow & { currency: string; payerUserId: string };

export const paymentItemResolvers = {
  utility: (item: PaymentItemView) => item.utility.toUpperCase(),
  amount: (item: PaymentItemView) => money(item.amountMinor, item.currency),
};
