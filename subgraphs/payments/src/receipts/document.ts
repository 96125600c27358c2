import type { Database } from '@kabinet/db';
import { asc, eq, inArray, max } from 'drizzle-orm';
import { paymentItems, payments, transfersReceived } from '../db/schema';
import { defaultReceiptTimeZone, type ReceiptDocument } from './pdf';

/** A checkout's receipt, once it was paid (captured, or captured and then returned); else null. */
export async function loadReceipt(db: Database, checkoutId: string): Promise<ReceiptDocument | null> {
  const [checkout] = await db.select().from(payments).where(eq(payments.id, checkoutId));
  if (!checkout?.capturedAt || !checkout.currency || (checkout.status !== 'CAPTURED' && checkout.status !== 'REVERSED')) return null;
  const items = await db.select().from(paymentItems).where(eq(paymentItems.paymentId, checkoutId)).orderBy(asc(paymentItems.position));
  // Settled by bank registries (bank transfers): the day of the last transfer, as the bank dated it.
  const [transfers] = await db
    .select({ paidOn: max(transfersReceived.paidOn) })
    .from(transfersReceived)
    .where(inArray(transfersReceived.itemId, items.map((item) => item.id)));
  return {
    checkoutId: checkout.id,
    status: checkout.status,
    capturedAt: checkout.capturedAt,
    paidOn: transfers?.paidOn ?? null,
    reversedAt: checkout.status === 'REVERSED' ? checkout.reversedAt : null,
    provider: checkout.provider,
    providerTransactionId: checkout.providerPaymentId,
    payerEmail: checkout.payerEmail,
    currency: checkout.currency,
    totalMinor: checkout.totalMinor,
    // One currency means one country's suppliers: the first item's zone is the payer's clock.
    timeZone: items.find((item) => item.supplierTimeZone)?.supplierTimeZone ?? defaultReceiptTimeZone,
    items: items.map((item) => ({
      utility: item.utility as 'electricity' | 'heat',
      supplierName: item.supplierName ?? item.supplierCode ?? '',
      accountNumber: item.accountNumber ?? item.accountId,
      amountMinor: item.amountMinor,
    })),
  };
}
