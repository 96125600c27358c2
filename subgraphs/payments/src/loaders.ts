import type { Database } from '@kabinet/db';
import DataLoader from 'dataloader';
import { and, desc, eq, inArray, lt, or } from 'drizzle-orm';
import { paymentItems, payments } from './db/schema';

export type PaymentRow = typeof payments.$inferSelect;
export type PaymentItemRow = typeof paymentItems.$inferSelect;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Keyset pagination cursor: the position of the last payment seen, newest first. */
export function encodeCursor(payment: Pick<PaymentRow, 'createdAt' | 'id'>): string {
  return Buffer.from(`${payment.createdAt.toISOString()}|${payment.id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  return id && uuidPattern.test(id) && !Number.isNaN(createdAt.getTime()) ? { createdAt, id } : null;
}

export function createPaymentLoaders(db: Database) {
  return {
    paymentById: new DataLoader<string, PaymentRow | null>(async (ids) => {
      const valid = ids.filter((id) => uuidPattern.test(id));
      const rows = valid.length ? await db.select().from(payments).where(inArray(payments.id, valid)) : [];
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    itemsByPayment: new DataLoader<string, PaymentItemRow[]>(async (paymentIds) => {
      const rows = await db.select().from(paymentItems).where(inArray(paymentItems.paymentId, [...paymentIds]));
      const byPayment = new Map<string, PaymentItemRow[]>(paymentIds.map((id) => [id, []]));
      for (const row of rows) byPayment.get(row.paymentId)?.push(row);
      return paymentIds.map((id) => byPayment.get(id)!);
    }),
  };
}

/** One page of a payer's payments, newest first; one row more than asked tells if there is a next page. */
export async function paymentsPage(db: Database, payerUserId: string, first: number, after: { createdAt: Date; id: string } | null) {
  const rows = await db
    .select()
    .from(payments)
    .where(
      and(
        eq(payments.payerUserId, payerUserId),
        after
          ? or(lt(payments.createdAt, after.createdAt), and(eq(payments.createdAt, after.createdAt), lt(payments.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(desc(payments.createdAt), desc(payments.id))
    .limit(first + 1);
  return { rows: rows.slice(0, first), hasNextPage: rows.length > first };
}

export type PaymentLoaders = ReturnType<typeof createPaymentLoaders>;
