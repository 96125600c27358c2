import { sql } from 'drizzle-orm';
import { bigint, date, index, integer, numeric, text, timestamp, uniqueIndex, uuid, type PgSchema } from 'drizzle-orm/pg-core';

/**
 * The tables every utility subgraph has, created in that subgraph's own Postgres schema.
 * Money in integer minor units; meter values as exact numerics.
 */
export function defineUtilityTables(schema: PgSchema) {
  const suppliers = schema.table('suppliers', {
    id: uuid('id').primaryKey(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    timeZone: text('time_zone').notNull(),
    accountNumberPattern: text('account_number_pattern').notNull(),
  });

  const accounts = schema.table(
    'accounts',
    {
      id: uuid('id').primaryKey(),
      supplierId: uuid('supplier_id').notNull().references(() => suppliers.id),
      accountNumber: text('account_number').notNull(),
      address: text('address').notNull(),
      holderSurname: text('holder_surname').notNull(),
      currency: text('currency').notNull(),
      /** The login (identity user id) holding the account; one login at most. */
      holderUserId: uuid('holder_user_id'),
      linkedAt: timestamp('linked_at', { withTimezone: true }),
    },
    (table) => [
      uniqueIndex().on(table.supplierId, table.accountNumber),
      index().on(table.holderUserId),
    ],
  );

  const meters = schema.table(
    'meters',
    {
      id: uuid('id').primaryKey(),
      accountId: uuid('account_id').notNull().references(() => accounts.id),
      serialNumber: text('serial_number').notNull(),
      zones: text('zones').array().notNull(),
      installedOn: date('installed_on').notNull(),
      lastVerifiedOn: date('last_verified_on').notNull(),
      verificationIntervalYears: integer('verification_interval_years').notNull(),
      removedOn: date('removed_on'),
    },
    (table) => [index().on(table.accountId)],
  );

  const readings = schema.table(
    'readings',
    {
      id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
      meterId: uuid('meter_id').notNull().references(() => meters.id),
      zone: text('zone').notNull(),
      value: numeric('value', { precision: 14, scale: 3 }).notNull(),
      readAt: timestamp('read_at', { withTimezone: true }).notNull(),
      source: text('source').notNull(),
    },
    (table) => [index().on(table.meterId, table.zone, table.readAt)],
  );

  const bills = schema.table(
    'bills',
    {
      id: uuid('id').primaryKey(),
      accountId: uuid('account_id').notNull().references(() => accounts.id),
      period: date('period').notNull(),
      amountDueMinor: bigint('amount_due_minor', { mode: 'number' }).notNull(),
      currency: text('currency').notNull(),
      dueDate: date('due_date').notNull(),
      receiptCode: text('receipt_code').notNull().unique(),
    },
    (table) => [uniqueIndex().on(table.accountId, table.period)],
  );

  /** The "personal card": immutable charges (+), payments (−) and adjustments (±). */
  const ledgerEntries = schema.table(
    'ledger_entries',
    {
      id: uuid('id').primaryKey(),
      accountId: uuid('account_id').notNull().references(() => accounts.id),
      kind: text('kind').notNull(),
      amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
      occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
      description: text('description').notNull(),
      /** Set for payment entries: at most one entry per payment and account. */
      paymentId: uuid('payment_id'),
    },
    (table) => [index().on(table.accountId), uniqueIndex().on(table.paymentId, table.accountId)],
  );

  return { suppliers, accounts, meters, readings, bills, ledgerEntries };
}

export type UtilityTables = ReturnType<typeof defineUtilityTables>;
