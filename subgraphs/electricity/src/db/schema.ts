import { defineUtilityTables } from '@kabinet/utility-core';
import { pgSchema } from 'drizzle-orm/pg-core';

export const electricitySchema = pgSchema('electricity');

export const { suppliers, accounts, meters, readings, bills, ledgerEntries } = defineUtilityTables(electricitySchema);
