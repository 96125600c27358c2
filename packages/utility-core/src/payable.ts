import type { Transaction } from '@kabinet/db';
import { and, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { UtilityTables } from './tables';

/**
 * Payments asks, before a checkout goes to a provider, whether its login holds each account and
 * what the supplier is. The answer is the utility's own, decided in its transaction over its own
 * rows: an account unlinked a moment before is refused, however stale anything elsewhere is.
 */
export interface PayableQuestion {
  checkoutId: string;
  payerUserId: string;
  items: { itemId: string; accountId: string }[];
}

export type PayableItem =
  | {
      itemId: string;
      accountId: string;
      payable: true;
      supplierCode: string;
      supplierName: string;
      /** The supplier's time zone (IANA): its customers' clock, which the receipt prints times in. */
      supplierTimeZone: string;
      accountNumber: string;
      currency: string;
      /** The balance when in debt, else 0. */
      amountDueMinor: number;
      /** When the latest bill was issued (a payment after it pays that bill), or null. */
      currentBillIssuedAt: string | null;
      /** A payment reached the ledger since that bill (by any channel): paying now may pay twice. */
      paidSinceBill: boolean;
    }
  | { itemId: string; accountId: string; payable: false; reason: 'NOT_HELD' };

export interface PayableAnswer {
  checkoutId: string;
  items: PayableItem[];
}

export async function answerPayable(tx: Transaction, t: UtilityTables, question: PayableQuestion, now: Date): Promise<PayableAnswer> {
  const ids = [...new Set(question.items.map((item) => item.accountId))];
  const accounts = await tx
    .select({ account: t.accounts, supplier: t.suppliers })
    .from(t.accounts)
    .innerJoin(t.suppliers, eq(t.suppliers.id, t.accounts.supplierId))
    .where(inArray(t.accounts.id, ids))
    // Read under the row lock unlinking takes: the answer is as of this transaction, not a moment before.
    .for('share');
  const balances = await tx
    .select({ accountId: t.ledgerEntries.accountId, total: sql<string>`coalesce(sum(${t.ledgerEntries.amountMinor}), 0)` })
    .from(t.ledgerEntries)
    .where(and(inArray(t.ledgerEntries.accountId, ids), lte(t.ledgerEntries.occurredAt, now)))
    .groupBy(t.ledgerEntries.accountId);
  const bills = await tx
    .selectDistinctOn([t.bills.accountId], { accountId: t.bills.accountId, issuedAt: t.bills.issuedAt })
    .from(t.bills)
    .where(and(inArray(t.bills.accountId, ids), lte(t.bills.issuedAt, now)))
    .orderBy(t.bills.accountId, desc(t.bills.issuedAt));
  const lastPayments = await tx
    .select({ accountId: t.ledgerEntries.accountId, at: sql<Date>`max(${t.ledgerEntries.occurredAt})`.mapWith(t.ledgerEntries.occurredAt) })
    .from(t.ledgerEntries)
    .where(and(inArray(t.ledgerEntries.accountId, ids), eq(t.ledgerEntries.kind, 'PAYMENT'), lte(t.ledgerEntries.occurredAt, now)))
    .groupBy(t.ledgerEntries.accountId);

  return {
    checkoutId: question.checkoutId,
    items: question.items.map(({ itemId, accountId }): PayableItem => {
      const found = accounts.find((row) => row.account.id === accountId);
      if (!found || found.account.holderUserId !== question.payerUserId) return { itemId, accountId, payable: false, reason: 'NOT_HELD' };
      const balance = Number(balances.find((row) => row.accountId === accountId)?.total ?? 0);
      const billIssuedAt = bills.find((row) => row.accountId === accountId)?.issuedAt ?? null;
      const lastPaidAt = lastPayments.find((row) => row.accountId === accountId)?.at ?? null;
      return {
        itemId,
        accountId,
        payable: true,
        supplierCode: found.supplier.code,
        supplierName: found.supplier.name,
        supplierTimeZone: found.supplier.timeZone,
        accountNumber: found.account.accountNumber,
        currency: found.account.currency,
        amountDueMinor: Math.max(balance, 0),
        currentBillIssuedAt: billIssuedAt?.toISOString() ?? null,
        paidSinceBill: lastPaidAt !== null && (billIssuedAt === null || lastPaidAt > billIssuedAt),
      };
    }),
  };
}
