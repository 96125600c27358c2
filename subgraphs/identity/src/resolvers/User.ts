import type { IdentityContext } from '../context';
import type { UserRow } from '../services/identity';

export const User = {
  __resolveReference: (reference: { id: string }, context: IdentityContext) => context.users.load(reference.id),
  emailConfirmed: (user: UserRow) => user.emailConfirmedAt !== null,
};
