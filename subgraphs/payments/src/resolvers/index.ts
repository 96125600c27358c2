import { scalarResolvers } from '@kabinet/subgraph';
import type { Resolvers } from '../generated/resolvers-types';
import { checkoutItemResolvers, checkoutResolvers } from './checkout';
import { mutationResolvers } from './mutation';
import { queryResolvers } from './query';
import { userResolvers } from './user';

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: queryResolvers,
  Mutation: mutationResolvers,
  User: userResolvers,
  Checkout: checkoutResolvers,
  CheckoutItem: checkoutItemResolvers,
};
