import { isScope, scopeDescriptions } from '@kabinet/auth';
import { localize } from '@kabinet/errors';
import type { AuthorizedAppResolvers } from '../generated/resolvers-types';

export const AuthorizedApp: AuthorizedAppResolvers = {
  scopeDescriptions: (app) => app.scopes.filter(isScope).map((scope) => localize(scopeDescriptions[scope])),
};
