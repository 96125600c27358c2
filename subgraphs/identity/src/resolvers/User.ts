import type { UserResolvers } from '../generated/resolvers-types';

export const User: UserResolvers = {
  __resolveReference: (reference, context) => context.users.load(reference.id),
  emailConfirmed: (user) => user.emailConfirmedAt !== null,
  authorizedApps: (user, _args, context) => context.identity.authorizedApps(user),
};
