import { defineUtilityTables } from '@kabinet/utility-core';
import { sql } from 'drizzle-orm';
import { date, integer, numeric, pgSchema, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const heatSchema = pgSchema('heat');

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
} = defineUtilityTables(heatSchema);

/**
 * A heat supplier's prices from a date on: heat per Gcal and hot water per m³; the norms that
 * stand in for a meter (Gcal per m² of heated area a month, m³ of hot water per person a month);
 * and the monthly subscription fee of an individual contract.
 */
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
    heatingNormGcalPerM2: numeric('heating_norm_gcal_per_m2', { precision: 10, scale: 5 }).notNull().default('0'),
    hotWaterNormM3PerPerson: numeric('hot_water_norm_m3_per_person', { precision: 10, scale: 3 }).notNull().default('0'),
    subscriptionFee: numeric('subscription_fee', { precision: 12, scale: 2 }).notNull().default('0'),
  },
  (table) => [uniqueIndex().on(table.supplierId, table.accountKind, table.validFrom)],
);

/**
 * A building whose heat is metered as a whole: its meter's monthly readings are apportioned
 * among the premises without their own heat meter, by heated area, after what individually
 * metered premises used; a share of it heats the common areas and is split among all premises.
 */
export const buildings = heatSchema.table('buildings', {
  id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
  supplierId: uuid('supplier_id')
    .notNull()
    .references(() => suppliers.id),
  address: text('address').notNull(),
  meterSerialNumber: text('meter_serial_number').notNull(),
  /** The building meter's value when it was installed: its first month's consumption counts from here. */
  meterStartValue: numeric('meter_start_value', { precision: 14, scale: 3 }).notNull(),
  /** Of the building's consumption, the share that heats stairs, halls and basements, in basis points. */
  commonAreaShareBasisPoints: integer('common_area_share_basis_points').notNull().default(0),
});

/** The building meter's value closing a month (Gcal), entered by the supplier's operator. */
export const buildingReadings = heatSchema.table(
  'building_readings',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    buildingId: uuid('building_id')
      .notNull()
      .references(() => buildings.id),
    period: date('period').notNull(),
    value: numeric('value', { precision: 14, scale: 3 }).notNull(),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    recordedByUserId: uuid('recorded_by_user_id'),
  },
  (table) => [uniqueIndex().on(table.buildingId, table.period)],
);

/** How a heat account's heating and hot water are charged. */
export type HeatingMethod = 'METER' | 'BUILDING' | 'NORM' | 'NONE';
export type HotWaterMethod = 'METER' | 'NORM' | 'NONE';

/** The premises a heat account serves: its heated area, who lives there, and how it is charged. */
export const premises = heatSchema.table('premises', {
  accountId: uuid('account_id')
    .primaryKey()
    .references(() => accounts.id),
  heatedAreaM2: numeric('heated_area_m2', { precision: 10, scale: 2 }).notNull(),
  /** Registered occupants: the hot-water norm is per person. */
  occupants: integer('occupants').notNull().default(1),
  heating: text('heating').$type<HeatingMethod>().notNull(),
  hotWater: text('hot_water').$type<HotWaterMethod>().notNull(),
  /** The building whose meter apportions heating (BUILDING), or whose common areas it shares. */
  buildingId: uuid('building_id').references(() => buildings.id),
});

/** A heating season of one supplier, opened and closed by its operator on the city's decision. */
export const heatingSeasons = heatSchema.table(
  'heating_seasons',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    supplierId: uuid('supplier_id')
      .notNull()
      .references(() => suppliers.id),
    startsOn: date('starts_on').notNull(),
    /** The last day of service; null while the season is open. */
    endsOn: date('ends_on'),
    openedByUserId: uuid('opened_by_user_id'),
    closedByUserId: uuid('closed_by_user_id'),
  },
  (table) => [uniqueIndex().on(table.supplierId, table.startsOn)],
);

/**
 * The metered Gcal an apportioned premises' share of a month was worked out with (what its metered
 * neighbours' bills counted): written by the bill that charged the month, and again by each bill
 * that corrected it once a neighbour's estimate was corrected. The figure of the month's latest bill
 * is what the month stands billed at, so no later bill corrects it again for the same change.
 */
export const billedBuildingShares = heatSchema.table(
  'billed_building_shares',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    billId: uuid('bill_id')
      .notNull()
      .references(() => bills.id),
    /** The month the share is for: the bill's own, or one it corrected. */
    period: date('period').notNull(),
    meteredGcal: numeric('metered_gcal', { precision: 14, scale: 3 }).notNull(),
  },
  (table) => [uniqueIndex().on(table.billId, table.period)],
);
