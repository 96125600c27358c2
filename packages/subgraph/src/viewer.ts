import { unauthenticated } from '@kabinet/errors';
import type { BaseContext } from './service';

/**
 * `Query.me` in a subgraph that adds fields to the login's `User`: the caller, as the entity
 * those fields hang off. `me` is shared by every subgraph (identity answers the login's own
 * fields), so the gateway asks each subgraph for its part of `me` at once instead of asking
 * identity first and the others with the id it answers: the Dashboard is one round of calls,
 * not two. The token the gateway verified names the login; its root rule checks the scope.
 */
export function viewerAsUser(_parent: unknown, _args: unknown, context: BaseContext): { id: string } {
  if (!context.viewer) throw unauthenticated();
  return { id: context.viewer.userId };
}
