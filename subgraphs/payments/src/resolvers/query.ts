import { viewerAsUser } from '@kabinet/subgraph';
import type { QueryResolvers } from '../generated/resolvers-types';

export const queryResolvers: QueryResolvers = {
  me: viewerAsUser,
  // Another login's checkout is not found rather than forbidden: its existence is not told.
  checkout: async (_parent, { id }, context) => {
    const checkout = await context.payments.paymentById.load(id);
    return checkout && checkout.payerUserId === context.viewer?.userId ? checkout : null;
  },
};
