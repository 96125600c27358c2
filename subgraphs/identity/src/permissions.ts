import { forbidden, unauthenticated } from '@kabinet/errors';
import { allow, and, isAuthenticated, rule } from '@kabinet/subgraph';
import type { IdentityContext } from './context';
import type { UserRow } from './services/identity';

/** A user's own fields: for that user (by token, or having just logged in) and admins. */
const isSelf = rule({ cache: 'strict' })((user: UserRow, _args, context: IdentityContext) => {
  if (context.authenticatedUserId === user.id) return true;
  if (!context.viewer) return unauthenticated();
  return context.viewer.userId === user.id || context.viewer.role === 'ADMIN' ? true : forbidden();
});

/** Kabinet's own sessions only: an app acting for a customer (a delegated token) cannot see or revoke apps' access. */
const isFirstParty = rule({ cache: 'contextual' })((_parent, _args, context: IdentityContext) =>
  context.viewer?.clientId === undefined ? true : forbidden(),
);

export const permissions = {
  Query: { me: isAuthenticated },
  Mutation: {
    register: allow,
    confirmEmail: allow,
    login: allow,
    refreshSession: allow,
    logout: allow,
    requestPasswordReset: allow,
    resetPassword: allow,
    changePassword: isAuthenticated,
    updateProfile: isAuthenticated,
    deactivateAccount: isAuthenticated,
    revokeAppAuthorization: and(isAuthenticated, isFirstParty),
  },
  User: { '*': isSelf, authorizedApps: and(isSelf, isFirstParty) },
  AuthorizedApp: allow,
  RegisterPayload: allow,
  ConfirmEmailPayload: allow,
  AuthPayload: allow,
  UpdateProfilePayload: allow,
  OperationResult: allow,
};
