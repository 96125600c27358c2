import { pageArguments, toConnection, type PagedList } from '@kabinet/subgraph';
import type { UserResolvers } from '../generated/resolvers-types';
import { paymentsPage } from '../loaders';

/** Newest first, by the instant each checkout was created. */
const paymentsList: PagedList = { name: 'payments', orderedBy: 'instant' };

export const userResolvers: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  payments: async (user, args, context) => {
    const { first, after } = pageArguments(args, paymentsList, 10);
    const rows = await paymentsPage(context.db, user.id, first, after);
    for (const row of rows) context.payments.paymentById.prime(row.id, row);
    return toConnection(rows, first, paymentsList, (row) => ({ at: row.createdAt, id: row.id }));
  },
};
