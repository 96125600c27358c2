import { pageArguments, toConnection } from '@kabinet/subgraph';
import type { PaymentsContext } from '../context';
import { paymentsPage } from '../loaders';

export const userResolvers = {
  __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
  payments: async (user: { id: string }, args: { first: number; after?: string | null }, context: PaymentsContext) => {
    const { first, after } = pageArguments(args, 'payments', 10);
    const rows = await paymentsPage(context.db, user.id, first, after);
    for (const row of rows) context.payments.paymentById.prime(row.id, row);
    return toConnection(rows, first, 'payments', (row) => ({ at: row.createdAt, id: row.id }));
  },
};
