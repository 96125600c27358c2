import type { IdentityContext } from '../context';

export const Query = {
  me: (_parent: unknown, _args: unknown, context: IdentityContext) => context.identity.me(context.viewer!),
};
