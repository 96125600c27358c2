import { pgSchema, uuid } from 'drizzle-orm/pg-core';

export const paymentsSchema = pgSchema('payments');

// Skeleton: replaced by the real tables.
export const placeholder = paymentsSchema.table('placeholder', { id: uuid('id').primaryKey().defaultRandom() });
