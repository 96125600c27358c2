import type { QueryResolvers } from '../generated/resolvers-types';

export const Query: QueryResolvers = {
  me: (_parent, _args, context) => context.identity.me(context.viewer!),
  rateLimitInfo: (_parent, _args, context) => {
    // The gateway charges every operation before it runs and sends the result along.
    const costReport = context.costReport();
    if (!costReport) throw new Error('no cost report from the gateway');
    const { requested, maxOperationCost, customer, client } = costReport;
    return { cost: requested, maxOperationCost, customer, client };
  },
};
