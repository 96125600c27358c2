import type { UserResolvers } from '../generated/resolvers-types';

/** `User.electricityAccounts` or `User.heatAccounts` (`cabinetAccounts` here): the accounts the login holds. */
export const userResolvers: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  cabinetAccounts: (user, _args, context) => context.utility.accountsByHolder.load(user.id),
};
