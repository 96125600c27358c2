import { isScope, scopeDescriptions } from '@kabinet/auth';
import type { AuthorizedAppResolvers } from '../generated/resolvers-types';

export const AuthorizedApp: AuthorizedAppResolvers = {
  scopeDescriptions: (app, _args, context) => app.scopes.filter(isScope).map((scope) => scopeDescriptions[scope][context.locale]),
};
