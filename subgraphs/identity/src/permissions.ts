import { forbidden, unauthenticated } from '@kabinet/errors';
import { accountDataVerdict, allow, chain, firstPartyOnly, isFirstParty, needsScope, publicField, rule } from '@kabinet/subgraph';
import type { IdentityContext } from './context';
import type { UserRow } from './services/identity';

/**
 * A user's own fields: for that user (by token with `accounts:read` when delegated, or having
 * just logged in) and admins. Cached per user, not per hashed row.
 */
const isSelf = rule({ cache: (user: UserRow) => user.id })((user: UserRow, _args, context: IdentityContext, info) => {
  if (context.authenticatedUserId === user.id) return true;
  if (!context.viewer) return unauthenticated();
  const scoped = accountDataVerdict(context.viewer, info);
  if (scoped !== true) return scoped;
  return context.viewer.userId === user.id || context.viewer.role === 'ADMIN' ? true : forbidden();
});

/**
 * Signing in and out, registering and resetting are public (their input is the proof); the
 * profile is account data; changing the login is for Kabinet's own apps only.
 */
export const permissions = {
  Query: { me: needsScope('accounts:read'), rateLimitInfo: publicField() },
  Mutation: {
    register: publicField(),
    confirmEmail: publicField(),
    login: publicField(),
    refreshSession: publicField(),
    // The refresh token it ends is the proof: a delegated token carries none of Kabinet's.
    logout: publicField(),
    requestPasswordReset: publicField(),
    resetPassword: publicField(),
    changePassword: firstPartyOnly(),
    updateProfile: firstPartyOnly(),
    deactivateAccount: firstPartyOnly(),
    // Which apps act for the customer is Kabinet's own business, never an app's.
    revokeAppAuthorization: firstPartyOnly(),
  },
  User: { '*': isSelf, authorizedApps: chain(isSelf, isFirstParty) },
  AuthorizedApp: allow,
  RegisterPayload: allow,
  ConfirmEmailPayload: allow,
  AuthPayload: allow,
  UpdateProfilePayload: allow,
  OperationResult: allow,
  // The caller's own budgets, as the gateway counted them: anyone's, delegated tokens' included.
  RateLimitInfo: allow,
  RateLimitBudget: allow,
};
