import { anyOf, insertRows, newRowId, updateRows, type Transaction } from '@kabinet/db';
import { and, eq, isNull, lte, sql, type Placeholder } from 'drizzle-orm';
import type { UtilityTables } from './tables';

/*
 * The ledger ("personal card"): charges, payments from every channel, and adjustments. This
 * module is the only writer of ledger entries; a posted entry is never edited, a correction is
 * an entry of its own.
 */

/** Ledger entry kinds of the "personal card"; a payment returned to the payer's card is a PAYMENT_REVERSAL of it. */
export type LedgerKind = 'CHARGE' | 'PAYMENT' | 'PAYMENT_REVERSAL' | 'ADJUSTMENT';

/** Kinds that are money received (net): a bill's "paid" and the payments report count them. */
export const paymentKinds = ['PAYMENT', 'PAYMENT_REVERSAL'] as const;

/**
 * The signed amount a ledger entry adds to the balance, so that balance = sum of entries:
 * charges (and payments returned) raise the debt, payments lower it, adjustments keep the sign
 * they were given.
 */
export function signedLedgerAmount(kind: LedgerKind, amountMinor: number): number {
  if (!Number.isSafeInteger(amountMinor)) throw new RangeError(`not an amount in minor units: ${amountMinor}`);
  if (kind === 'ADJUSTMENT') return amountMinor;
  if (amountMinor < 0) throw new RangeError(`a ${kind.toLowerCase()} amount is positive: ${amountMinor}`);
  return kind === 'PAYMENT' ? -amountMinor : amountMinor;
}

/**
 * What the balance shown at `now` sums: the entries that happened by then, debt positive and
 * overpayment negative, in minor units (a numeric as text).
 */
export const balanceSum = (t: UtilityTables) => sql<string>`coalesce(sum(${t.ledgerEntries.amountMinor}), 0)`;
export const happenedBy = (t: UtilityTables, now: Date | Placeholder) => lte(t.ledgerEntries.occurredAt, now);

/** A payment received for one account, from any channel. */
export interface ReceivedPayment {
  paymentId: string;
  accountId: string;
  /** Positive, in the account's minor units. */
  amountMinor: number;
  currency: string;
  capturedAt: Date;
  description: string;
}

/** A payment that can never be posted (no such account, another currency): retrying cannot help. */
export class PaymentNotPostable extends Error {
  override name = 'PaymentNotPostable';
}

async function postOnce(tx: Transaction, t: UtilityTables, kind: 'PAYMENT' | 'PAYMENT_REVERSAL', payment: ReceivedPayment, occurredAt: Date, recordedAt: Date) {
  const [account] = await tx.select().from(t.accounts).where(eq(t.accounts.id, payment.accountId));
  if (!account) throw new PaymentNotPostable(`no account ${payment.accountId}`);
  if (account.currency !== payment.currency) {
    throw new PaymentNotPostable(`account ${account.accountNumber} is billed in ${account.currency}, not ${payment.currency}`);
  }
  await tx
    .insert(t.ledgerEntries)
    .values({
      id: newRowId(),
      accountId: account.id,
      kind,
      amountMinor: signedLedgerAmount(kind, payment.amountMinor),
      occurredAt,
      recordedAt,
      description: payment.description,
      paymentId: payment.paymentId,
    })
    .onConflictDoNothing();
}

/** Posts a payment once: idempotent by (payment, account), so a redelivery posts nothing twice. */
export function postPayment(tx: Transaction, t: UtilityTables, payment: ReceivedPayment, recordedAt: Date): Promise<void> {
  return postOnce(tx, t, 'PAYMENT', payment, payment.capturedAt, recordedAt);
}

/**
 * Payments received in bulk (seeds of many accounts), each posted once as `postPayment` posts it:
 * refused whole when one cannot be posted. Two statements whatever the count.
 */
