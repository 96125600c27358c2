import type { IdentityContext } from '../context';
import type { MutationResolvers } from '../generated/resolvers-types';
import type { UserRow } from '../services/identity';

const ok = { ok: true };

/** The payload's `user` may be read by whoever just proved to be that user. */
function actingAs<T extends { user: UserRow } | UserRow>(context: IdentityContext, result: T): T {
  context.authenticatedUserId = 'user' in result ? result.user.id : result.id;
  return result;
}

export const Mutation: MutationResolvers = {
  register: (_, { input }, context) => context.identity.register(input),
  confirmEmail: async (_, { input }, context) => ({
    user: actingAs(context, await context.identity.confirmEmail(input.token)),
  }),
  login: async (_, { input }, context) => actingAs(context, await context.identity.login(input, context.clientIp)),
  refreshSession: async (_, { input }, context) => actingAs(context, await context.identity.refreshSession(input.refreshToken)),
  logout: async (_, { input }, context) => {
    await context.identity.logout(input.refreshToken);
    return ok;
  },
  requestPasswordReset: async (_, { input }, context) => {
    await context.identity.requestPasswordReset(input.email, context.clientIp);
    return ok;
  },
  resetPassword: async (_, { input }, context) => {
    await context.identity.resetPassword(input.token, input.newPassword);
    return ok;
  },
  changePassword: (_, { input }, context) => context.identity.changePassword(context.viewer!, input.currentPassword, input.newPassword),
  updateProfile: async (_, { input }, context) => ({ user: await context.identity.updateProfile(context.viewer!, input) }),
  deactivateAccount: async (_, { input }, context) => {
    await context.identity.deactivate(context.viewer!, input.password);
    return ok;
  },
  revokeAppAuthorization: async (_, { clientId }, context) => {
    await context.identity.revokeAppAuthorization(context.viewer!, clientId);
    return ok;
  },
};
