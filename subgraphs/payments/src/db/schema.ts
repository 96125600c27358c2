import type { CheckoutStatus } from '../checkout/status';
import { defineInboxTable, defineOutboxTable } from '@kabinet/events';
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgSchema, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const paymentsSchema = pgSchema('payments');

/** An item's answer from its utility. */
export type ItemState = 'ASKED' | 'PAYABLE' | 'REFUSED';

/** One checkout: one payment by card, for one or several accounts of any utilities and suppliers. */
export const payments = paymentsSchema.table(
  'payments',
  {
    id: uuid('id').primaryKey(),
    payerUserId: uuid('payer_user_id').notNull(),
    status: text('status').$type<CheckoutStatus>().notNull(),
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    /** Known once the utilities have said which currency each account is billed in. */
    currency: text('currency'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    provider: text('provider').notNull().default('LIQPAY'),
    /** The client's key for retrying the same checkout safely (Stripe's model), and what it asked for. */
    idempotencyKey: text('idempotency_key'),
    requestHash: text('request_hash'),
    returnUrl: text('return_url'),
    /** The provider's page the payer is sent to; set once every item is confirmed. */
    paymentUrl: text('payment_url'),
    /** When the provider's page stops taking the payment (sent to it, e.g. LiqPay's `expired_date`). */
    pageExpiresAt: timestamp('page_expires_at', { withTimezone: true }),
    /** The provider's last word on it (`success`, `failure`, `processing`, ...). */
    providerStatus: text('provider_status'),
    /** Why a checkout was refused: the code told to the client. */
    refusal: text('refusal'),
    /** The payer's language when the checkout was made: the provider's page and the receipt speak it. */
    locale: text('locale').notNull().default('uk'),
    /** When the reconciliation job last asked the provider about it. */
    checkedAt: timestamp('checked_at', { withTimezone: true }),
    /** Where the receipt is mailed: the login's confirmed address when the checkout was made. */
    payerEmail: text('payer_email'),
    /** When the receipt went out; null while it is due (a job sends it, retrying until it goes). */
    receiptMailedAt: timestamp('receipt_mailed_at', { withTimezone: true }),
    capturedAt: timestamp('captured_at', { withTimezone: true }),
    reversedAt: timestamp('reversed_at', { withTimezone: true }),
    /** The provider's id of the transaction that paid it. */
    providerPaymentId: text('provider_payment_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (table) => [
    index().on(table.payerUserId, table.createdAt, table.id),
    uniqueIndex().on(table.payerUserId, table.idempotencyKey),
    index('payments_pending_idx').on(table.updatedAt).where(sql`status in ('AWAITING_CONFIRMATION', 'PENDING')`),
    // Reconciliation's queue: the never-asked first, then the longest unasked.
    index('payments_reconcile_idx').on(table.checkedAt.asc().nullsFirst(), table.updatedAt).where(sql`status in ('PENDING', 'CANCELLED')`),
    index('payments_receipt_due_idx').on(table.capturedAt).where(sql`status = 'CAPTURED' and receipt_mailed_at is null and payer_email is not null`),
  ],
);

/** The part of a checkout that pays one account; its utility fills in the supplier once it confirms. */
export const paymentItems = paymentsSchema.table(
  'payment_items',
  {
    id: uuid('id').primaryKey(),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    /** Its place in the checkout as the client listed the items. */
    position: integer('position').notNull().default(0),
    utility: text('utility').notNull(),
    accountId: uuid('account_id').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    /** ASKED of its utility, then PAYABLE or REFUSED. */
    state: text('state').$type<ItemState>().notNull().default('PAYABLE'),
    /** Why its utility refused it (ACCOUNT_NOT_HELD). */
    refusal: text('refusal'),
    supplierCode: text('supplier_code'),
    supplierName: text('supplier_name'),
    /** The supplier's time zone (IANA), as its utility said: the receipt's times are in it. */
    supplierTimeZone: text('supplier_time_zone'),
    accountNumber: text('account_number'),
    currency: text('currency'),
    /** The account already had a pending or captured payment since its latest bill: the client is warned. */
    alreadyPaid: boolean('already_paid').notNull().default(false),
    /**
     * Paid by bank transfer: the code its transfer's purpose carries (`KB…`), by which the
     * supplier's bank registry tells that this item was paid; null for other providers.
     */
    transferReference: text('transfer_reference'),
    /** The supplier's bank account the payer was given for it, as it was then (`bank_accounts`). */
    transferRecipient: text('transfer_recipient'),
    transferRecipientCode: text('transfer_recipient_code'),
    transferIban: text('transfer_iban'),
    /** What the supplier's bank registries reported received for it (bank transfers only). */
    receivedMinor: bigint('received_minor', { mode: 'number' }).notNull().default(0),
  },
  (table) => [index().on(table.paymentId), index().on(table.accountId), uniqueIndex().on(table.transferReference)],
);

/** Suppliers' LiqPay merchants: one card debit is split among them (`split_rules`). */
export const merchants = paymentsSchema.table(
  'merchants',
  {
    utility: text('utility').notNull(),
    supplierCode: text('supplier_code').notNull(),
    publicKey: text('public_key').notNull(),
  },
  (table) => [primaryKey({ columns: [table.utility, table.supplierCode] })],
);

/**
 * Suppliers' bank accounts for payments by bank transfer: where a household's banking app sends
 * each item's money, as the supplier prints it on its bills (the recipient, its ЄДРПОУ code, IBAN).
 */
export const bankAccounts = paymentsSchema.table(
  'bank_accounts',
  {
    utility: text('utility').notNull(),
    supplierCode: text('supplier_code').notNull(),
    /** The recipient as the bank knows it (the supplier's legal name). */
    recipient: text('recipient').notNull(),
    /** The recipient's ЄДРПОУ code (8 digits). */
    recipientCode: text('recipient_code').notNull(),
    iban: text('iban').notNull(),
  },
  (table) => [primaryKey({ columns: [table.utility, table.supplierCode] })],
);

/**
 * Bank registry rows that settled a transfer's item, once each: the utility tells of a row again
 * whenever its file is uploaded again, and only the first telling counts.
 */
export const transfersReceived = paymentsSchema.table(
  'transfers_received',
  {
    utility: text('utility').notNull(),
    /** The row's payment in the utility's ledger. */
    ledgerPaymentId: uuid('ledger_payment_id').notNull(),
    itemId: uuid('item_id')
      .notNull()
      .references(() => paymentItems.id),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    paidOn: text('paid_on').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.utility, table.ledgerPaymentId] }), index().on(table.itemId)],
);

