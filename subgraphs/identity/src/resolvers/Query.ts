import type { QueryResolvers } from '../generated/resolvers-types';

export const Query: QueryResolvers = {
  me: (_parent, _args, context) => context.identity.me(context.viewer!),
};
