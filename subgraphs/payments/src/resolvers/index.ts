import { scalarResolvers } from '@kabinet/subgraph';
import { paymentItemResolvers } from './payment-item';
import { paymentResolvers } from './payment';
import { userResolvers } from './user';

export const resolvers = {
  ...scalarResolvers,
  User: userResolvers,
  Payment: paymentResolvers,
  PaymentItem: paymentItemResolvers,
};