/** Every piece of provider news applied, once per (checkout, provider event id): a replay or a re-worded repeat finds its row and changes nothing. */
export const providerCallbacks = paymentsSchema.table(
  'provider_callbacks',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    paymentId: uuid('payment_id')
      .notNull()
      .references(() => payments.id),
    providerStatus: text('provider_status').notNull(),
    /** The provider's identity of the news (`ProviderNotice.eventId`): what "seen before" is decided on. */
    eventId: text('event_id').notNull(),
    /** A hash of the exact message, for audit. */
    dataHash: text('data_hash').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex().on(table.paymentId, table.eventId)],
);

/**
 * Genuine provider news (its signature holds) that matches no checkout of ours: an order we never
 * gave the provider, or another amount or currency than the checkout's. It changes nothing and is
 * acknowledged, so the provider stops repeating it; kept here, once per exact message, for an
 * operator to look into (a misrouted callback, another shop on the same merchant, a leaked key).
 */
export const unmatchedNotices = paymentsSchema.table(
  'unmatched_notices',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    provider: text('provider').notNull(),
    /** As the provider said it: not necessarily one of our checkouts' ids. */
    orderId: text('order_id').notNull(),
    /** `unknown-order` or `mismatch`. */
    reason: text('reason').$type<'unknown-order' | 'mismatch'>().notNull(),
    /** `callback`, or `answer` (to our own status or refund request). */
    source: text('source').notNull(),
    providerStatus: text('provider_status').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    transactionId: text('transaction_id'),
    eventId: text('event_id').notNull(),
    signedAt: timestamp('signed_at', { withTimezone: true }),
    /** A hash of the exact message: a repeat of it is kept once. */
    dataHash: text('data_hash').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  },
  (table) => [uniqueIndex().on(table.provider, table.dataHash), index().on(table.orderId)],
);

/** Events for the utilities (checkouts to confirm, payments to post), written with the change that causes them. */
export const outbox = defineOutboxTable(paymentsSchema);
/** Ids of the utilities' events applied here. */
export const inbox = defineInboxTable(paymentsSchema);
