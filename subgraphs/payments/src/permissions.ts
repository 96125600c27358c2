import { allow, ownedBy } from '@kabinet/subgraph';
import type { PaymentRow } from './loaders';

/** A payment is its payer's only, also when reached through `_entities`. */
export const permissions = {
  User: ownedBy((user: { id: string }) => user.id),
  Payment: ownedBy((payment: PaymentRow) => payment.payerUserId),
  PaymentItem: allow,
  PaymentEdge: allow,
  PaymentConnection: allow,
  PageInfo: allow,
  Money: allow,
};
