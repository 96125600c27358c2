import type { Database } from '@kabinet/db';
import { daysAgo, demoBankAccounts, demoMerchants, demoPayments, stableId } from '@kabinet/demo';
import { bankAccounts, merchants, paymentItems, payments } from './db/schema';

/**
 * The demo suppliers' merchants and bank accounts, and the demo users' captured payments; the utility seeds hold
 * the same payments in their ledgers.
 */
export async function seedPaymentsDemo(db: Database): Promise<void> {
  const now = new Date();
  await db.transaction(async (tx) => {
    await tx.insert(merchants).values(demoMerchants).onConflictDoNothing();
    await tx.insert(bankAccounts).values(demoBankAccounts).onConflictDoNothing();
    for (const payment of demoPayments) {
      const createdAt = daysAgo(payment.daysAgo, now);
      await tx
        .insert(payments)
        .values({
          id: payment.id,
          payerUserId: payment.payerId,
          status: 'CAPTURED',
          totalMinor: payment.items.reduce((sum, item) => sum + item.amountMinor, 0),
          currency: 'UAH',
          createdAt,
          capturedAt: createdAt,
          updatedAt: createdAt,
        })
        .onConflictDoNothing();
      await tx
        .insert(paymentItems)
        .values(
          payment.items.map((item, position) => ({
            id: stableId(`${payment.id}:${item.accountNumber}`),
            paymentId: payment.id,
            position,
            utility: item.utility,
            // The same derivation as the utility seed's account ids.
            accountId: stableId(`${item.utility}:${item.supplierCode}:${item.accountNumber}`),
            amountMinor: item.amountMinor,
            state: 'PAYABLE' as const,
            supplierCode: item.supplierCode,
            supplierName: item.supplierName,
            accountNumber: item.accountNumber,
            currency: 'UAH',
          })),
        )
        .onConflictDoNothing();
    }
  });
}
