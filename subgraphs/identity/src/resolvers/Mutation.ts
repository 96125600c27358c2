import type { IdentityContext } from '../context';
import type { Session, UserRow } from '../services/identity';

type Input<T> = { input: T };
const ok = { ok: true };

/** The payload's `user` may be read by whoever just proved to be that user. */
function actingAs<T extends { user: UserRow } | UserRow>(context: IdentityContext, result: T): T {
  context.authenticatedUserId = 'user' in result ? result.user.id : result.id;
  return result;
}

export const Mutation = {
  register: (_: unknown, { input }: Input<{ email: string; password: string; displayName: string }>, context: IdentityContext) =>
    context.identity.register(input),
  confirmEmail: async (_: unknown, { input }: Input<{ token: string }>, context: IdentityContext) => ({
    user: actingAs(context, await context.identity.confirmEmail(input.token)),
  }),
  login: async (_: unknown, { input }: Input<{ email: string; password: string }>, context: IdentityContext): Promise<Session> =>
    actingAs(context, await context.identity.login(input, context.clientIp)),
  refreshSession: async (_: unknown, { input }: Input<{ refreshToken: string }>, context: IdentityContext) =>
    actingAs(context, await context.identity.refreshSession(input.refreshToken)),
  logout: async (_: unknown, { input }: Input<{ refreshToken: string }>, context: IdentityContext) => {
    await context.identity.logout(input.refreshToken);
    return ok;
  },
  requestPasswordReset: async (_: unknown, { input }: Input<{ email: string }>, context: IdentityContext) => {
    await context.identity.requestPasswordReset(input.email, context.clientIp);
    return ok;
  },
  resetPassword: async (_: unknown, { input }: Input<{ token: string; newPassword: string }>, context: IdentityContext) => {
    await context.identity.resetPassword(input.token, input.newPassword);
    return ok;
  },
  changePassword: (_: unknown, { input }: Input<{ currentPassword: string; newPassword: string }>, context: IdentityContext) =>
    context.identity.changePassword(context.viewer!, input.currentPassword, input.newPassword),
  updateProfile: async (
    _: unknown,
    { input }: Input<{ displayName?: string | null; phone?: string | null; email?: string | null }>,
    context: IdentityContext,
  ) => ({ user: await context.identity.updateProfile(context.viewer!, input) }),
  deactivateAccount: async (_: unknown, { input }: Input<{ password: string }>, context: IdentityContext) => {
    await context.identity.deactivate(context.viewer!, input.password);
    return ok;
  },
};
