import { forbidden, unauthenticated } from '@kabinet/errors';
import { allow, deny, rule } from 'graphql-shield';
import type { BaseContext } from './service';

export { allow, deny, rule };
export { and, or, shield } from 'graphql-shield';

/** Any logged-in user. */
export const isAuthenticated = rule({ cache: 'contextual' })((_parent, _args, context: BaseContext) =>
  context.viewer ? true : unauthenticated(),
);

export const isAdmin = rule({ cache: 'contextual' })((_parent, _args, context: BaseContext) =>
  context.viewer?.role === 'ADMIN' ? true : forbidden(),
);

/**
 * Type-level guard for an object owned by one user: `ownerOf(parent)` names the owner. It
 * reads `parent`, so it is cached per object (`strict`), never per request: a cached "yes"
 * for one user's object must not be reused for another's.
 */
export function ownedBy<TParent>(ownerOf: (parent: TParent) => string | null | undefined) {
  return rule({ cache: 'strict' })((parent: TParent, _args, context: BaseContext) => {
    if (!context.viewer) return unauthenticated();
    if (context.viewer.role === 'ADMIN') return true;
    return ownerOf(parent) === context.viewer.userId ? true : forbidden();
  });
}
