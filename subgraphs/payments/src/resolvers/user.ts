import { badInput } from '@kabinet/errors';
import type { PaymentsContext } from '../context';
import { decodeCursor, encodeCursor, paymentsPage } from '../loaders';

export const maxPageSize = 100;

/** Validated page arguments; a cursor this list did not hand out is refused, not ignored. */
export function pageArguments(args: { first: number; after?: string | null }) {
  if (!Number.isInteger(args.first) || args.first < 0 || args.first > maxPageSize) {
    throw badInput(`first must be between 0 and ${maxPageSize}`, { field: 'first' });
  }
  const after = args.after ? decodeCursor(args.after) : null;
  if (args.after && !after) throw badInput('after is not a cursor from this list', { field: 'after' });
  return { first: args.first, after };
}

export const userResolvers = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  payments: async (user: { id: string }, args: { first: number; after?: string | null }, context: PaymentsContext) => {
    const { first, after } = pageArguments(args);
    const page = await paymentsPage(context.db, user.id, first, after);
    for (const row of page.rows) context.payments.paymentById.prime(row.id, row);
    return {
      edges: page.rows.map((row) => ({ cursor: encodeCursor(row), node: row })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.length ? encodeCursor(page.rows.at(-1)!) : null },
    };
  },
};
