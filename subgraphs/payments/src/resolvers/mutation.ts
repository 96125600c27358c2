import type { MutationResolvers } from '../generated/resolvers-types';

export const mutationResolvers: MutationResolvers = {
  createCheckout: async (_parent, { input }, context) => {
    const viewer = context.viewer!;
    const { checkout } = await context.checkouts.create({ userId: viewer.userId, email: viewer.email }, input, context.locale);
    context.payments.paymentById.prime(checkout.id, checkout);
    return checkout;
  },
};
