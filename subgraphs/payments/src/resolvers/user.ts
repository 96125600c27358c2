import { pageArguments, toConnection } from '@kabinet/subgraph';
import type { UserResolvers } from '../generated/resolvers-types';
import { paymentsPage } from '../loaders';

export const userResolvers: UserResolvers = {
  __resolveReference: (reference) => ({ id: reference.id }),
  payments: async (user, args, context) => {
    const { first, after } = pageArguments(args, 'payments', 10);
    const rows = await paymentsPage(context.db, user.id, first, after);
    for (const row of rows) context.payments.paymentById.prime(row.id, row);
    return toConnection(rows, first, 'payments', (row) => ({ at: row.createdAt, id: row.id }));
  },
};
