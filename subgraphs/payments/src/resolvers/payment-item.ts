import { money } from '@kabinet/money';
import type { PaymentItemResolvers, Utility } from '../generated/resolvers-types';
import type { PaymentItemRow } from '../loaders';

export type PaymentItemView = PaymentItemRow & { currency: string; payerUserId: string };

export const paymentItemResolvers: PaymentItemResolvers = {
  // Stored lower case; graphql refuses any value outside the enum when it serializes the answer.
  utility: (item) => item.utility.toUpperCase() as Utility,
  amount: (item) => money(item.amountMinor, item.currency),
};
