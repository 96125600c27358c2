import { scalarResolvers } from '@kabinet/subgraph';
import type { Resolvers } from '../generated/resolvers-types';
import { paymentItemResolvers } from './payment-item';
import { paymentResolvers } from './payment';
import { userResolvers } from './user';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  User: userResolvers,
  Payment: paymentResolvers,
  PaymentItem: paymentItemResolvers,
};
