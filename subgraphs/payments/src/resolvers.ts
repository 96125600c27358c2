import { badInput } from '@kabinet/errors';
import { money } from '@kabinet/money';
import { scalarResolvers, type BaseContext } from '@kabinet/subgraph';
import { decodeCursor, encodeCursor, paymentsPage, type PaymentItemRow, type PaymentLoaders, type PaymentRow } from './loaders';

export interface PaymentsContext extends BaseContext {
  payments: PaymentLoaders;
}

export const maxPageSize = 100;

export const resolvers = {
  ...scalarResolvers,
  User: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    payments: async (
      user: { id: string },
      args: { first: number; after?: string | null },
      context: PaymentsContext,
    ) => {
      if (args.first < 0 || args.first > maxPageSize) throw badInput(`first must be between 0 and ${maxPageSize}`, { field: 'first' });
      const after = args.after ? decodeCursor(args.after) : null;
      if (args.after && !after) throw badInput('after is not a cursor from this list', { field: 'after' });
      const page = await paymentsPage(context.db, user.id, args.first, after);
      for (const row of page.rows) context.payments.paymentById.prime(row.id, row);
      return {
        edges: page.rows.map((row) => ({ cursor: encodeCursor(row), node: row })),
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.rows.length ? encodeCursor(page.rows.at(-1)!) : null },
      };
    },
  },
  Payment: {
    __resolveReference: (reference: { id: string }, context: PaymentsContext) => context.payments.paymentById.load(reference.id),
    total: (payment: PaymentRow) => money(payment.totalMinor, payment.currency),
    items: async (payment: PaymentRow, _args: unknown, context: PaymentsContext) =>
      (await context.payments.itemsByPayment.load(payment.id)).map((item) => ({ ...item, currency: payment.currency })),
  },
  PaymentItem: {
    utility: (item: PaymentItemRow) => item.utility.toUpperCase(),
    amount: (item: PaymentItemRow & { currency: string }) => money(item.amountMinor, item.currency),
  },
};
