import { pgSchema, uuid } from 'drizzle-orm/pg-core';

export const heatSchema = pgSchema('heat');

// Skeleton: replaced by the real tables.
export const placeholder = heatSchema.table('placeholder', { id: uuid('id').primaryKey().defaultRandom() });
