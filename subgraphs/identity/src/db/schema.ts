import { pgSchema, uuid } from 'drizzle-orm/pg-core';

export const identitySchema = pgSchema('identity');

// Skeleton: replaced by the real tables.
export const placeholder = identitySchema.table('placeholder', { id: uuid('id').primaryKey().defaultRandom() });
