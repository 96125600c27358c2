import type { Translations } from '@kabinet/errors';
import type { WindowAnchor } from './reading-windows';
import { defineInboxTable, defineOutboxTable } from '@kabinet/events';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  integer,
  jsonb,
  numeric,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type PgSchema,
} from 'drizzle-orm/pg-core';

const id = () => uuid('id').primaryKey().default(sql`gen_random_uuid()`);

/** What a bill prints about its account and supplier, fixed when it is issued. */
export interface BillRecipient {
  supplierName: string;
  holderName: string;
  address: string;
  accountKind: 'RESIDENTIAL' | 'BUSINESS';
  contractNumber: string | null;
  /** Business accounts: the VAT rate applied; null for residential ones (their prices include VAT). */
  vatRateBasisPoints: number | null;
}
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
/** Meter values and consumption: exact, three decimals. */
const quantity = (name: string) => numeric(name, { precision: 14, scale: 3 });
const minorUnits = (name: string) => bigint(name, { mode: 'number' });

/**
 * The tables every utility subgraph has, created in that subgraph's own Postgres schema.
 * Money in integer minor units; meter values as exact numerics; a billing month (`period`)
 * as the date of its first day.
 */
export function defineUtilityTables(schema: PgSchema) {
  /** A supplier is a tenant: its own formats, proofs, reading window, VAT and time zone. */
  const suppliers = schema.table('suppliers', {
    id: uuid('id').primaryKey(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    currency: text('currency').notNull(),
    timeZone: text('time_zone').notNull(),
    accountNumberPattern: text('account_number_pattern').notNull(),
    /** Told to a user who typed a malformed number, in each language: "8 digits, e.g. 10234567". */
    accountNumberFormat: jsonb('account_number_format').$type<Translations>().notNull(),
    /** Which proofs of holding an account the supplier accepts (LinkProofKind). */
    linkProofs: text('link_proofs').array().notNull().default(sql`'{HOLDER_SURNAME}'`),
    readingWindowOpensDay: integer('reading_window_opens_day').notNull().default(0),
    readingWindowClosesDay: integer('reading_window_closes_day').notNull().default(4),
    /** What `reading_window_opens_day` counts from: the next month's 1st, or the billing month's own. */
    readingWindowOpensFrom: text('reading_window_opens_from').$type<WindowAnchor>().notNull().default('NEXT_MONTH_START'),
    /** VAT added to business accounts' bills, in basis points (2000 = 20 %). */
    vatRateBasisPoints: integer('vat_rate_basis_points').notNull().default(2000),
    /** Monthly consumption per zone above which an unusual reading must be confirmed. */
    unusualConsumptionFloor: quantity('unusual_consumption_floor').notNull().default('1000'),
    paymentTermDays: integer('payment_term_days').notNull().default(20),
  });

  const accounts = schema.table(
    'accounts',
    {
      id: uuid('id').primaryKey(),
      supplierId: uuid('supplier_id').notNull().references(() => suppliers.id),
      accountNumber: text('account_number').notNull(),
      address: text('address').notNull(),
      holderName: text('holder_name').notNull().default(''),
      holderSurname: text('holder_surname').notNull(),
      currency: text('currency').notNull(),
      /** RESIDENTIAL or BUSINESS (legal entities, non-residential premises: contract and VAT). */
      kind: text('kind').notNull().default('RESIDENTIAL'),
      contractNumber: text('contract_number'),
      /** The login (identity user id) holding the account; one login at most. */
      holderUserId: uuid('holder_user_id'),
      linkedAt: timestamp('linked_at', { withTimezone: true }),
    },
    (table) => [uniqueIndex().on(table.supplierId, table.accountNumber), index().on(table.holderUserId)],
  );

  const meters = schema.table(
    'meters',
    {
      id: uuid('id').primaryKey(),
      accountId: uuid('account_id').notNull().references(() => accounts.id),
      serialNumber: text('serial_number').notNull(),
      zones: text('zones').array().notNull(),
      /** Whole digits the counter shows: it rolls over after 10^digits − 1. */
      digits: integer('digits').notNull().default(6),
      installedOn: date('installed_on').notNull(),
      lastVerifiedOn: date('last_verified_on').notNull(),
      verificationIntervalYears: integer('verification_interval_years').notNull(),
      /** Set when the meter was replaced; its history stays. */
      removedOn: date('removed_on'),
    },
    (table) => [index().on(table.accountId)],
  );

  /**
   * Meter values closing a billing month (`period`), one per meter, zone and month: a
   * re-submission in the same window replaces the earlier one. A new meter's installation
   * value is stored as closing the month before it was installed.
   */
  const readings = schema.table(
    'readings',
    {
      id: id(),
      meterId: uuid('meter_id').notNull().references(() => meters.id),
      zone: text('zone').notNull(),
      period: date('period').notNull(),
      value: quantity('value').notNull(),
      readAt: timestamp('read_at', { withTimezone: true }).notNull(),
      /** PORTAL, PARTNER_APP, ANONYMOUS, OPERATOR or ESTIMATE. */
      source: text('source').notNull(),
      submittedByUserId: uuid('submitted_by_user_id'),
    },
    (table) => [uniqueIndex().on(table.meterId, table.zone, table.period), index().on(table.meterId, table.zone, table.readAt)],
  );

  const billingRuns = schema.table(
    'billing_runs',
    {
      id: id(),
      supplierId: uuid('supplier_id').notNull().references(() => suppliers.id),
      period: date('period').notNull(),
      startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
      finishedAt: timestamp('finished_at', { withTimezone: true }),
      startedByUserId: uuid('started_by_user_id'),
      billsIssued: integer('bills_issued').notNull().default(0),
      estimatedMeters: integer('estimated_meters').notNull().default(0),
      /** Accounts the run could not bill (logged); running the month again retries them. */
      accountsFailed: integer('accounts_failed').notNull().default(0),
      /** The supplier's accounts when the latest run of the month started (billing/progress.ts). */
      accountsTotal: integer('accounts_total').notNull().default(0),
      /** Of them, those billed before that run started or gone through by it since (billed, failed, nothing to bill). */
      accountsDone: integer('accounts_done').notNull().default(0),
    },
    (table) => [uniqueIndex().on(table.supplierId, table.period)],
  );

  /**
   * The one billing run a supplier has going (billing/lease.ts): claimed atomically, renewed with
   * each batch of accounts it bills, deleted when it ends; a crashed run's lease lapses at `expiresAt`.
   */
  const billingLeases = schema.table('billing_leases', {
    supplierId: uuid('supplier_id').primaryKey().references(() => suppliers.id),
    /** The month being billed. */
    period: date('period').notNull(),
    /** The run holding it: only that run renews or releases it. */
    holder: uuid('holder').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  });

  /**
   * A monthly bill: the account's statement since the previous one (the ledger entries it
   * claimed). amountDue = opening + charges + vat + corrections + adjustments − payments.
   */
  const bills = schema.table(
    'bills',
    {
      id: uuid('id').primaryKey(),
      accountId: uuid('account_id').notNull().references(() => accounts.id),
      runId: uuid('run_id').references(() => billingRuns.id),
      period: date('period').notNull(),
      currency: text('currency').notNull(),
      /** When the run computed it; entries recorded by then and on no earlier bill are on this one. */
      cutoffAt: timestamp('cutoff_at', { withTimezone: true }).notNull(),
      /** Who and what it was issued to, as printed: a later change of name, address or VAT rate leaves it as it was. */
      issuedTo: jsonb('issued_to').$type<BillRecipient>().notNull(),
      /** Bills appear the day after the billing run: at the start of `issuedOn` in the supplier's time zone. */
      issuedOn: date('issued_on').notNull(),
      issuedAt: timestamp('issued_at', { withTimezone: true }).notNull(),
      dueDate: date('due_date').notNull(),
      openingMinor: minorUnits('opening_minor').notNull(),
      chargesMinor: minorUnits('charges_minor').notNull(),
      vatMinor: minorUnits('vat_minor').notNull(),
      correctionsMinor: minorUnits('corrections_minor').notNull(),
      paymentsMinor: minorUnits('payments_minor').notNull(),
      adjustmentsMinor: minorUnits('adjustments_minor').notNull(),
      amountDueMinor: minorUnits('amount_due_minor').notNull(),
      receiptCode: text('receipt_code').notNull().unique(),
    },
    (table) => [uniqueIndex().on(table.accountId, table.period), index().on(table.issuedAt)],
  );

  /** What a bill charges, line by line, as printed. */
  const billLines = schema.table(
    'bill_lines',
    {
      id: id(),
      billId: uuid('bill_id').notNull().references(() => bills.id),
      position: integer('position').notNull(),
      /** CHARGE, VAT or CORRECTION. */
      kind: text('kind').notNull(),
      description: text('description').notNull(),
      zone: text('zone'),
      quantity: quantity('quantity'),
      /** The printed unit of `quantity` (kWh, Gcal, m³). */
      unit: text('unit'),
      unitPrice: numeric('unit_price', { precision: 14, scale: 6 }),
      amountMinor: minorUnits('amount_minor').notNull(),
      /** For corrections: the earlier month re-calculated. */
      correctedPeriod: date('corrected_period'),
    },
    (table) => [index().on(table.billId)],
  );

  /**
   * The consumption a bill charged, per meter and zone. Estimated rows are the ones the
   * next real reading corrects (then `correctedByBillId` is set, so never twice).
   */
  const billConsumption = schema.table(
    'bill_consumption',
    {
      id: id(),
      billId: uuid('bill_id').notNull().references(() => bills.id),
      meterId: uuid('meter_id').notNull().references(() => meters.id),
      zone: text('zone').notNull(),
      previousValue: quantity('previous_value').notNull(),
      currentValue: quantity('current_value').notNull(),
      consumption: quantity('consumption').notNull(),
      estimated: boolean('estimated').notNull(),
      /** The actual share a later real reading gave this estimated month. */
      correctedConsumption: quantity('corrected_consumption'),
      correctedByBillId: uuid('corrected_by_bill_id').references(() => bills.id),
    },
    (table) => [index().on(table.billId), index().on(table.meterId, table.zone)],
  );

  /** The "personal card": immutable charges (+), payments (−) and adjustments (±). */
  const ledgerEntries = schema.table(
    'ledger_entries',
    {
      id: uuid('id').primaryKey(),
      accountId: uuid('account_id').notNull().references(() => accounts.id),
      /** CHARGE, PAYMENT, PAYMENT_REVERSAL or ADJUSTMENT; the amount is signed so that balance = sum. */
      kind: text('kind').notNull(),
      amountMinor: minorUnits('amount_minor').notNull(),
      /** When it happened for the customer (a payment's time, a bill's issue). */
      occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
      /** When it reached the ledger: decides which bill shows it (late postings are not lost). */
      recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
      description: text('description').notNull(),
      /** Set for payment entries and their reversals: at most one of each per payment and account. */
      paymentId: uuid('payment_id'),
      /** Set for the entries a bill created (its charge and corrections). */
      billId: uuid('bill_id').references(() => bills.id),
      /**
       * The bill whose statement shows this entry (payments, adjustments): claimed by that bill,
       * so each entry is on exactly one bill, however late its transaction committed.
       */
      statementBillId: uuid('statement_bill_id').references(() => bills.id),
    },
    (table) => [
      // An account's balance is the sum of its entries up to now: with the amount in the index the
      // sum reads only the index, not a table page per entry, scattered as each month's entries
      // are (100 accounts with 5 years of payments: 1.7 ms instead of 11, measured).
      index('ledger_entries_balance_idx').on(table.accountId, table.occurredAt, table.amountMinor),
      uniqueIndex().on(table.paymentId, table.accountId, table.kind),
      index().on(table.accountId, table.recordedAt),
      // What a bill's statement claims: payments and adjustments no statement shows yet. Without
      // it a billing run reads every entry its accounts ever had to find the few unclaimed ones,
      // a cost that grew with each month billed (five years of entries: 5× slower, measured).
      index('ledger_entries_unclaimed_idx')
        .on(table.accountId, table.recordedAt)
        .where(sql`${table.billId} is null and ${table.statementBillId} is null`),
    ],
  );

  /** One-time codes an office issues to prove holding an account; only hashes are stored. */
  const linkCodes = schema.table(
    'link_codes',
    {
      id: id(),
      accountId: uuid('account_id').notNull().references(() => accounts.id),
      /** Codes are short (typed from paper), so unique only per account, which is how they are looked up. */
      codeHash: text('code_hash').notNull(),
      issuedByUserId: uuid('issued_by_user_id').notNull(),
      expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
      usedAt: timestamp('used_at', { withTimezone: true }),
      createdAt: createdAt(),
    },
    (table) => [index().on(table.accountId, table.codeHash)],
  );

  /** Failed link proofs, counted per account number (whatever the login) for the lockout; `userId` says who tried. */
  const linkFailures = schema.table(
    'link_failures',
    {
      id: id(),
      userId: uuid('user_id').notNull(),
      supplierId: uuid('supplier_id').notNull(),
      accountNumber: text('account_number').notNull(),
      failedAt: timestamp('failed_at', { withTimezone: true }).notNull(),
    },
    // By number (its lock, for every login) and by login (the login's lock, over all numbers).
    (table) => [index().on(table.supplierId, table.accountNumber, table.failedAt), index().on(table.userId, table.failedAt)],
  );

  /** Bills by email: PENDING until the address is confirmed, then ACTIVE (or CANCELLED); one per account. */
  const eReceiptSubscriptions = schema.table(
    'e_receipt_subscriptions',
    {
      id: id(),
      accountId: uuid('account_id').notNull().references(() => accounts.id),
      userId: uuid('user_id').notNull(),
      email: text('email').notNull(),
      status: text('status').notNull(),
      confirmationTokenHash: text('confirmation_token_hash').unique(),
      confirmationExpiresAt: timestamp('confirmation_expires_at', { withTimezone: true }),
      createdAt: createdAt(),
      activatedAt: timestamp('activated_at', { withTimezone: true }),
    },
    (table) => [uniqueIndex().on(table.accountId)],
  );

  /** Each bill mailed once per subscription: the unique row is claimed before sending. */
  const eReceiptDeliveries = schema.table(
    'e_receipt_deliveries',
    {
      id: id(),
      subscriptionId: uuid('subscription_id').notNull().references(() => eReceiptSubscriptions.id),
      billId: uuid('bill_id').notNull().references(() => bills.id),
      email: text('email').notNull(),
      status: text('status').notNull(),
      attempts: integer('attempts').notNull().default(0),
      lastError: text('last_error'),
      sentAt: timestamp('sent_at', { withTimezone: true }),
      createdAt: createdAt(),
    },
    (table) => [uniqueIndex().on(table.subscriptionId, table.billId)],
  );

  /** Questions, complaints and callback requests about an account, answered by the supplier. */
  const appeals = schema.table(
    'appeals',
    {
      id: id(),
      accountId: uuid('account_id').notNull().references(() => accounts.id),
      supplierId: uuid('supplier_id').notNull().references(() => suppliers.id),
      createdByUserId: uuid('created_by_user_id').notNull(),
      /** QUESTION, COMPLAINT or CALLBACK. */
      kind: text('kind').notNull(),
      subject: text('subject').notNull(),
      /** OPEN (waiting for the supplier), ANSWERED or CLOSED. */
      status: text('status').notNull(),
      phone: text('phone'),
      preferredCallbackTime: text('preferred_callback_time'),
      createdAt: createdAt(),
      updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (table) => [index().on(table.accountId), index().on(table.supplierId, table.status, table.updatedAt)],
  );

  const appealMessages = schema.table(
    'appeal_messages',
    {
      id: id(),
      appealId: uuid('appeal_id').notNull().references(() => appeals.id),
      /** HOLDER or OPERATOR. */
      authorRole: text('author_role').notNull(),
      authorUserId: uuid('author_user_id').notNull(),
      body: text('body').notNull(),
      createdAt: createdAt(),
    },
    (table) => [index().on(table.appealId, table.createdAt)],
  );

  /** Events from other subgraphs applied here, each once. */
  const inbox = defineInboxTable(schema);
  /** Events for other subgraphs (payments: checkout items confirmed), written in the transaction that decides them. */
  const outbox = defineOutboxTable(schema);

  /**
   * Logins identity has deactivated (told by its event): their access tokens live on for a few
   * minutes, and must not link an account again in that time.
   */
  const deactivatedLogins = schema.table('deactivated_logins', {
    userId: uuid('user_id').primaryKey(),
    deactivatedAt: timestamp('deactivated_at', { withTimezone: true }).notNull(),
  });

  /**
   * Every time a login let go of an account (unlinked, or the login deactivated): a payment that
   * login made for it and captured after this is not posted (see `releasedFromPayer`).
   */
  const accountReleases = schema.table(
    'account_releases',
    {
      id: id(),
      accountId: uuid('account_id').notNull().references(() => accounts.id),
      holderUserId: uuid('holder_user_id').notNull(),
      releasedAt: timestamp('released_at', { withTimezone: true }).notNull(),
    },
    (table) => [index().on(table.accountId, table.holderUserId, table.releasedAt)],
  );

  return {
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
  };
}

export type UtilityTables = ReturnType<typeof defineUtilityTables>;

// Rows as the domain reads them, beside the tables they come from.
export type SupplierRow = UtilityTables['suppliers']['$inferSelect'];
export type AccountRow = UtilityTables['accounts']['$inferSelect'];
export type MeterRow = UtilityTables['meters']['$inferSelect'];
export type ReadingRow = UtilityTables['readings']['$inferSelect'];
export type BillRow = UtilityTables['bills']['$inferSelect'];
export type BillLineRow = UtilityTables['billLines']['$inferSelect'];
export type BillConsumptionRow = UtilityTables['billConsumption']['$inferSelect'];
export type LedgerEntryRow = UtilityTables['ledgerEntries']['$inferSelect'];
export type EReceiptSubscriptionRow = UtilityTables['eReceiptSubscriptions']['$inferSelect'];
export type AppealRow = UtilityTables['appeals']['$inferSelect'];
export type AppealMessageRow = UtilityTables['appealMessages']['$inferSelect'];
