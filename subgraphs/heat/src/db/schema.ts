import { defineUtilityTables } from '@kabinet/utility-core';
import { pgSchema } from 'drizzle-orm/pg-core';

export const heatSchema = pgSchema('heat');

export const { suppliers, accounts, meters, readings, bills, ledgerEntries } = defineUtilityTables(heatSchema);
