import { allow, needsScope, ownedBy, rule, type AnswerGrant } from '@kabinet/subgraph';
import { forbidden, unauthenticated } from '@kabinet/errors';
import type { BaseContext } from '@kabinet/subgraph';
import type { CheckoutRow } from './checkout/service';
import type { BankTransferView, CheckoutItemView } from './resolvers/checkout';

/** Households pay their own accounts; staff logins serve suppliers and pay nothing here. */
const isCustomer = rule({ cache: 'contextual' })((_parent, _args, context: BaseContext) => {
  if (!context.viewer) return unauthenticated();
  return context.viewer.role === 'CUSTOMER' ? true : forbidden();
});

/** A partner app allowed to pay reads the checkout it has just created, not the payer's other payments. */
const createdCheckout: AnswerGrant[] = [{ mutation: 'createCheckout', scope: 'payments:write' }];

/**
 * A checkout is its payer's only, also when reached through `_entities`: the type guards
 * itself. Connections and edges only wrap checkouts, which are checked on their own. Reading
 * checkouts is account data (`accounts:read` for a delegated token); paying is `payments:write`.
 */
export const permissions = {
  Query: { me: needsScope('accounts:read'), checkout: needsScope('accounts:read') },
  Mutation: { createCheckout: needsScope('payments:write', isCustomer) },
  User: ownedBy((user: { id: string }) => user.id),
  Checkout: ownedBy((checkout: CheckoutRow) => checkout.payerUserId, createdCheckout),
  CheckoutItem: ownedBy((item: CheckoutItemView) => item.payerUserId, createdCheckout),
  BankTransfer: ownedBy((transfer: BankTransferView) => transfer.payerUserId, createdCheckout),
  PaymentEdge: allow,
  PaymentConnection: allow,
  PageInfo: allow,
  Money: allow,
};
