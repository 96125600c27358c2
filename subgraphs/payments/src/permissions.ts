import { allow, ownedBy } from '@kabinet/subgraph';
import type { PaymentRow } from './loaders';
import type { PaymentItemView } from './resolvers/payment-item';

/**
 * A payment is its payer's only, also when reached through `_entities`: the type guards
 * itself. Connections and edges only wrap payments, which are checked on their own.
 */
export const permissions = {
  User: ownedBy((user: { id: string }) => user.id),
  Payment: ownedBy((payment: PaymentRow) => payment.payerUserId),
  PaymentItem: ownedBy((item: PaymentItemView) => item.payerUserId),
  PaymentEdge: allow,
  PaymentConnection: allow,
  PageInfo: allow,
  Money: allow,
};
