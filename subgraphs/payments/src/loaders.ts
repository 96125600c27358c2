import { afterPosition, byKey, groupBy, preparedPer, validIds, type Database, type Position } from '@kabinet/db';
import DataLoader from 'dataloader';
import { and, asc, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { paymentItems, payments } from './db/schema';

type PaymentRow = typeof payments.$inferSelect;
type PaymentItemRow = typeof paymentItems.$inferSelect;

export function createPaymentLoaders(db: Database) {
  return {
    paymentById: new DataLoader<string, PaymentRow | null>(async (ids) => {
      const valid = validIds(ids);
      const rows = valid.length ? await db.select().from(payments).where(inArray(payments.id, valid)) : [];
      return byKey(ids, rows, (row) => row.id);
    }),
    itemsByPayment: new DataLoader<string, PaymentItemRow[]>(async (paymentIds) => {
      const rows = await db.select().from(paymentItems).where(inArray(paymentItems.paymentId, [...paymentIds])).orderBy(asc(paymentItems.position));
      return groupBy(paymentIds, rows, (row) => row.paymentId);
    }),
  };
}

/**
 * A payer's payments: every checkout but a refused one. The utilities refused it before any
 * provider saw it (an account not held, currencies mixed), the payer was told so at once, and
 * nothing was or can be paid: listed, it would push their payments off the Dashboard.
 * `checkout(id)` still answers it.
 */
const listedOf = (payer: string | ReturnType<typeof sql.placeholder>) => and(eq(payments.payerUserId, payer), ne(payments.status, 'REFUSED'));

// The first page is what every Dashboard asks for: its statement is built once per database.
const firstPageStatement = preparedPer((db) =>
  db
    .select()
    .from(payments)
    .where(listedOf(sql.placeholder('payer')))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(sql.placeholder('limit'))
    .prepare('payments_first_page'),
);

/** One page of a payer's payments, newest first, with one row more than asked (is there a next page?). */
export function paymentsPage(db: Database, payerUserId: string, first: number, after: Position | null) {
  if (!after) return firstPageStatement(db).execute({ payer: payerUserId, limit: first + 1 });
  return db
    .select()
    .from(payments)
    .where(and(listedOf(payerUserId), afterPosition(payments.createdAt, payments.id, after)))
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(first + 1);
}

export type PaymentLoaders = ReturnType<typeof createPaymentLoaders>;
