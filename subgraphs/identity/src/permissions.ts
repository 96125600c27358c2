import { forbidden, unauthenticated } from '@kabinet/errors';
import { allow, isAuthenticated, rule } from '@kabinet/subgraph';
import type { IdentityContext } from './context';
import type { UserRow } from './services/identity';

/** A user's own fields: for that user (by token, or having just logged in) and admins. */
const isSelf = rule({ cache: 'strict' })((user: UserRow, _args, context: IdentityContext) => {
  if (context.authenticatedUserId === user.id) return true;
  if (!context.viewer) return unauthenticated();
  return context.viewer.userId === user.id || context.viewer.role === 'ADMIN' ? true : forbidden();
});

export const permissions = {
  Query: { me: isAuthenticated, rateLimitInfo: allow },
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
  },
  User: isSelf,
  RegisterPayload: allow,
  ConfirmEmailPayload: allow,
  AuthPayload: allow,
  UpdateProfilePayload: allow,
  OperationResult: allow,
  // The caller's own budgets, as the gateway counted them: anyone's, delegated tokens' included.
  RateLimitInfo: allow,
  RateLimitBudget: allow,
};
