import { randomUUID } from 'node:crypto';
import type { Database } from '@kabinet/db';
import { postBillEntries, postPayments } from '../ledger';
import type { UtilityTables } from '../tables';

/**
 * A login holding `count` accounts of a utility's first supplier, each with a meter, two
 * readings, an issued bill (January 2026) and its ledger: what the Dashboard reads, for
 * tests and benchmarks that compare 1 account with 20.
 */
export async function seedHolderAccounts(
  db: Database,
  t: UtilityTables,
  options: { count: number; userId?: string; chargedMinor?: number; paidMinor?: number },
): Promise<string> {
  const userId = options.userId ?? randomUUID();
  const chargedMinor = options.chargedMinor ?? 10_000;
  const paidMinor = options.paidMinor ?? 4_000;
  const [supplier] = await db.select().from(t.suppliers).limit(1);
  if (!supplier) throw new Error('seed the demo suppliers first');
  const accounts = Array.from({ length: options.count }, (_, index) => ({
    id: randomUUID(),
    supplierId: supplier.id,
    accountNumber: `T-${userId.slice(0, 8)}-${index}`,
    address: `Test street ${index}`,
    holderSurname: 'Тестенко',
    currency: supplier.currency,
    holderUserId: userId,
  }));
  const meters = accounts.map((account) => ({
    id: randomUUID(),
    accountId: account.id,
    serialNumber: `SN-${account.accountNumber}`,
    zones: ['SINGLE'],
    installedOn: '2020-01-01',
    lastVerifiedOn: '2020-01-01',
    verificationIntervalYears: 8,
  }));
  await db.insert(t.accounts).values(accounts);
  await db.insert(t.meters).values(meters);
  await db.insert(t.readings).values(
    meters.flatMap((meter) => [
      { meterId: meter.id, zone: 'SINGLE', period: '2025-12-01', value: '100.000', readAt: new Date('2026-01-03T09:00:00Z'), source: 'PORTAL' },
      { meterId: meter.id, zone: 'SINGLE', period: '2026-01-01', value: '250.500', readAt: new Date('2026-02-03T09:00:00Z'), source: 'PORTAL' },
    ]),
  );
  const issuedAt = new Date('2026-02-07T22:00:00Z');
  const bills = accounts.map((account) => ({
    id: randomUUID(),
    accountId: account.id,
    period: '2026-01-01',
    currency: account.currency,
    cutoffAt: issuedAt,
    issuedTo: { supplierName: supplier.name, holderName: 'Тестенко', address: account.address, accountKind: 'RESIDENTIAL' as const, contractNumber: null, vatRateBasisPoints: null },
    issuedOn: '2026-02-08',
    issuedAt,
    dueDate: '2026-02-28',
    openingMinor: 0,
    chargesMinor: chargedMinor,
    vatMinor: 0,
    correctionsMinor: 0,
    paymentsMinor: 0,
    adjustmentsMinor: 0,
    amountDueMinor: chargedMinor,
    receiptCode: `R-${account.id}`,
  }));
  await db.insert(t.bills).values(bills);
  // The ledger through its one writer: each bill's charge, and a payment after it.
  const paidAt = new Date('2026-02-10');
  await db.transaction(async (tx) => {
    await postBillEntries(tx, t, bills.map((bill) => ({ bill, entries: [{ kind: 'CHARGE', amountMinor: chargedMinor, description: 'test charge' }] })), issuedAt);
    await postPayments(
      tx,
      t,
      accounts.map((account) => ({ paymentId: randomUUID(), accountId: account.id, amountMinor: paidMinor, currency: account.currency, capturedAt: paidAt, description: 'test payment' })),
      paidAt,
    );
  });
  return userId;
}
