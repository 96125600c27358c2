import { pgSchema, uuid } from 'drizzle-orm/pg-core';

export const electricitySchema = pgSchema('electricity');

// Skeleton: replaced by the real tables.
export const placeholder = electricitySchema.table('placeholder', { id: uuid('id').primaryKey().defaultRandom() });
