import { bigint, index, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const paymentsSchema = pgSchema('payments');

export const payments = paymentsSchema.table(
  'payments',
  {
    id: uuid('id').primaryKey(),
    payerUserId: uuid('payer_user_id').notNull(),
    status: text('status').notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [index().on(table.payerUserId, table.createdAt, table.id)],
);

export const paymentItems = paymentsSchema.table(
  'payment_items',
  {
    id: uuid('id').primaryKey(),
    paymentId: uuid('payment_id').notNull().references(() => payments.id),
    utility: text('utility').notNull(),
    accountId: uuid('account_id').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  },
  (table) => [index().on(table.paymentId)],
);
