import { allow, isAuthenticated, ownedBy, rule } from '@kabinet/subgraph';
import { forbidden, unauthenticated } from '@kabinet/errors';
import type { BaseContext } from '@kabinet/subgraph';
import type { CheckoutRow } from './checkout/service';
import type { CheckoutItemView } from './resolvers/checkout';

/** Households pay their own accounts; staff logins serve suppliers and pay nothing here. */
const isCustomer = rule({ cache: 'contextual' })((_parent, _args, context: BaseContext) => {
  if (!context.viewer) return unauthenticated();
  return context.viewer.role === 'CUSTOMER' ? true : forbidden();
});

/**
 * A checkout is its payer's only, also when reached through `_entities`: the type guards
 * itself. Connections and edges only wrap checkouts, which are checked on their own.
 */
export const permissions = {
  Query: { checkout: isAuthenticated },
  Mutation: { createCheckout: isCustomer },
  User: ownedBy((user: { id: string }) => user.id),
  Checkout: ownedBy((checkout: CheckoutRow) => checkout.payerUserId),
  CheckoutItem: ownedBy((item: CheckoutItemView) => item.payerUserId),
  PaymentEdge: allow,
  PaymentConnection: allow,
  PageInfo: allow,
  Money: allow,
};
