import type { UtilityContext } from '../context';

/** `User.electricityAccounts` or `User.heatAccounts`: the accounts the login holds. */
export function userResolvers(accountsField: string) {
  return {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    [accountsField]: (user: { id: string }, _args: unknown, context: UtilityContext) =>
      context.utility.accountsByHolder.load(user.id),
  };
}
