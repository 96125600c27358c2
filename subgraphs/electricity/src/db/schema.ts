import { defineUtilityTables } from '@kabinet/utility-core';
import { sql } from 'drizzle-orm';
import { date, jsonb, pgSchema, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { TariffTier, ZoneCoefficients } from '../tariffs/pricing';

export const electricitySchema = pgSchema('electricity');

export const {
  inbox,
  outbox,
  deactivatedLogins,
  accountReleases,
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
} = defineUtilityTables(electricitySchema);

/** A supplier's kWh prices for one kind of account from a date on; history is kept, never edited. */
export const tariffs = electricitySchema.table(
  'tariffs',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    /** RESIDENTIAL (prices include VAT) or BUSINESS (VAT added on the bill). */
    accountKind: text('account_kind').notNull(),
    validFrom: date('valid_from').notNull(),
    tiers: jsonb('tiers').$type<TariffTier[]>().notNull(),
    zoneCoefficients: jsonb('zone_coefficients').$type<ZoneCoefficients>(),
  },
  (table) => [uniqueIndex().on(table.supplierId, table.accountKind, table.validFrom)],
);