export async function postPayments(tx: Transaction, t: UtilityTables, payments: ReceivedPayment[], recordedAt: Date): Promise<void> {
  if (!payments.length) return;
  const ids = [...new Set(payments.map((payment) => payment.accountId))];
  const accounts = new Map(
    (await tx.select({ id: t.accounts.id, accountNumber: t.accounts.accountNumber, currency: t.accounts.currency }).from(t.accounts).where(anyOf(t.accounts.id, ids))).map((account) => [account.id, account]),
  );
  for (const payment of payments) {
    const account = accounts.get(payment.accountId);
    if (!account) throw new PaymentNotPostable(`no account ${payment.accountId}`);
    if (account.currency !== payment.currency) throw new PaymentNotPostable(`account ${account.accountNumber} is billed in ${account.currency}, not ${payment.currency}`);
  }
  await insertRows(
    tx,
    t.ledgerEntries,
    payments.map((payment) => ({
      id: newRowId(),
      accountId: payment.accountId,
      kind: 'PAYMENT',
      amountMinor: signedLedgerAmount('PAYMENT', payment.amountMinor),
      occurredAt: payment.capturedAt,
      recordedAt,
      description: payment.description,
      paymentId: payment.paymentId,
    })),
    { onConflictDoNothing: true },
  );
}

/** An adjustment made at the supplier's office (a goodwill credit, a write-off), on no bill yet: the next bill shows it. */
export interface OfficeAdjustment {
  accountId: string;
  /** Signed, in minor units: negative lowers the debt. */
  amountMinor: number;
  occurredAt: Date;
  description: string;
}

export async function postAdjustment(tx: Transaction, t: UtilityTables, adjustment: OfficeAdjustment, recordedAt: Date): Promise<void> {
  await tx.insert(t.ledgerEntries).values({
    id: newRowId(),
    accountId: adjustment.accountId,
    kind: 'ADJUSTMENT',
    amountMinor: signedLedgerAmount('ADJUSTMENT', adjustment.amountMinor),
    occurredAt: adjustment.occurredAt,
    recordedAt,
    description: adjustment.description,
  });
}

/**
 * A payment returned to the payer (the provider reversed it): its reversing entry, once. The
 * payment itself is posted first if its own event has not arrived yet (events may overtake each
 * other), so the card always shows both.
 */
export async function postPaymentReversal(tx: Transaction, t: UtilityTables, payment: ReceivedPayment, reversedAt: Date, recordedAt: Date): Promise<void> {
  await postPayment(tx, t, payment, recordedAt);
  await postOnce(tx, t, 'PAYMENT_REVERSAL', payment, reversedAt, recordedAt);
}

/**
 * Payments and adjustments on no bill yet and recorded by `now`, of each of `accountIds`, locked
 * for the bills about to claim them. A posting whose transaction commits after this one stays
 * unclaimed and lands on the next bill.
 */
export function unclaimedEntries(tx: Transaction, t: UtilityTables, accountIds: readonly string[], now: Date) {
  return tx
    .select({ id: t.ledgerEntries.id, accountId: t.ledgerEntries.accountId, kind: t.ledgerEntries.kind, amountMinor: t.ledgerEntries.amountMinor })
    .from(t.ledgerEntries)
    .where(
      and(
        anyOf(t.ledgerEntries.accountId, accountIds),
        isNull(t.ledgerEntries.billId),
        isNull(t.ledgerEntries.statementBillId),
        lte(t.ledgerEntries.recordedAt, now),
      ),
    )
    .for('update');
}

/** Puts entries on bills' statements, each on one bill: it shows them, and no later bill does. */
export async function claimForStatements(tx: Transaction, t: UtilityTables, claims: { entryId: string; billId: string }[]): Promise<void> {
  await updateRows(tx, t.ledgerEntries, 'id', claims.map((claim) => ({ id: claim.entryId, statementBillId: claim.billId })));
}

/** A charge or an adjustment a bill makes: `amountMinor` as `signedLedgerAmount` takes it. */
export interface BillEntry {
  kind: 'CHARGE' | 'ADJUSTMENT';
  amountMinor: number;
  description: string;
}

/** The charges and corrections bills make, each dated when its bill is issued and belonging to it, in one statement. */
export async function postBillEntries(
  tx: Transaction,
  t: UtilityTables,
  bills: { bill: { id: string; accountId: string; issuedAt: Date }; entries: BillEntry[] }[],
  recordedAt: Date,
): Promise<void> {
  await insertRows(
    tx,
    t.ledgerEntries,
    bills.flatMap(({ bill, entries }) =>
      entries.map((entry) => ({
        id: newRowId(),
        accountId: bill.accountId,
        kind: entry.kind,
        amountMinor: signedLedgerAmount(entry.kind, entry.amountMinor),
        description: entry.description,
        occurredAt: bill.issuedAt,
        recordedAt,
        billId: bill.id,
      })),
    ),
  );
}
