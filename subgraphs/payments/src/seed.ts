import type { Database } from '@kabinet/db';
import { daysAgo, demoPayments, stableId } from '@kabinet/demo';
import { paymentItems, payments } from './db/schema';

/** The demo users' captured payments; the utility seeds hold the same payments in their ledgers. */
export async function seedPaymentsDemo(db: Database): Promise<void> {
  const now = new Date();
  await db.transaction(async (tx) => {
    for (const payment of demoPayments) {
      await tx
        .insert(payments)
        .values({
          id: payment.id,
          payerUserId: payment.payerId,
          status: 'CAPTURED',
          totalMinor: payment.items.reduce((sum, item) => sum + item.amountMinor, 0),
          currency: 'UAH',
          createdAt: daysAgo(payment.daysAgo, now),
        })
        .onConflictDoNothing();
      await tx
        .insert(paymentItems)
        .values(
          payment.items.map((item) => ({
            id: stableId(`${payment.id}:${item.accountNumber}`),
            paymentId: payment.id,
            utility: item.utility,
            // The same derivation as the utility seed's account ids.
            accountId: stableId(`${item.utility}:${item.supplierCode}:${item.accountNumber}`),
            amountMinor: item.amountMinor,
          })),
        )
        .onConflictDoNothing();
    }
  });
}
