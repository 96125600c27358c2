import { defineUtilityTables } from '@kabinet/utility-core';
import { sql } from 'drizzle-orm';
import { date, numeric, pgSchema, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const heatSchema = pgSchema('heat');

export const {
  inbox,
  deactivatedLogins,
  suppliers,
  accounts,
  meters,
  readings,
  billingRuns,
  billingLeases,
  bills,
  billLines,
  billConsumption,
  ledgerEntries,
  linkCodes,
  linkFailures,
  eReceiptSubscriptions,
  eReceiptDeliveries,
  appeals,
  appealMessages,
} = defineUtilityTables(heatSchema);

/** Metered prices of a heat supplier from a date on: heat per Gcal, hot water per m³. */
export const tariffs = heatSchema.table(
  'tariffs',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    accountKind: text('account_kind').notNull(),
    validFrom: date('valid_from').notNull(),
    heatPerGcal: numeric('heat_per_gcal', { precision: 12, scale: 4 }).notNull(),
    hotWaterPerM3: numeric('hot_water_per_m3', { precision: 12, scale: 4 }).notNull(),
  },
  (table) => [uniqueIndex().on(table.supplierId, table.accountKind, table.validFrom)],
);
